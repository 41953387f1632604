import { stemmer } from 'stemmer';
import { unicodePattern } from '../../unicode-pattern.js';
import { type DateReader, type DayParts, withoutAllowedDates } from './dates.js';
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
 * Thresholds of the verifier: the best recall at precision ≥ 0.88 on FRANK's
 * judged summaries (scripts/lib/verify-thresholds.ts). `npm run
 * eval:faithfulness` makes the same choice inside each of its folds and
 * reports what it gives on the summaries of articles it never saw.
 */
export interface VerifyOptions {
  /** A sentence whose content words are absent from the article more than this share is unsupported. */
  maxAbsent: number;
  /** A sentence whose pairs of neighbouring content words are new to the article more than this share is unsupported. */
  maxNovelPairs: number;
  /** A pair is new unless some sentence of the article writes its words within this many content words of each other. */
  pairWindow: number;
}

/** Chosen as above on all 500 summaries; the five folds choose these or a pair window of 3. */
export const DEFAULT_VERIFY: VerifyOptions = { maxAbsent: 0.15, maxNovelPairs: 0.5, pairWindow: 2 };

/** The widest pair window measured: a pair further apart than this in every sentence counts as never written together. */
export const WIDEST_WINDOW = 4;

const STOP = new Set(
  `a an the and or but if of at by for with about against between into through during before after above below to from up down in out on off over under again further then once here there when where why how all any both each few more most other some such no nor not only own same so than too very can will just should now is are was were be been being have has had having do does did doing i me my we our you your he him his she her it its they them their what which who whom this that these those am would could also said says say told according s t 's re ve ll`.split(
    /\s+/,
  ),
);

/**
 * A word reduced to its Porter stem, so "closed" meets "closing" and
 * "tumbled" meets "tumble"; words with other letters than a–z (other
 * languages, figures) are kept whole.
 */
function stem(word: string): string {
  let known = STEMS.get(word);
  if (known === undefined) {
    const bare = word.replace(/'s$/u, '');
    known = /^[a-z]+$/.test(bare) ? stemmer(bare) : bare;
    // A language's words are many, but not without end: a long-lived process starts again past the cap.
    if (STEMS.size >= MAX_STEMS) STEMS.clear();
    STEMS.set(word, known);
  }
  return known;
}

/** Each word's stem as `stem` made it: an article says its words many times, and the verifier reads it twice. */
const STEMS = new Map<string, string>();
const MAX_STEMS = 50_000;

/** English clitics, whether written on their word ("didn't") or tokenised apart ("did n't"): no content either way. */
const CLITIC = /(?<=\p{L})(?:n't|'re|'m|'ve|'ll|'d)$/u;
const BARE_CLITIC = /^(?:n't|'re|'m|'ve|'ll|'d)$/u;

/** The content words of a text as written (lower-cased), each with its stem. */
function written(text: string): { word: string; stem: string }[] {
  return (
    text
      .toLocaleLowerCase()
      .replaceAll('’', "'")
      .match(unicodePattern(String.raw`[\p{L}\p{N}]+(?:'[\p{L}]+)?`, 'gu')) ?? []
  )
    .map((w) => w.replace(CLITIC, ''))
    .filter((w) => !STOP.has(w) && w.length > 1 && !BARE_CLITIC.test(w))
    .map((word) => ({ word, stem: stem(word) }))
    .filter((w) => w.stem !== '');
}

const contentWords = (text: string) => written(text).map((w) => w.stem);

/** Sentences of a summary: on end stops, including the spaced " . " of tokenised text. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)/u)
    .map((s) => s.trim())
    .filter((s) => unicodePattern(String.raw`[\p{L}\p{N}]`, 'u').test(s));
}

/**
 * The stems of an article's content words, from its sentences' (each word
 * is in one sentence: they are split at white space, which no word holds).
 * Lower-casing reads a word's neighbours for one letter, a Greek capital
 * sigma, whose form depends on whether a letter follows; white space ends
 * what it reads, but for U+FEFF, which it reads past: an article with one
 * is read whole again.
 */
function vocabularyOf(article: string, passages: readonly string[][]): Set<string> {
  if (article.includes('\uFEFF')) return new Set(contentWords(article));
  const vocabulary = new Set<string>();
  for (const passage of passages) for (const word of passage) vocabulary.add(word);
  return vocabulary;
}

/** What the verifier measures of one summary sentence, whatever the thresholds. */
export interface SentenceMeasure {
  text: string;
  /** Figures of the sentence the article does not have. */
  figures: string[];
  /** Content words the article never uses (in any form of the word), and their share of the sentence's. */
  absent: string[];
  absentShare: number;
  /**
   * Each pair of neighbouring content words, with the closest the article
   * writes them to each other in one sentence (1 = side by side; above
   * WIDEST_WINDOW = not near anywhere).
   */
  pairs: { pair: string; distance: number }[];
}

/** The dates an article allows (dates.ts), with its date reader: a date it allows is no invention. */
export interface AllowedDates {
  allowed: DayParts[];
  reader: DateReader;
}

/**
 * Each sentence of a summary measured against its article; `judge` applies
 * the thresholds. Given the dates the article allows, a sentence is measured
 * without them: "on Sunday" written as its date is neither an absent figure
 * nor an absent word.
 */
export function measureSummary(article: string, summary: string, dates?: AllowedDates): SentenceMeasure[] {
  const passages = sentencesOf(article).map(contentWords);
  const vocabulary = vocabularyOf(article, passages);
  // How close the article writes each pair of content words, in either order, within one sentence.
  const closest = new Map<string, number>();
  const note = (pair: string, distance: number) => {
    if (distance < (closest.get(pair) ?? Number.POSITIVE_INFINITY)) closest.set(pair, distance);
  };
  for (const passage of passages) {
    for (let i = 0; i < passage.length; i++) {
      for (let j = i + 1; j <= i + WIDEST_WINDOW && j < passage.length; j++) {
        note(`${passage[i]} ${passage[j]}`, j - i);
        note(`${passage[j]} ${passage[i]}`, j - i);
      }
    }
  }
  const absentFigures = figuresAbsentFrom(article);
  return sentencesOf(summary).map((text) => {
    const read = dates ? withoutAllowedDates(text, dates.allowed, dates.reader) : text;
    const seen = written(read);
    const stems = new Set(seen.map((w) => w.stem));
    // Shown as written: the first word of each stem the article lacks.
    const absent = new Map<string, string>();
    for (const { word, stem } of seen) if (!vocabulary.has(stem) && !absent.has(stem)) absent.set(stem, word);
    const pairs = seen.slice(1).map((w, i) => {
      const before = seen[i] as (typeof seen)[number];
      const distance = closest.get(`${before.stem} ${w.stem}`) ?? WIDEST_WINDOW + 1;
      return { pair: `${before.word} ${w.word}`, distance };
    });
    return {
      text,
      figures: absentFigures(read),
      absent: [...absent.values()],
      absentShare: stems.size === 0 ? 0 : absent.size / stems.size,
      pairs,
    };
  });
}

/** The verdict on measured sentences under some thresholds. */
export function judge(measures: readonly SentenceMeasure[], options: VerifyOptions = DEFAULT_VERIFY): Verification {
  const unsupported: Unsupported[] = [];
  for (const m of measures) {
    const novel = m.pairs.filter((p) => p.distance > options.pairWindow).map((p) => p.pair);
    const novelShare = m.pairs.length === 0 ? 0 : novel.length / m.pairs.length;
    if (m.figures.length > 0) {
      unsupported.push({ text: m.text, reason: `figures not in the article: ${m.figures.join(', ')}` });
    } else if (m.absentShare > options.maxAbsent) {
      unsupported.push({ text: m.text, reason: `words not in the article: ${m.absent.slice(0, 8).join(', ')}` });
    } else if (novelShare > options.maxNovelPairs) {
      unsupported.push({
        text: m.text,
        reason: `words the article never puts together: ${novel.slice(0, 4).join('; ')}`,
      });
    }
  }
  return { supported: unsupported.length === 0, unsupported };
}

/**
 * Checks a summary against its article without a model, sentence by
 * sentence: a figure the article lacks, too many content words the article
 * never uses (in any form: Porter stems, clitics apart), or too many pairs of
 * neighbouring content words that the article never writes near each other
 * (a fact stitched from parts of the article that do not belong together),
 * makes the sentence unsupported.
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
