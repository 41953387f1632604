import { describe, expect, it } from 'vitest';
import { bootstrap, foldsOf, formatInterval, groupBy, meanInterval } from '../../../bench/lib/cv.js';
import { chooseThresholds, judged, PRECISION_WANTED } from '../../../scripts/lib/verify-thresholds.js';
import { judge } from '../../../shared/analysis/checks/verify.js';

describe('folds and intervals (behind npm run eval:summary and eval:faithfulness)', () => {
  it('deals every key into one of k folds of nearly equal size, the same way each run', () => {
    const keys = Array.from({ length: 103 }, (_, i) => `article-${i}`);
    const folds = foldsOf(keys, 5);
    const sizes = [0, 1, 2, 3, 4].map((f) => keys.filter((k) => folds.get(k) === f).length);
    expect(sizes.sort()).toEqual([20, 20, 21, 21, 21]);
    expect(foldsOf([...keys].reverse(), 5)).toEqual(folds);
  });

  it('gives a mean an interval that holds it and narrows with more articles', () => {
    const few = meanInterval([1, 2, 3, 4, 5, 6, 7, 8]);
    const many = meanInterval(Array.from({ length: 800 }, (_, i) => (i % 8) + 1));
    expect(few.value).toBe(4.5);
    expect(few.low).toBeLessThan(4.5);
    expect(few.high).toBeGreaterThan(4.5);
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 5);
  });

  it('resamples whole groups, so summaries of one article stand or fall together', () => {
    // Two articles: one whose summaries are all right, one whose are all wrong. A draw takes both of an
    // article's summaries or neither, so the share right is 0, 1/2 or 1 — never 1/4 or 3/4.
    const groups = groupBy(
      [
        { article: 'a', right: 1 },
        { article: 'b', right: 0 },
        { article: 'a', right: 1 },
        { article: 'b', right: 0 },
      ],
      (x) => x.article,
    );
    expect(groups.map((g) => g.length)).toEqual([2, 2]);
    const share = bootstrap(groups, (items) => items.filter((x) => x.right).length / items.length, { rounds: 200 });
    expect([0, 0.5, 1]).toContain(share.low);
    expect([0, 0.5, 1]).toContain(share.high);
  });

  it('writes a figure with its interval', () => {
    expect(formatInterval({ value: 0.0108, low: -0.0021, high: 0.0235 }, { scale: 100, signed: true })).toBe(
      '+1.08 [−0.21, +2.35]',
    );
  });
});

describe("the verifier's thresholds", () => {
  it('are chosen for the best recall at the precision wanted, on the summaries given', () => {
    const article = 'The council approved 14 schools on Monday. The mayor opened the new bridge in March.';
    const summaries = [
      ['The council approved 14 schools.', false],
      ['The mayor opened the bridge.', false],
      ['The council approved 40 schools.', true],
      ['Hospitals in Mosul closed because of cholera.', true],
      ['The bridge approved the schools of the mayor in March.', true],
    ] as const;
    const rows = summaries.map(([summary, wrong], i) => judged(`a${i}`, article, summary, wrong));
    const chosen = chooseThresholds(rows);
    // Every wrong summary flagged and no right one: recall 1 at precision 1, over the wanted 0.88.
    expect(rows.map((r) => !judge(r.measures, chosen).supported)).toEqual(summaries.map(([, wrong]) => wrong));
    expect(PRECISION_WANTED).toBe(0.88);
  });
});
