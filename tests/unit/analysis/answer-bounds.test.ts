import { describe, expect, it } from 'vitest';
import {
  ANSWER_RECORD_BYTES,
  ANSWER_TEXT_LIMITS,
  bounded,
  boundedResult,
  boundedSummary,
  leftOutForRoom,
  translationsThatFit,
} from '../../../shared/analysis/llm/answer-bounds.js';
import { analysisOutput } from '../../../shared/analysis/llm/schemas.js';
import { shortFromBullets } from '../../../shared/analysis/llm/short-summary.js';
import type { AnalysisResult, Claim, Summary, Translation } from '../../../shared/article.js';
import { normalizeLine } from '../../../shared/cleaning/normalize.js';

const codePoints = (text: string) => [...text].length;

const summary: Summary = {
  headline: 'Basra opens a water plant',
  short: 'Basra opens a water plant. It serves 600,000 people.',
  bullets: ['Basra opens a water plant.', 'It serves 600,000 people.', 'It cost 112 million dollars.'],
};
const claims: Claim[] = [];

/** A translation of `kb` kilobytes of text (Arabic letters, two bytes each). */
const translation = (kb: number): Translation => ({
  status: 'done',
  headline: 'محطة',
  short: 'محطة',
  bullets: ['ب'.repeat(kb * 512)],
  claims: [],
});

describe('the texts a model writes', () => {
  it('are cut to their bound with an ellipsis, a faithful one left alone', () => {
    // Prepare
    const long = 'word '.repeat(100_000);
    // Act and assess
    expect(bounded('bullet', 'Basra opens a water plant.')).toBe('Basra opens a water plant.');
    for (const kind of Object.keys(ANSWER_TEXT_LIMITS) as (keyof typeof ANSWER_TEXT_LIMITS)[]) {
      const cut = bounded(kind, long);
      expect(codePoints(cut)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS[kind]);
      expect(cut.endsWith('word…')).toBe(true);
    }
  });

  it('are bounded as an analysis answer is read: headline, bullets, claim text, speaker and reason', () => {
    // Prepare: an answer whose every text is a megabyte.
    const mb = 'x'.repeat(1_000_000);
    const answer = {
      headline: mb,
      bullets: [mb, mb, mb],
      claims: [{ sentences: [1], text: mb, speaker: mb, kind: 'event', reason: mb, score: 50 }],
    };
    // Act
    const read = analysisOutput.parse(answer);
    // Assess
    expect(codePoints(read.headline)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.headline);
    expect(read.bullets.map(codePoints)).toEqual([1000, 1000, 1000]);
    const claim = read.claims[0];
    expect(codePoints(claim?.text ?? '')).toBe(ANSWER_TEXT_LIMITS.claim);
    expect(codePoints(claim?.speaker ?? '')).toBe(ANSWER_TEXT_LIMITS.speaker);
    expect(codePoints(claim?.checkworthinessReason ?? '')).toBe(ANSWER_TEXT_LIMITS.reason);
  });
});

describe('the translations a record keeps', () => {
  it('are all of them when they fit', () => {
    const translations = { ar: translation(10), fa: translation(10) };
    expect(translationsThatFit({ summary, claims, translations }, ['ar', 'fa'])).toEqual(translations);
  });

  it('are those that fit, in the order the languages were asked; the others left out as RECORD_FULL', () => {
    // Prepare: forty languages of 12 KB each, far past what one item keeps.
    const languages = Array.from({ length: 40 }, (_, i) => `l${i}`);
    const translations = Object.fromEntries(languages.map((lang) => [lang, translation(12)]));
    translations.l0 = { status: 'failed', reason: 'LLM_TIMEOUT: The call ran out of time.' };
    // Act
    const kept = translationsThatFit({ summary, claims, translations }, languages);
    // Assess: the first ones kept whole, the rest left out with their code; the answers within the budget.
    const done = languages.filter((lang) => kept[lang]?.status === 'done');
    const left = languages.filter((lang) => leftOutForRoom(kept[lang]));
    expect(done.length).toBeGreaterThan(20);
    expect(left.length).toBeGreaterThan(0);
    expect(done).toEqual(languages.slice(1, 1 + done.length));
    expect(kept.l0).toEqual(translations.l0);
    expect(kept[left[0] as string]).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/^RECORD_FULL: /),
    });
    expect(Buffer.byteLength(JSON.stringify({ summary, claims, translations: kept }))).toBeLessThan(
      ANSWER_RECORD_BYTES,
    );
  });

  it('keeps a small translation after one too large for the room left', () => {
    const translations = { ar: translation(200), fa: translation(200), ru: translation(1) };
    const kept = translationsThatFit({ summary, claims, translations }, ['ar', 'fa', 'ru']);
    expect([kept.ar?.status, kept.fa?.status, kept.ru?.status]).toEqual(['done', 'unavailable', 'done']);
  });
});

describe('a text bounded again', () => {
  const kinds = Object.keys(ANSWER_TEXT_LIMITS) as (keyof typeof ANSWER_TEXT_LIMITS)[];
  /** Texts at, around and far past each bound: words, no spaces, emoji and combining marks at the cut, controls. */
  const texts = (limit: number) => [
    'a'.repeat(limit),
    'a'.repeat(limit + 1),
    `${'a'.repeat(limit - 1)} `,
    `${'word '.repeat(limit)}`,
    `${'a'.repeat(limit - 2)}👩‍👩‍👧‍👦${'b'.repeat(10)}`,
    `${'e\u0301'.repeat(limit)}`,
    `\u001b[2J${'x'.repeat(limit)}\t\r\u202e`,
    `${'word '.repeat(limit / 5 - 1)}word…`,
    `${'ب '.repeat(limit)}`,
  ];

  it('is unchanged: one cut, one ellipsis', () => {
    for (const kind of kinds) {
      for (const text of texts(ANSWER_TEXT_LIMITS[kind])) {
        const once = bounded(kind, text);
        expect(bounded(kind, once)).toBe(once);
        expect(once).not.toMatch(/……/);
      }
    }
  });

  it('is unchanged in a whole result: summary, short, claims, judge and translations', () => {
    // Prepare: a result whose every text is past its bound.
    const long = `\u001b]0;owned\u0007${'word '.repeat(2_000)}`;
    const bullets = [long, 'Basra opens a water plant.', long];
    const result: AnalysisResult = {
      status: 'DONE',
      summary: { headline: long, short: shortFromBullets(bullets, 'en'), bullets },
      claims: [
        {
          id: 'c1',
          text: long,
          speaker: long,
          kind: 'statistic',
          evidence: 'It serves 600,000 people.',
          start: 0,
          end: 25,
          grounded: true,
          match: 'exact',
          matchScore: 1,
          checkworthiness: 0.5,
          checkworthinessReason: long,
        } as Claim,
      ],
      translations: {
        fr: {
          status: 'done',
          headline: long,
          short: long,
          bullets: [long],
          claims: [{ id: 'c1', text: long, speaker: long }],
        },
        ar: { status: 'failed', reason: 'LLM_TIMEOUT: The call ran out of time.' },
      },
      usage: {},
      provenance: { engine: 'openai', model: 'm', promptVersion: 'p', chunks: 1 },
      checks: {
        faithfulness: {
          supported: true,
          unsupported: [],
          judge: {
            model: 'm',
            supported: false,
            unsupported: Array.from({ length: 50 }, () => ({ text: 'Basra opens a water plant.', reason: long })),
          },
        },
        claims: { total: 1, grounded: 1, ungrounded: 0, dropped: 0 },
        numbers: { summaryNotInArticle: [], translations: {} },
      },
    };
    // Act
    const once = boundedResult(result, 'en');
    const twice = boundedResult(once, 'en');
    // Assess
    expect(twice).toEqual(once);
    for (const bullet of [once.summary.bullets[0], once.summary.bullets[2]]) {
      expect([...(bullet ?? '')].length).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.bullet);
      expect(bullet?.endsWith('word…')).toBe(true);
    }
    expect(once.summary.bullets[1]).toBe('Basra opens a water plant.');
    // One verdict a summary sentence at most, each reason bounded.
    const judge = once.checks?.faithfulness?.judge;
    expect(judge?.unsupported.length).toBeLessThan(50);
    for (const u of judge?.unsupported ?? [])
      expect([...u.reason].length).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.reason);
    // The short made from the bullets is made again from the bounded ones; a model's own is bounded as a bullet.
    expect(once.summary.short).toBe(shortFromBullets(once.summary.bullets, 'en'));
    const fr = once.translations.fr;
    expect(fr?.status === 'done' && fr.short.endsWith('word…')).toBe(true);
    expect(once.translations.ar).toEqual(result.translations.ar);
    expect(JSON.stringify(once)).not.toMatch(/\\u001b|\\u0007/);
  });

  it('leaves a summary within its bounds as it is', () => {
    expect(boundedSummary(summary, 'en')).toEqual(summary);
  });
});

describe('the characters taken out', () => {
  // The classes as each was written before they shared one definition (control-characters.ts).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the classes under test are of control characters.
  const answerBefore = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
  const cleanerBefore =
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the classes under test are of control characters.
    /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  const cleanerSpaces = /[\t\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

  it("are the same as before, in a model's text and in a cleaned line, for every character of the basic plane", () => {
    for (let c = 0; c < 0x10000; c += 1) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const text = `a${String.fromCharCode(c)}b`;
      expect(bounded('bullet', text)).toBe(text.replace(answerBefore, '').replace(/[\t\v\f\r]/g, ' '));
      expect(normalizeLine(text)).toBe(
        text.normalize('NFC').replace(cleanerBefore, '').replace(cleanerSpaces, ' ').replace(/ {2,}/g, ' ').trim(),
      );
    }
  });
});
