import { describe, expect, it } from 'vitest';
import { fitLogistic, predict, type Sample } from '../../../scripts/lib/extraction-logistic.js';
import { DEFAULT_TREES, fitTrees, logLossByCount } from '../../../scripts/lib/extraction-trees.js';
import { treesLogOdds } from '../../../shared/cleaning/formats/block-trees.js';

/**
 * Blocks whose class is an interaction: content when exactly one of the two
 * figures is high (XOR), a third figure noise; blocks with both high weigh
 * more, so a first split on either figure gains something.
 */
const xor = (): Sample[] => {
  const samples: Sample[] = [];
  for (let i = 0; i < 20; i++)
    for (let j = 0; j < 20; j++) {
      const [a, b] = [i / 19, j / 19];
      samples.push({
        x: [a, b, ((i * 7 + j * 3) % 11) / 10],
        y: a > 0.5 !== b > 0.5 ? 1 : 0,
        w: a > 0.5 && b > 0.5 ? 3 : 1,
      });
    }
  return samples;
};

describe('the extractor trainer’s boosted trees', () => {
  it('learn an interaction a linear model cannot express (exactly one of two figures high)', () => {
    const samples = xor();

    const model = fitTrees(samples, { ...DEFAULT_TREES, depth: 2, trees: 50, minHessian: 0.1 });

    const linear = fitLogistic(samples, 0.01);

    const wrong = samples.filter((s) => (treesLogOdds(model, s.x) > 0 ? 1 : 0) !== s.y);
    expect(wrong).toEqual([]);
    expect(samples.filter((s) => (predict(linear, s.x) > 0.5 ? 1 : 0) !== s.y).length).toBeGreaterThan(50);
  });

  it('fit the same trees each run, and each tree lowers the loss on the blocks they learn from', () => {
    const samples = xor();
    const settings = { ...DEFAULT_TREES, depth: 2, trees: 40, minHessian: 0.1 };

    const [once, again] = [fitTrees(samples, settings), fitTrees(samples, settings)];
    const [at10, at20, at40] = logLossByCount(once, samples, [10, 20, 40]) as [number, number, number];

    expect(again).toEqual(once);
    expect(at20).toBeLessThan(at10);
    expect(at40).toBeLessThan(at20);
  });
});
