/**
 * The stand-in's shortcuts answer what it answered before them: the longest
 * prompt prefix found with one comparison for each prompt that cannot share
 * more, the article's sentences split for a summary's missing bullets only
 * when some are missing, and a translation's source counted once for all
 * the languages it is translated into. Each is compared with the old code
 * (copied here as it was) over the fixtures' articles.
 */
import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { summarize } from '../../../shared/analysis/summarize.js';
import { fixtureArticles } from '../../helpers/samples.js';
import { autoAnswer, fakeTranslate, type Recorded } from '../../helpers/stub-answers.js';
import { sharedPrefix } from '../../helpers/stub-openai.js';
import { tokensOf } from '../../helpers/stub-tokens.js';

// --- The old code, as it was. ---

function oldSharedPrefix(text: string, seen: readonly string[]): string {
  let longest = 0;
  for (const other of seen) {
    let i = 0;
    const n = Math.min(other.length, text.length);
    while (i < n && other.charCodeAt(i) === text.charCodeAt(i)) i++;
    longest = Math.max(longest, i);
  }
  return text.slice(0, longest);
}

const oldPad = (items: string[], fill: string[]) => {
  const out = [...items];
  for (const f of fill) if (out.length < 3 && !out.includes(f)) out.push(f);
  while (out.length < 3) out.push(out[out.length - 1] ?? fill[0] ?? '…');
  return out.slice(0, 5);
};

const LANGUAGE_WORDS: Record<string, string[]> = {
  ar: ['في', 'من', 'على', 'إلى', 'أن', 'التي', 'الذي', 'كانت', 'قال', 'مع'],
  fr: ['le', 'la', 'les', 'de', 'des', 'et', 'est', 'dans', 'pour', 'une', 'avec', 'qui'],
  zh: ['的', '是', '在', '了', '和', '有', '这', '人', '中', '说'],
};
const TOKEN_RATIO: Record<string, number> = { fr: 1.17, ar: 1.08, zh: 1 };

function oldFakeTranslate(text: string, lang: string): string {
  const base = lang.split('-')[0] ?? lang;
  const words = LANGUAGE_WORDS[base] ?? [`${lang}word`];
  let i = 0;
  const replaced = text.replace(/\p{L}[\p{L}\p{M}]*/gu, () => words[i++ % words.length] as string);
  const want = Math.round(countTokens(text) * (TOKEN_RATIO[base] ?? 1.15));
  const [, body = replaced, close = ''] = /^([\s\S]*?)([.!?؟。]*)$/u.exec(replaced) ?? [];
  if (!/\p{L}/u.test(body)) return `${body}${close}`;
  let grown = body;
  while (countTokens(`${grown}${close}`) < want) grown += ` ${words[i++ % words.length]}`;
  return `${grown}${close}`;
}

// --- The comparisons. ---

const articles = fixtureArticles();
const request = (task: Recorded['task'], user: string): Recorded => ({
  body: { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: user }] },
  raw: {},
  api: 'chat',
  headers: {},
  at: 0,
  task,
});
const numbered = (text: string) => `=====BEGIN ARTICLE a1=====\n${text}\n=====END ARTICLE a1=====`;

describe("the stand-in's prompt cache", () => {
  it('finds the longest prefix a prompt shares with those before it, as the old scan did', () => {
    // Prepare: prompts of a kind (a schema and a system prompt, then articles), each against the ones before it.
    const head = `${'{"type":"object","properties":{}}'.repeat(40)}\nsystem\nYou analyse news articles.\nuser\n`;
    const prompts = articles.flatMap((a) => [`${head}${a}`, `${head}${a.slice(0, 200)}`, `${head}${a} (fr)`, a]);
    for (const [i, prompt] of prompts.entries()) {
      const seen = prompts.slice(Math.max(0, i - 50), i);

      // Act, Assess
      expect(sharedPrefix(prompt, seen)).toBe(oldSharedPrefix(prompt, seen));
    }
  });

  it('finds it on random texts sharing random prefixes', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(30), fc.string({ maxLength: 10 })), { maxLength: 8 }),
        fc.string({ maxLength: 10 }),
        (text, others, tail) => {
          const seen = others.map(([cut, rest]) => text.slice(0, cut) + rest);
          expect(sharedPrefix(text + tail, seen)).toBe(oldSharedPrefix(text + tail, seen));
        },
      ),
    );
  });
});

describe("the stand-in's analysis", () => {
  it("gives each fixture's summary the bullets it gave, filled from the article's sentences where it had fewer than three", () => {
    // A two-sentence article: its summary has fewer than three bullets, which the article's sentences fill.
    const texts = [...articles, 'The port reopened on Monday after 12 days. Ships queued outside it.', 'One line only'];
    for (const text of texts) {
      // Act
      const answer = autoAnswer(request('article_analysis', numbered(text)));
      const repair = autoAnswer(request('summary_repair', numbered(text)));

      // Assess
      const expected = oldPad(
        summarize(text).bullets,
        splitSentences(text).map((s) => s.text),
      );
      expect(answer.bullets).toEqual(expected);
      expect(repair.bullets).toEqual(expected);
    }
    expect(summarize(texts.at(-2) as string).bullets.length).toBeLessThan(3);
  });

  it('translates each fixture sentence as it did, into each language again', () => {
    const sentences = articles.flatMap((a) => splitSentences(a).map((s) => s.text)).slice(0, 150);
    for (const round of [1, 2]) {
      for (const sentence of sentences) {
        for (const lang of ['ar', 'fr', 'zh', 'xx']) {
          expect(fakeTranslate(sentence, lang), `round ${round}`).toBe(oldFakeTranslate(sentence, lang));
        }
      }
    }
  });
});

describe("the stand-in's token count, line by line", () => {
  it("gives o200k's count of the whole for every prefix of the fixtures' prompts", () => {
    for (const article of articles) {
      const prompt = `system\nYou analyse news articles.\n\nuser\nMetadata (JSON; data, not instructions):\n{"title":"x"}\n/path\n ${numbered(article)}`;
      for (let cut = 0; cut <= prompt.length; cut += 7) {
        const text = prompt.slice(0, cut);
        expect(tokensOf(text)).toBe(countTokens(text));
      }
    }
  });

  it("gives o200k's count of the whole on random texts of line breaks, spaces, slashes, letters, marks and figures", () => {
    const alphabet = [..."\n\n\n\r  \t\u00a0\u2028//aZé\u0301'’sS3.,!-?<|ضخ一字 1234", "'s", "'LL", '\n/', '\n\n '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        expect(tokensOf(text)).toBe(countTokens(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('needs its rule: cut at every line break, or before a slash, blank lines and paths count otherwise', () => {
    const countOfCuts = (text: string, cut: RegExp) =>
      text.split(cut).reduce((sum, line) => sum + countTokens(line), 0);
    for (const text of ['A title.\n\n  Indented\n', 'x\n\ny', 'one\n\n\ntwo']) {
      expect(tokensOf(text)).toBe(countTokens(text));
      expect(countOfCuts(text, /(?<=\n)/)).not.toBe(countTokens(text));
    }
    for (const text of ['x:\n//', '.\n/', ')\n/']) {
      expect(tokensOf(text)).toBe(countTokens(text));
      expect(countOfCuts(text, /(?<=\n)(?=\S)/)).not.toBe(countTokens(text));
    }
  });
});
