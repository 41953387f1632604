import { type DayParts, withoutAllowedDates } from './dates.js';
import { figuresAbsentFrom } from './numbers.js';

/** Why one sentence of a summary is not supported by its article. */
export interface Unsupported {
  text: string;
  reason: string;
}

export interface Verification {
  supported: boolean;
  unsupported: Unsupported[];
}

/**
 * Thresholds of the verifier: the best recall at precision ≥ 0.85 on FRANK's
 * judged summaries (scripts/lib/verify-thresholds.ts). `npm run
 * eval:faithfulness` makes the same choice inside each of its folds and
 * reports what it gives on the summaries of articles it never saw.
 */
export interface VerifyOptions {
  /** A sentence whose content words are absent from the article more than this share is unsupported. */
  maxAbsent: number;
  /** A sentence whose pairs of neighbouring content words are new to the article more than this share is unsupported. */
  maxNovelPairs: number;
}

/** Chosen as above on all 500 summaries; each of the five folds chooses the same. */
export const DEFAULT_VERIFY: VerifyOptions = { maxAbsent: 0.15, maxNovelPairs: 0.5 };

const STOP = new Set(
  `a an the and or but if of at by for with about against between into through during before after above below to from up down in out on off over under again further then once here there when where why how all any both each few more most other some such no nor not only own same so than too very can will just should now is are was were be been being have has had having do does did doing i me my we our you your he him his she her it its they them their what which who whom this that these those am would could also said says say told according s t 's`.split(
    /\s+/,
  ),
);

/** A word reduced to a crude stem, so "closed" meets "closing" and "plants" meets "plant". */
function stem(word: string): string {
  return word
    .replace(/(?:'s|’s)$/u, '')
    .replace(/(?:ies|ied)$/u, 'y')
    .replace(/(?:ing|ed|es|s)$/u, '');
}

function contentWords(text: string): string[] {
  return (text.toLocaleLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [])
    .filter((w) => !STOP.has(w) && w.length > 1)
    .map(stem)
    .filter(Boolean);
}

/** Sentences of a summary: on end stops, including the spaced " . " of tokenised text. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** What the verifier measures of one summary sentence, whatever the thresholds. */
export interface SentenceMeasure {
  text: string;
  /** Figures of the sentence the article does not have. */
  figures: string[];
  /** Content words (stems) the article never uses, and their share of the sentence's. */
  absent: string[];
  absentShare: number;
  /** Pairs of neighbouring content words the article never writes near each other, and their share. */
  novel: string[];
  novelShare: number;
}

/** The dates an article allows (dates.ts), with its language: a date it allows is no invention. */
export interface AllowedDates {
  allowed: DayParts[];
  language: string | null;
}

/**
 * Each sentence of a summary measured against its article; `judge` applies
 * the thresholds. Given the dates the article allows, a sentence is measured
 * without them: "on Sunday" written as its date is neither an absent figure
 * nor an absent word.
 */
export function measureSummary(article: string, summary: string, dates?: AllowedDates): SentenceMeasure[] {
  const vocabulary = new Set(contentWords(article));
  // Pairs of content words the article writes near each other (within three content words).
  const near = new Set<string>();
  for (const passage of sentencesOf(article).map(contentWords)) {
    for (let i = 0; i < passage.length; i++) {
      for (let j = i + 1; j <= i + 3 && j < passage.length; j++) {
        near.add(`${passage[i]} ${passage[j]}`);
        near.add(`${passage[j]} ${passage[i]}`);
      }
    }
  }
  const absentFigures = figuresAbsentFrom(article);
  return sentencesOf(summary).map((text) => {
    const read = dates ? withoutAllowedDates(text, dates.allowed, dates.language) : text;
    const words = contentWords(read);
    const absent = [...new Set(words.filter((w) => !vocabulary.has(w)))];
    const pairs = words.slice(1).map((w, i) => `${words[i]} ${w}`);
    const novel = pairs.filter((pair) => !near.has(pair));
    return {
      text,
      figures: absentFigures(read),
      absent,
      absentShare: words.length === 0 ? 0 : absent.length / new Set(words).size,
      novel,
      novelShare: pairs.length === 0 ? 0 : novel.length / pairs.length,
    };
  });
}

/** The verdict on measured sentences under some thresholds. */
export function judge(measures: readonly SentenceMeasure[], options: VerifyOptions = DEFAULT_VERIFY): Verification {
  const unsupported: Unsupported[] = [];
  for (const m of measures) {
    if (m.figures.length > 0) {
      unsupported.push({ text: m.text, reason: `figures not in the article: ${m.figures.join(', ')}` });
    } else if (m.absentShare > options.maxAbsent) {
      unsupported.push({ text: m.text, reason: `words not in the article: ${m.absent.slice(0, 8).join(', ')}` });
    } else if (m.novelShare > options.maxNovelPairs) {
      unsupported.push({
        text: m.text,
        reason: `words the article never puts together: ${m.novel.slice(0, 4).join('; ')}`,
      });
    }
  }
  return { supported: unsupported.length === 0, unsupported };
}

/**
 * Checks a summary against its article without a model, sentence by
 * sentence: a figure the article lacks, too many content words the article
 * never uses, or too many pairs of neighbouring content words that the
 * article never writes near each other (a fact stitched from parts of the
 * article that do not belong together), makes the sentence unsupported.
 * It catches invented figures, names and facts, and many recombinations; it
 * cannot see a negation or a swapped subject built from the article's own
 * nearby words. Given the dates the article allows, a date it allows passes.
 */
export function verifySummary(
  article: string,
  summary: string,
  options: VerifyOptions = DEFAULT_VERIFY,
  dates?: AllowedDates,
): Verification {
  return judge(measureSummary(article, summary, dates), options);
}
