import { createHash } from 'node:crypto';

/**
 * Folds of the pages looked at, as `npm run train:extractor` deals them,
 * and the difference a change makes on them: per fold, the score after
 * less the score before, on the same pages, so what each fold's pages
 * share (their difficulty) cancels out.
 */

/** How many folds the pages are dealt into. */
export const FOLDS = 5;
/** Student's t for FOLDS − 1 degrees of freedom, 95 % two-sided. */
const T_95 = 2.776;

/** A page's fold, from its id alone: the same each run and in `npm run train:extractor`. */
export function foldOfPage(id: string): number {
  return Number.parseInt(createHash('sha1').update(`fold:${id}`).digest('hex').slice(0, 8), 16) % FOLDS;
}

export interface PairedDifference {
  /** The mean over folds (of a score, or of after − before), and its 95 % interval. */
  mean: number;
  low: number;
  high: number;
}

/** The mean of values, one per fold, with its 95 % interval (Student's t). */
export function meanInterval(values: readonly number[]): PairedDifference {
  if (values.length !== FOLDS) throw new Error(`one value per fold (${FOLDS})`);
  const mean = values.reduce((s, x) => s + x, 0) / FOLDS;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (FOLDS - 1));
  const half = (T_95 * sd) / Math.sqrt(FOLDS);
  return { mean, low: mean - half, high: mean + half };
}

/** The mean of the folds' differences (after − before, fold by fold) with its 95 % interval. */
export function pairedDifference(before: readonly number[], after: readonly number[]): PairedDifference {
  if (before.length !== FOLDS || after.length !== FOLDS) throw new Error(`one score per fold (${FOLDS}) each side`);
  return meanInterval(after.map((x, k) => x - (before[k] as number)));
}

/** "+0.0012 [−0.0003, 0.0027]". */
export function formatDifference({ mean, low, high }: PairedDifference): string {
  const f = (x: number) => (x >= 0 ? `+${x.toFixed(4)}` : `−${(-x).toFixed(4)}`);
  return `${f(mean)} [${f(low)}, ${f(high)}]`;
}

/** One fold's end-to-end scores: ScrapingHub's F1 and trafilatura's F. */
export interface FoldScores {
  sh: number;
  traf: number;
}

/**
 * Two models scored on the same folds' pages, fold by fold: each set's
 * paired difference (after − before), that of the mean of the two sets,
 * and whether the latter's mean is more than `margin` (the trainer's rule
 * for putting one setting in place of another).
 */
export function pairedBySet(
  before: readonly FoldScores[],
  after: readonly FoldScores[],
  margin: number,
): { sh: PairedDifference; traf: PairedDifference; both: PairedDifference; ahead: boolean } {
  const paired = (f: (s: FoldScores) => number) => pairedDifference(before.map(f), after.map(f));
  const both = paired((s) => (s.sh + s.traf) / 2);
  return { sh: paired((s) => s.sh), traf: paired((s) => s.traf), both, ahead: both.mean > margin };
}
