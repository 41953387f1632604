import { type PageScore, summarise } from '../../bench/lib/shingles.js';

/**
 * How the extraction scripts score a cleaned page on trafilatura's
 * benchmark, by its own method, and both sets over some pages: one piece,
 * so that the evaluation, the trainer, its choice study and the comparison
 * of a change count alike.
 */

/** White space collapsed, as trafilatura's benchmark compares texts. */
export const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** True positives, false positives and false negatives of trafilatura's segments. */
export interface SegmentCounts {
  tp: number;
  fp: number;
  fn: number;
}

/**
 * One page's counts: each `with` segment found in the output (white space
 * collapsed in both) a true positive, else a false negative; each `without`
 * segment found a false positive.
 */
export function segmentCounts(
  page: { with?: readonly string[]; without?: readonly string[] },
  text: string,
): SegmentCounts {
  const out = collapse(text);
  const wanted = page.with ?? [];
  const missed = wanted.filter((segment) => !out.includes(collapse(segment))).length;
  const found = (page.without ?? []).filter((segment) => out.includes(collapse(segment))).length;
  return { tp: wanted.length - missed, fp: found, fn: missed };
}

/** Precision, recall and F of counts pooled over pages. */
export function pooledF({ tp, fp, fn }: SegmentCounts): { f: number; p: number; r: number } {
  const p = tp / Math.max(1, tp + fp);
  const r = tp / Math.max(1, tp + fn);
  return { f: p + r === 0 ? 0 : (2 * p * r) / (p + r), p, r };
}

/** ScrapingHub's F1 over its pages' scores (0 with none) and trafilatura's F over its pages' counts, pooled. */
export function setScores(sh: PageScore[], traf: readonly SegmentCounts[]): { sh: number; traf: number } {
  const pooled = { tp: 0, fp: 0, fn: 0 };
  for (const c of traf) [pooled.tp, pooled.fp, pooled.fn] = [pooled.tp + c.tp, pooled.fp + c.fp, pooled.fn + c.fn];
  return { sh: sh.length ? summarise(sh).f1 : 0, traf: pooledF(pooled).f };
}
