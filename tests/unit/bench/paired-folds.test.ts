import { describe, expect, it } from 'vitest';
import {
  FOLDS,
  foldOfPage,
  formatDifference,
  pairedBySet,
  pairedDifference,
} from '../../../scripts/lib/paired-folds.js';

describe('paired fold differences (behind npm run compare:extraction)', () => {
  it('deals a page into the same fold each run, by its id', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `page-${i}`);
    const folds = ids.map(foldOfPage);
    expect(ids.map(foldOfPage)).toEqual(folds);
    const sizes = Array.from({ length: FOLDS }, (_, k) => folds.filter((f) => f === k).length);
    // Every fold gets pages, none far more than its share.
    for (const size of sizes) expect(size).toBeGreaterThan(70);
  });

  it('cancels what the folds differ by: the same gain on each fold has no spread', () => {
    const before = [0.9, 0.95, 0.97, 0.92, 0.99];
    const d = pairedDifference(
      before,
      before.map((x) => x + 0.002),
    );
    expect(d.mean).toBeCloseTo(0.002, 10);
    expect(d.high - d.low).toBeCloseTo(0, 10);
  });

  it('gives a gain on some folds and a loss on others an interval that holds zero', () => {
    const d = pairedDifference([0.9, 0.9, 0.9, 0.9, 0.9], [0.91, 0.89, 0.905, 0.895, 0.9]);
    expect(d.mean).toBeCloseTo(0, 10);
    expect(d.low).toBeLessThan(0);
    expect(d.high).toBeGreaterThan(0);
    // Student's t for four degrees of freedom: sd 0.0079, half width 2.776 × 0.0079 / √5.
    expect(d.high).toBeCloseTo((2.776 * Math.sqrt(0.00025 / 4)) / Math.sqrt(5), 6);
    expect(formatDifference(d)).toBe('+0.0000 [−0.0098, +0.0098]');
  });

  it('refuses scores that are not one per fold', () => {
    expect(() => pairedDifference([0.9], [0.91])).toThrow(/one score per fold/);
  });

  it('pairs two models fold by fold per set and on the mean of the two, ahead only past the margin', () => {
    const before = [0.98, 0.97, 0.99, 0.96, 0.98].map((sh, k) => ({ sh, traf: 0.93 + k * 0.002 }));
    // ScrapingHub +0.0004 on every fold, trafilatura +0.0012 on every fold: the mean of the two +0.0008.
    const small = before.map((s) => ({ sh: s.sh + 0.0004, traf: s.traf + 0.0012 }));
    const d = pairedBySet(before, small, 0.001);
    expect(d.sh.mean).toBeCloseTo(0.0004, 10);
    expect(d.traf.mean).toBeCloseTo(0.0012, 10);
    expect(d.both.mean).toBeCloseTo(0.0008, 10);
    expect(d.both.high - d.both.low).toBeCloseTo(0, 10);
    expect(d.ahead).toBe(false);
    // +0.0024 on trafilatura's alone: the mean of the two +0.0012, past 0.001.
    expect(
      pairedBySet(
        before,
        before.map((s) => ({ sh: s.sh, traf: s.traf + 0.0024 })),
        0.001,
      ).ahead,
    ).toBe(true);
    // Behind by as much is not ahead.
    expect(
      pairedBySet(
        before,
        before.map((s) => ({ sh: s.sh, traf: s.traf - 0.0024 })),
        0.001,
      ).ahead,
    ).toBe(false);
  });
});
