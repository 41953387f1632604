import type { AnalysisResult, Translation } from '../../article.js';
import type { ErrorCode } from '../../errors.js';
import { truncate } from '../../truncate.js';

/**
 * How long each text a model writes may be, in code points, as it is read.
 * The answer schemas bound how many bullets and claims (schemas.ts); these
 * bound each one, so that a model that answers at its output cap (a
 * reasoning model that spends little of its reasoning room, a server that
 * ignores the cap) fills no record: a 25 KB bullet in each of ten languages
 * took the record past DynamoDB's 400 KB item and the article ended
 * STORAGE_REJECTED, every call paid for and nothing kept. Each bound is
 * several times what the prompt asks for (a headline of 15 words, short
 * bullets, a claim as one sentence, a reason in one line), so that a
 * faithful answer in any language is never cut; a longer one is cut with
 * an ellipsis.
 */
export const ANSWER_TEXT_LIMITS = {
  headline: 400,
  bullet: 1_000,
  claim: 1_000,
  speaker: 200,
  reason: 500,
} as const;

export type AnswerText = keyof typeof ANSWER_TEXT_LIMITS;

/**
 * What a model's text is written without, as a cleaned article's is
 * (shared/cleaning/normalize.ts): the control characters a terminal acts on
 * (C0 but the line feed, DEL, C1: ESC, BEL, CSI…) and the bidi embeddings,
 * overrides and isolates, which a model may copy or be led to write and
 * which reached the reader page, the CLI's output and a terminal as they
 * came: a headline with "ESC [2J" cleared the screen of whoever ran `precis
 * get`, one with U+202E printed the rest of its line backwards. The marks
 * that order right-to-left text (LRM, RLM, ALM) stay; tabs and carriage
 * returns are spaces.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what this pattern is for.
const UNPRINTABLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const ODD_SPACES = /[\t\v\f\r]/g;

/** A text the model wrote, printable (UNPRINTABLE) and within its bound. */
export function bounded(kind: AnswerText, text: string): string {
  return truncate(text.replace(UNPRINTABLE, '').replace(ODD_SPACES, ' '), ANSWER_TEXT_LIMITS[kind], { atSpace: true });
}

/** The same for a speaker, who may be nobody. */
export function boundedSpeaker(speaker: string | null): string | null {
  return speaker === null ? null : bounded('speaker', speaker);
}

/**
 * The bytes of an article's record that its answers may take: the summary,
 * the claims (their evidence too, at most 4,000 bytes a claim) and the
 * translations, as JSON. DynamoDB keeps 400 KB an item; the rest is left to
 * what the record holds besides (metadata, usage by stage, checks,
 * provenance: about 15 KB with ten languages).
 */
export const ANSWER_RECORD_BYTES = 320 * 1024;

/** Why a translation is not kept (shared/errors.ts); a later delivery keeps it so, and does not pay for it again. */
const RECORD_FULL: ErrorCode = 'RECORD_FULL';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Whether a translation was left out because the record had no room for it. */
export function leftOutForRoom(translation: Translation | undefined): boolean {
  return translation?.status === 'unavailable' && translation.reason.startsWith(`${RECORD_FULL}:`);
}

/**
 * The translations that fit in the record beside the summary and claims,
 * taken in the order of the target languages: a translation that would
 * take the answers past ANSWER_RECORD_BYTES is left out (`unavailable`,
 * RECORD_FULL), and those after it that still fit are kept. The bounds on
 * each text keep ten languages of a full answer within it; this holds it
 * for any number of languages and any answer.
 */
export function translationsThatFit(
  result: Pick<AnalysisResult, 'summary' | 'claims' | 'translations'>,
  order: readonly string[],
): Record<string, Translation> {
  let used = bytesOf({ summary: result.summary, claims: result.claims });
  const kept: Record<string, Translation> = {};
  const languages = [...order, ...Object.keys(result.translations).filter((lang) => !order.includes(lang))];
  for (const lang of languages) {
    const translation = result.translations[lang];
    if (!translation) continue;
    const bytes = bytesOf({ [lang]: translation });
    if (translation.status === 'done' && used + bytes > ANSWER_RECORD_BYTES) {
      kept[lang] = {
        status: 'unavailable',
        reason: `${RECORD_FULL}: The translation (${Math.ceil(bytes / 1024)} KB) would take the article's record past what one DynamoDB item keeps; the summary, the claims and the languages before it are kept.`,
      };
      used += bytesOf({ [lang]: kept[lang] });
      continue;
    }
    kept[lang] = translation;
    used += bytes;
  }
  return kept;
}
