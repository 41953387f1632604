import type { AnalysisResult, Checks, Faithfulness, Summary, Translation } from '../../article.js';
import { BIDI_CONTROLS, NEXT_LINE, TERMINAL_CONTROLS } from '../../control-characters.js';
import type { ErrorCode } from '../../errors.js';
import { truncate } from '../../truncate.js';
import { sentencesOf } from '../checks/verify.js';
import { asSentences } from './run.js';
import { shortFromBullets } from './short-summary.js';

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
 * returns are spaces. The class is the cleaner's (control-characters.ts)
 * but for what the cleaner alone drops: soft hyphens, zero-width spaces,
 * the BOM, LRM and RLM, which a model's text keeps.
 */
const UNPRINTABLE = new RegExp(`[${TERMINAL_CONTROLS}${NEXT_LINE}${BIDI_CONTROLS}]`, 'g');
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
 * The texts a model wrote that are read again rather than as the model
 * answered (the answer kept by prompt, an earlier delivery's result, a
 * cached or syndicated analysis), bounded as the schemas bound an answer as
 * it is read: what was kept before the bounds existed holds what no answer
 * read now may. Each is the same function as the read's, and bounding a
 * bounded text leaves it as it is, so a text read again is never cut twice.
 */

/** A summary: headline and bullets bounded; a short made from the bullets made again from the bounded ones, a model's own bounded as a bullet (translator.ts). */
export function boundedSummary(summary: Summary, language: string | null): Summary {
  const bullets = summary.bullets.map((bullet) => bounded('bullet', bullet));
  const fromBullets = summary.short === shortFromBullets(summary.bullets, language);
  return {
    ...summary,
    headline: bounded('headline', summary.headline),
    short: fromBullets ? shortFromBullets(bullets, language) : bounded('bullet', summary.short),
    bullets,
  };
}

/** A claim's text, speaker and check-worthiness reason, whatever else it carries. */
export function boundedClaim<
  T extends { text: string; speaker?: string | null; checkworthinessReason?: string | null },
>(claim: T): T {
  return {
    ...claim,
    text: bounded('claim', claim.text),
    ...(claim.speaker !== undefined ? { speaker: boundedSpeaker(claim.speaker) } : {}),
    ...(typeof claim.checkworthinessReason === 'string'
      ? { checkworthinessReason: bounded('reason', claim.checkworthinessReason) }
      : {}),
  };
}

/**
 * The judge's verdicts: each reason bounded, and no more of them than the
 * summary has sentences (one at least: an article too long to judge says so
 * in one), as answer-checks.ts keeps them.
 */
export function boundedJudge(
  judge: NonNullable<Faithfulness['judge']>,
  sentences: number,
): NonNullable<Faithfulness['judge']> {
  return {
    ...judge,
    unsupported: judge.unsupported
      .slice(0, Math.max(1, sentences))
      .map((u) => ({ text: bounded('bullet', u.text), reason: bounded('reason', u.reason) })),
  };
}

/** A translation: a done one's texts bounded as the translator bounds them; one not done is precis's own words. */
export function boundedTranslation(translation: Translation, language: string): Translation {
  if (translation.status !== 'done') return translation;
  return {
    ...translation,
    ...boundedSummary(translation, language),
    claims: translation.claims.map(boundedClaim),
  };
}

/** How many sentences the judge reads in a summary (answer-checks.ts). */
export const judgedSentences = (summary: Summary) => sentencesOf(asSentences(summary)).length;

/** The checks with the judge's verdicts on `summary` bounded, if the judge was asked. */
export function boundedChecks(checks: Checks, summary: Summary): Checks {
  const faithfulness = checks.faithfulness;
  if (!faithfulness?.judge) return checks;
  return {
    ...checks,
    faithfulness: { ...faithfulness, judge: boundedJudge(faithfulness.judge, judgedSentences(summary)) },
  };
}

/** A whole result kept from before (the analysis cache, a syndicated copy's), its source in `language`. */
export function boundedResult(result: AnalysisResult, language: string | null): AnalysisResult {
  const summary = boundedSummary(result.summary, language);
  return {
    ...result,
    summary,
    claims: result.claims.map(boundedClaim),
    translations: Object.fromEntries(
      Object.entries(result.translations).map(([lang, t]) => [lang, boundedTranslation(t, lang)]),
    ),
    ...(result.checks ? { checks: boundedChecks(result.checks, summary) } : {}),
  };
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
