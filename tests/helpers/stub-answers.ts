import type { IncomingMessage } from 'node:http';
import { extractClaims } from '../../shared/analysis/claims.js';
import { splitSentences } from '../../shared/analysis/sentences.js';
import { summarize } from '../../shared/analysis/summarize.js';

/**
 * What the stand-in server answers, as a careful model would: an extractive
 * analysis of the article between the markers, a merge of part summaries,
 * a repair from the article itself, a judge that finds a faithful summary
 * faithful, or a "translation" written in the target language's script with
 * the figures kept. The requests it answers are recorded as chat requests.
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

const pad = (items: string[], fill: string[]) => {
  const out = [...items];
  for (const f of fill) if (out.length < 3 && !out.includes(f)) out.push(f);
  while (out.length < 3) out.push(out[out.length - 1] ?? fill[0] ?? '…');
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

/** Every word replaced by a common word of the target language, in turn; figures and punctuation kept. */
function fakeTranslate(text: string, lang: string): string {
  const words = LANGUAGE_WORDS[lang.split('-')[0] ?? lang] ?? [`${lang}word`];
  let i = 0;
  return text.replace(/\p{L}[\p{L}\p{M}]*/gu, () => words[i++ % words.length] as string);
}

/** The answer a faithful model would give to the request (an empty object to a request it cannot read). */
export function autoAnswer(request: Recorded): Record<string, unknown> {
  try {
    return faithfulAnswer(request);
  } catch {
    // A prompt that no longer parses at all: a model would answer nonsense.
    return {};
  }
}

function faithfulAnswer(request: Recorded): Record<string, unknown> {
  const user = request.body.messages.filter((m) => m.role === 'user').at(0)?.content ?? '';
  switch (request.task) {
    case 'article_analysis': {
      // A prompt the server cut lost its beginning: the model analyses the tail it was given.
      const text = ARTICLE.exec(user)?.[2] ?? /^([\s\S]*)\n=====END ARTICLE \S+=====/.exec(user)?.[1] ?? '';
      const summary = summarize(text);
      const sentences = splitSentences(text).map((s) => s.text);
      return {
        headline: summary.headline,
        short: summary.short,
        bullets: pad(summary.bullets, sentences),
        claims: extractClaims(text).map((c) => ({
          text: c.text,
          speaker: c.speaker,
          kind: c.kind,
          evidence: c.evidence,
          checkworthinessReason: 'Of public interest, harmful if false, and verifiable against official figures.',
          checkworthiness: c.checkworthiness,
        })),
      };
    }
    case 'summary_repair': {
      // A faithful model rewrites the summary from the article itself.
      const text = ARTICLE.exec(user)?.[2] ?? '';
      const summary = summarize(text);
      return {
        headline: summary.headline,
        short: summary.short,
        bullets: pad(
          summary.bullets,
          splitSentences(text).map((s) => s.text),
        ),
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
        bullets: pad(parts.flatMap((p) => p.bullets).slice(0, 5), []),
      };
    }
    case 'translation': {
      const lang = /\(([a-z-]+)\)/.exec(request.body.messages[0]?.content ?? '')?.[1] ?? 'xx';
      const source = JSON.parse(user) as {
        headline?: string;
        short?: string;
        bullets?: string[];
        claims: { id: string; text: string; speaker?: string | null }[];
      };
      const claims = source.claims.map((c) => ({
        id: c.id,
        text: fakeTranslate(c.text, lang),
        speaker: c.speaker ? fakeTranslate(c.speaker, lang) : null,
      }));
      if (source.headline === undefined) return { claims };
      return {
        headline: fakeTranslate(source.headline, lang),
        short: fakeTranslate(source.short ?? '', lang),
        bullets: (source.bullets ?? []).map((b) => fakeTranslate(b, lang)),
        claims,
      };
    }
    case 'probe':
      return { ok: true };
    default:
      return {};
  }
}
