import type { IncomingMessage } from 'node:http';
import { countTokens } from 'gpt-tokenizer';
import { extractClaims } from '../../shared/analysis/claims.js';
import { splitSentences } from '../../shared/analysis/sentences.js';
import { summarize } from '../../shared/analysis/summarize.js';
import { render, requestedSchema } from './stub-schema.js';
import { tokensOf } from './stub-tokens.js';

/**
 * What the stand-in server answers, as a careful model would: an extractive
 * analysis of the article between the markers, a merge of part summaries,
 * a repair from the article itself, a judge that finds a faithful summary
 * faithful, or a "translation" written in the target language's script with
 * the figures kept, as long in tokens as a translation. Each is written in
 * the shape the request's schema asks for (stub-schema.ts): a claim's
 * evidence copied when a string is asked for, the numbers of the sentences
 * the prompt numbered when integers are. The requests it answers are
 * recorded as chat requests.
 */

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  max_tokens?: number;
  max_completion_tokens?: number;
  reasoning_effort?: string;
  [key: string]: unknown;
}

export interface Recorded {
  /** The request as a chat request (a Responses API request is mapped onto one; `raw` keeps it as sent). */
  body: ChatRequest;
  raw: Record<string, unknown>;
  api: 'chat' | 'responses';
  headers: IncomingMessage['headers'];
  at: number;
  /** What the stand-in answered (the message's content as billed), once it answered. */
  answer?: string;
  /** The schema the request asked for, or the task recognised from the prompt in JSON mode. */
  task: 'article_analysis' | 'summary_merge' | 'summary_repair' | 'summary_judge' | 'translation' | 'probe' | 'unknown';
}

export const ARTICLE = /=====BEGIN ARTICLE (\S+)=====\n([\s\S]*)\n=====END ARTICLE \1=====/;

export function taskOf(schemaName: string | undefined, system: string): Recorded['task'] {
  if (
    schemaName === 'article_analysis' ||
    schemaName === 'summary_merge' ||
    schemaName === 'summary_repair' ||
    schemaName === 'summary_judge' ||
    schemaName === 'translation' ||
    schemaName === 'probe'
  ) {
    return schemaName;
  }
  if (system.startsWith('You analyse news articles')) return 'article_analysis';
  if (system.startsWith('You correct the summary')) return 'summary_repair';
  if (system.startsWith('You check a summary')) return 'summary_judge';
  if (system.startsWith('You merge the summaries')) return 'summary_merge';
  if (system.startsWith('You translate')) return 'translation';
  if (system.startsWith('You check that a service is reachable')) return 'probe';
  return 'unknown';
}

/**
 * At least three items and at most five: `items`, then those of `fill` not
 * among them. `fill` is asked for only when it is needed (the article's
 * sentences, split again: most summaries have three bullets already).
 */
const pad = (items: string[], fill: () => string[]) => {
  const out = [...items];
  if (out.length < 3) {
    const more = fill();
    for (const f of more) if (out.length < 3 && !out.includes(f)) out.push(f);
    while (out.length < 3) out.push(out[out.length - 1] ?? more[0] ?? '…');
  }
  return out.slice(0, 5);
};

/**
 * Common words of each language the project's detector knows, standing in
 * for a translation: the output reads as that language to a detector, in its
 * script, while the figures are kept as a faithful translation keeps them.
 */
const LANGUAGE_WORDS: Record<string, string[]> = {
  ar: ['في', 'من', 'على', 'إلى', 'أن', 'التي', 'الذي', 'كانت', 'قال', 'مع'],
  fa: ['در', 'از', 'به', 'این', 'که', 'را', 'با', 'است', 'برای', 'گفت'],
  ur: ['کے', 'میں', 'ہے', 'اور', 'سے', 'کی', 'کو', 'نے', 'یہ', 'ہیں'],
  ku: ['لە', 'و', 'بە', 'کە', 'ئەم', 'بۆ', 'دەکات', 'لەگەڵ', 'هەیە', 'وتی'],
  he: ['של', 'את', 'על', 'הוא', 'זה', 'עם', 'לא', 'כי', 'אמר', 'היא'],
  ru: ['и', 'в', 'не', 'на', 'что', 'он', 'с', 'как', 'это', 'по'],
  uk: ['і', 'в', 'не', 'на', 'що', 'він', 'з', 'як', 'це', 'їх'],
  el: ['και', 'το', 'της', 'η', 'σε', 'που', 'για', 'με', 'είναι', 'από'],
  hi: ['के', 'में', 'है', 'और', 'से', 'की', 'को', 'ने', 'यह', 'हैं'],
  bn: ['এবং', 'এই', 'করে', 'থেকে', 'জন্য', 'হয়', 'তার', 'সঙ্গে', 'বলেন', 'একটি'],
  zh: ['的', '是', '在', '了', '和', '有', '这', '人', '中', '说'],
  ja: ['の', 'に', 'は', 'を', 'た', 'が', 'で', 'して', 'います', 'こと'],
  ko: ['그', '이', '는', '을', '에', '가', '있다', '하고', '했다', '것'],
  fr: ['le', 'la', 'les', 'de', 'des', 'et', 'est', 'dans', 'pour', 'une', 'avec', 'qui'],
  de: ['der', 'die', 'und', 'ist', 'nicht', 'mit', 'für', 'auf', 'das', 'ein', 'sich', 'wurde'],
  es: ['el', 'la', 'los', 'de', 'y', 'es', 'en', 'para', 'con', 'una', 'que', 'por'],
  it: ['il', 'la', 'di', 'che', 'è', 'e', 'per', 'una', 'con', 'non', 'sono', 'della'],
  pt: ['o', 'a', 'de', 'que', 'e', 'do', 'da', 'em', 'um', 'para', 'não', 'com'],
  nl: ['de', 'het', 'een', 'van', 'en', 'in', 'is', 'dat', 'op', 'niet', 'met', 'voor'],
  pl: ['i', 'w', 'nie', 'na', 'się', 'z', 'jest', 'do', 'że', 'to', 'przez', 'który'],
  tr: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'olarak', 'daha', 'çok', 'olan', 'dedi'],
  id: ['yang', 'dan', 'di', 'ini', 'dengan', 'untuk', 'dari', 'dalam', 'tidak', 'akan', 'itu', 'kata'],
  vi: ['và', 'của', 'là', 'các', 'có', 'được', 'trong', 'cho', 'những', 'với', 'này', 'nói'],
  sw: ['na', 'ya', 'wa', 'kwa', 'katika', 'ni', 'la', 'za', 'hiyo', 'kuwa', 'alisema', 'cha'],
};

/**
 * How many o200k tokens a translation of English takes for each token of
 * the source, so that a stand-in translation is as long, in tokens, as a
 * model's: the o200k counts of one sentence in each language that OpenAI
 * published with GPT-4o (English 24 tokens; French 28, Arabic 26, …), taken
 * as ratios. One sentence is a small sample: an assumption, not a measure.
 */
const TOKEN_RATIO: Record<string, number> = {
  fr: 1.17,
  es: 1.08,
  de: 1.21,
  it: 1.17,
  pt: 1.13,
  pl: 1.17,
  ar: 1.08,
  fa: 1.33,
  ur: 1.38,
  ru: 0.96,
  zh: 1,
  ja: 1.08,
  ko: 1.13,
  hi: 1.29,
  tr: 1.25,
  vi: 1.25,
};
const DEFAULT_RATIO = 1.15;

/**
 * Every word replaced by a common word of the target language, in turn;
 * figures and punctuation kept; then words of the language added before
 * the closing punctuation until the text is as long, in tokens, as a
 * translation would be.
 */
export function fakeTranslate(text: string, lang: string): string {
  const base = lang.split('-')[0] ?? lang;
  const words = LANGUAGE_WORDS[base] ?? [`${lang}word`];
  let i = 0;
  const replaced = text.replace(/\p{L}[\p{L}\p{M}]*/gu, () => words[i++ % words.length] as string);
  // The source's count kept: the same summary and claims are translated into each language asked.
  const want = Math.round(tokensOf(text) * (TOKEN_RATIO[base] ?? DEFAULT_RATIO));
  const [, body = replaced, close = ''] = /^([\s\S]*?)([.!?؟。]*)$/u.exec(replaced) ?? [];
  if (!/\p{L}/u.test(body)) return `${body}${close}`;
  // Each word added is a piece of its own in o200k's split (a space and letters, after letters or a mark), so
  // its tokens add to the count: counting only the word, not the whole text again at each word, as the loop
  // did. The whole is counted once at the end, and a text whose pieces did not add up is grown the long way.
  const first = i;
  let grown = body;
  let count = countTokens(`${grown}${close}`);
  while (count < want) {
    const word = ` ${words[i++ % words.length]}`;
    grown += word;
    count += tokensOf(word);
  }
  if (countTokens(`${grown}${close}`) === count) return `${grown}${close}`;
  grown = body;
  i = first;
  while (countTokens(`${grown}${close}`) < want) grown += ` ${words[i++ % words.length]}`;
  return `${grown}${close}`;
}

/** The answer a faithful model would give to the request (an empty object to a request it cannot read). */
export function autoAnswer(request: Recorded): Record<string, unknown> {
  try {
    const known = faithfulAnswer(request);
    const schema = requestedSchema(request);
    return (schema ? render(schema, known) : known) as Record<string, unknown>;
  } catch {
    // A prompt that no longer parses at all: a model would answer nonsense.
    return {};
  }
}

/** A sentence number the prompt puts before a sentence of the article: `[12] `. */
const SENTENCE_MARK = /(?<=^|\s)\[(\d{1,5})\] /g;

/**
 * The article as the prompt gives it, and where each numbered sentence
 * starts in it once the numbers are taken out (none when the prompt does
 * not number its sentences).
 */
export function articleOf(user: string): { text: string; starts: { n: number; at: number }[] } {
  // A prompt the server cut lost its beginning: the model reads the tail it was given.
  const given = ARTICLE.exec(user)?.[2] ?? /^([\s\S]*)\n=====END ARTICLE \S+=====/.exec(user)?.[1] ?? '';
  const starts: { n: number; at: number }[] = [];
  let text = '';
  let last = 0;
  for (const mark of given.matchAll(SENTENCE_MARK)) {
    text += given.slice(last, mark.index);
    starts.push({ n: Number(mark[1]), at: text.length });
    last = mark.index + mark[0].length;
  }
  return { text: text + given.slice(last), starts };
}

/** The numbers of the sentences a span of the article lies in. */
function sentencesOf(starts: { n: number; at: number }[], start: number, end: number): number[] {
  const first = starts.filter((s) => s.at <= start).at(-1);
  const inside = starts.filter((s) => s.at > start && s.at < end);
  return [...(first ? [first] : []), ...inside].map((s) => s.n);
}

/**
 * The numbers of the sentences of the request's article that a passage lies
 * in, as a model citing it would give them; empty when the passage is not in
 * the article. For tests that script a claim by the passage that states it.
 */
export function citing(request: Recorded, passage: string): number[] {
  const user = request.body.messages.filter((m) => m.role === 'user').at(0)?.content ?? '';
  const { text, starts } = articleOf(user);
  const at = text.indexOf(passage);
  return at < 0 ? [] : sentencesOf(starts, at, at + passage.length);
}

/** The first line of a message that is a JSON object: the data a translation request sends. */
function jsonLine(text: string): unknown {
  const line = text.split('\n').find((l) => l.trimStart().startsWith('{')) ?? text;
  return JSON.parse(line);
}

/** Every string of a value translated, ids kept. */
function translated(value: unknown, lang: string, key = ''): unknown {
  if (typeof value === 'string') return key === 'id' ? value : fakeTranslate(value, lang);
  if (Array.isArray(value)) return value.map((v) => translated(v, lang));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translated(v, lang, k)]));
  }
  return value;
}

/**
 * A claim's check-worthiness as a model gives it: its reason, then its
 * score, two decimals between 0 and 1 where the schema asks for
 * `checkworthiness`, a whole percentage where it asks for `score`.
 */
function scored(checkworthiness: number, reason: string) {
  const percent = Math.round(checkworthiness * 100);
  return { checkworthinessReason: reason, reason, checkworthiness: percent / 100, score: percent };
}

function faithfulAnswer(request: Recorded): Record<string, unknown> {
  const user = request.body.messages.filter((m) => m.role === 'user').at(0)?.content ?? '';
  switch (request.task) {
    case 'article_analysis': {
      const { text, starts } = articleOf(user);
      const summary = summarize(text);
      return {
        headline: summary.headline,
        short: summary.short,
        bullets: pad(summary.bullets, () => splitSentences(text).map((s) => s.text)),
        claims: extractClaims(text).map((c) => ({
          evidence: c.evidence,
          ...(starts.length > 0 ? { sentences: sentencesOf(starts, c.start ?? 0, c.end ?? 0) } : {}),
          text: c.text,
          speaker: c.speaker,
          kind: c.kind,
          // What the model knows of a claim, under each name a schema may ask for it by (an older engine's too).
          ...scored(
            c.checkworthiness,
            'Of public interest, harmful if false, and verifiable against official figures.',
          ),
        })),
      };
    }
    case 'summary_repair': {
      // A faithful model rewrites the summary from the article itself.
      const { text } = articleOf(user);
      const summary = summarize(text);
      return {
        headline: summary.headline,
        short: summary.short,
        bullets: pad(summary.bullets, () => splitSentences(text).map((s) => s.text)),
      };
    }
    case 'summary_judge': {
      // A faithful judge of a faithful summary: every sentence stated by the article.
      const listed = /Summary sentences \(JSON\): (\[[\s\S]*\])\s*$/.exec(user)?.[1] ?? '[]';
      const sentences = JSON.parse(listed) as { index: number }[];
      return {
        sentences: sentences.map((s) => ({ index: s.index, reason: 'The article states it.', supported: true })),
      };
    }
    case 'summary_merge': {
      const { parts } = JSON.parse(user) as { parts: { headline: string; short: string; bullets: string[] }[] };
      const shorts = parts.map((p) => p.short).join(' ');
      return {
        headline: parts[0]?.headline ?? '',
        short: shorts.split(/\s+/).slice(0, 55).join(' '),
        bullets: pad(parts.flatMap((p) => p.bullets).slice(0, 5), () => []),
      };
    }
    case 'translation': {
      // The target language is named "into Arabic (ar)": in the line after the data, or in the system message.
      const naming = /\binto [^()\n]+ \(([a-z]{2,3}(?:-[a-z0-9]+)?)\)/i;
      const system = request.body.messages.find((m) => m.role === 'system')?.content ?? '';
      const after = user.split('\n').filter((line) => !line.trimStart().startsWith('{'));
      const lang = (naming.exec(after.at(-1) ?? '') ?? naming.exec(system))?.[1] ?? 'xx';
      return translated(jsonLine(user), lang) as Record<string, unknown>;
    }
    case 'probe':
      return { ok: true };
    default:
      return {};
  }
}
