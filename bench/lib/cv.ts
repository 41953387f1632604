/**
 * Cross-validation and intervals for the evaluations: k folds of a set
 * (whatever is chosen is chosen on the other folds, and each item is scored
 * once, by a choice that never saw it), and seeded bootstrap intervals over
 * the items (articles) the figures were made of, so that a goal can be
 * judged on the lower end of its interval rather than on one split.
 */
import { seeded } from './random.js';

/** The fold (0…k−1) of each key: a seeded shuffle dealt round, so the folds differ in size by one at most. */
export function foldsOf(keys: readonly string[], k: number, seed = 26): Map<string, number> {
  const unique = [...new Set(keys)].sort();
  const random = seeded(seed);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [unique[i], unique[j]] = [unique[j] as string, unique[i] as string];
  }
  return new Map(unique.map((key, i) => [key, i % k]));
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

/**
 * A statistic of some groups of items (the summaries of one article, say)
 * with its percentile bootstrap interval: the groups are drawn with
 * replacement `rounds` times (seeded, so the same every run) and the
 * statistic taken on each draw.
 */
export function bootstrap<T>(
  groups: readonly (readonly T[])[],
  statistic: (items: readonly T[]) => number,
  { rounds = 2000, level = 0.95, seed = 15 } = {},
): Interval {
  const random = seeded(seed);
  const values: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const sample: T[] = [];
    for (let i = 0; i < groups.length; i++) sample.push(...(groups[Math.floor(random() * groups.length)] as T[]));
    const v = statistic(sample);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] as number;
  return { value: statistic(groups.flat()), low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}

/** Items grouped by a key, in the order the keys first appear (Map.groupBy, which Node 20 lacks). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The mean of some numbers (one per article) with its bootstrap interval. */
export function meanInterval(values: readonly number[], options?: Parameters<typeof bootstrap>[2]): Interval {
  return bootstrap(
    values.map((v) => [v]),
    mean,
    options,
  );
}

/** "+1.08 [−0.21, +2.35]": a figure and its interval, times `scale`, signed if asked. */
export function formatInterval(i: Interval, { scale = 1, digits = 2, signed = false } = {}): string {
  const f = (x: number) => {
    const s = (x * scale).toFixed(digits);
    return signed && x * scale >= 0 ? `+${s}` : s.replace('-', '−');
  };
  return `${f(i.value)} [${f(i.low)}, ${f(i.high)}]`;
}
