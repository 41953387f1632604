import { describe, expect, it } from 'vitest';
import { interleaved } from '../../../bench/lib/stats.js';

describe('interleaved measures', () => {
  it('runs the measures in turns, each round in the same order, or starting one later with rotate', async () => {
    // Prepare: measures that note when they ran.
    const order: string[] = [];
    const measures = (names: string[]) =>
      Object.fromEntries(names.map((name) => [name, () => order.push(name)])) as Record<string, () => number>;
    // Act
    const plain = await interleaved(3, measures(['a', 'b', 'c']));
    const plainOrder = order.splice(0);
    const rotated = await interleaved(4, measures(['a', 'b', 'c']), { rotate: true });
    // Assess: every measure runs once a round either way; rotated, none is always first or after the same one.
    expect(plainOrder.join('')).toBe('abcabcabc');
    expect(order.join('')).toBe('abcbcacababc');
    expect(Object.values(plain).map((runs) => runs.length)).toEqual([3, 3, 3]);
    expect(Object.values(rotated).map((runs) => runs.length)).toEqual([4, 4, 4]);
  });
});
