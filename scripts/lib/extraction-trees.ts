/**
 * Gradient boosting of shallow trees for the weighted logistic loss, the
 * extractor's trainer's second learner beside its logistic regression: each
 * tree is grown level by level to a fixed depth on the loss's gradients,
 * each split the best over the features' quantile cuts (ties to the first
 * feature and cut, so a fit is the same each run), each leaf a Newton step
 * shrunk by the learning rate. It returns the flat trees that
 * shared/cleaning/formats/block-trees.ts reads.
 */
import type { Tree, TreeEnsemble } from '../../shared/cleaning/formats/block-trees.js';
import { treesLogOdds } from '../../shared/cleaning/formats/block-trees.js';
import type { Sample } from './extraction-logistic.js';

export interface TreeSettings {
  depth: number;
  trees: number;
  /** The learning rate each leaf's Newton step is multiplied by. */
  shrinkage: number;
  /** L2 penalty on the leaves' values. */
  lambda: number;
  /** Least hessian weight a child of a split must hold. */
  minHessian: number;
  /** Most cuts tried per feature. */
  cuts: number;
}

export const DEFAULT_TREES: TreeSettings = { depth: 3, trees: 200, shrinkage: 0.1, lambda: 1, minHessian: 1, cuts: 32 };

/**
 * A feature's cuts: halfway between its distinct values when few, else
 * between its quantiles and the next value up; a value above a cut goes
 * right. Halfway, so that no value sits on a cut.
 */
function cutsOf(values: number[], most: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  const above = (v: number) => distinct.find((u) => u > v) as number;
  const at =
    distinct.length <= most + 1
      ? distinct.slice(0, -1)
      : Array.from({ length: most }, (_, j) => sorted[Math.floor(((j + 1) * sorted.length) / (most + 1))] as number);
  const cuts: number[] = [];
  for (const v of at) if (v < (distinct[distinct.length - 1] as number) && v !== cuts[cuts.length - 1]) cuts.push(v);
  return cuts.map((v) => (v + above(v)) / 2);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Fits an ensemble on weighted samples (y 1 or 0). */
export function fitTrees(samples: Sample[], s: TreeSettings): TreeEnsemble {
  const n = samples.length;
  const d = samples[0]?.x.length ?? 0;
  const cuts = Array.from({ length: d }, (_, f) =>
    cutsOf(
      samples.map((x) => x.x[f] as number),
      s.cuts,
    ),
  );
  const B = s.cuts + 1;
  // Each sample's bin per feature: how many of the feature's cuts its value is above.
  const bin = new Uint8Array(n * d);
  samples.forEach((x, i) => {
    for (let f = 0; f < d; f++) {
      const c = cuts[f] as number[];
      const v = x.x[f] as number;
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v > (c[mid] as number)) lo = mid + 1;
        else hi = mid;
      }
      bin[i * d + f] = lo;
    }
  });
  const W = samples.reduce((t, x) => t + x.w, 0);
  const positive = samples.reduce((t, x) => t + x.w * x.y, 0) / W;
  const base = Math.log(Math.max(1e-6, positive) / Math.max(1e-6, 1 - positive));
  const F = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const node = new Int32Array(n);
  const internal = (1 << s.depth) - 1;
  const trees: Tree[] = [];
  for (let t = 0; t < s.trees; t++) {
    for (let i = 0; i < n; i++) {
      const x = samples[i] as Sample;
      const p = sigmoid(F[i] as number);
      g[i] = x.w * (p - x.y);
      h[i] = x.w * p * (1 - p);
    }
    node.fill(0);
    const feature = new Array<number>(internal).fill(-1);
    const threshold = new Array<number>(internal).fill(0);
    for (let level = 0; level < s.depth; level++) {
      const first = (1 << level) - 1;
      const width = 1 << level;
      const G = new Float64Array(width * d * B);
      const H = new Float64Array(width * d * B);
      for (let i = 0; i < n; i++) {
        const offset = ((node[i] as number) - first) * d * B;
        const gi = g[i] as number;
        const hi = h[i] as number;
        for (let f = 0; f < d; f++) {
          const k = offset + f * B + (bin[i * d + f] as number);
          G[k] = (G[k] as number) + gi;
          H[k] = (H[k] as number) + hi;
        }
      }
      for (let m = 0; m < width; m++) {
        let [bestGain, bestF, bestCut] = [1e-9, -1, 0];
        for (let f = 0; f < d; f++) {
          const offset = (m * d + f) * B;
          let [gAll, hAll] = [0, 0];
          for (let b = 0; b < B; b++)
            [gAll, hAll] = [gAll + (G[offset + b] as number), hAll + (H[offset + b] as number)];
          const parent = (gAll * gAll) / (hAll + s.lambda);
          let [gl, hl] = [0, 0];
          const c = cuts[f] as number[];
          for (let j = 0; j < c.length; j++) {
            [gl, hl] = [gl + (G[offset + j] as number), hl + (H[offset + j] as number)];
            const [gr, hr] = [gAll - gl, hAll - hl];
            if (hl < s.minHessian || hr < s.minHessian) continue;
            const gain = (gl * gl) / (hl + s.lambda) + (gr * gr) / (hr + s.lambda) - parent;
            if (gain > bestGain) [bestGain, bestF, bestCut] = [gain, f, j];
          }
        }
        feature[first + m] = bestF;
        threshold[first + m] = bestF >= 0 ? ((cuts[bestF] as number[])[bestCut] as number) : 0;
      }
      for (let i = 0; i < n; i++) {
        const at = node[i] as number;
        const f = feature[at] as number;
        node[i] = 2 * at + (f >= 0 && ((samples[i] as Sample).x[f] as number) > (threshold[at] as number) ? 2 : 1);
      }
    }
    const leafG = new Float64Array(internal + 1);
    const leafH = new Float64Array(internal + 1);
    for (let i = 0; i < n; i++) {
      const leaf = (node[i] as number) - internal;
      leafG[leaf] = (leafG[leaf] as number) + (g[i] as number);
      leafH[leaf] = (leafH[leaf] as number) + (h[i] as number);
    }
    const round = (v: number) => Math.round(v * 1e6) / 1e6;
    const leaf = Array.from(leafG, (gl, j) => round((-s.shrinkage * gl) / ((leafH[j] as number) + s.lambda)));
    for (let i = 0; i < n; i++) F[i] = (F[i] as number) + (leaf[(node[i] as number) - internal] as number);
    trees.push({ feature, threshold, leaf });
  }
  return { depth: s.depth, base: Math.round(base * 1e6) / 1e6, trees };
}

/** The first `count` trees of an ensemble. */
export const firstTrees = (e: TreeEnsemble, count: number): TreeEnsemble => ({ ...e, trees: e.trees.slice(0, count) });

/** Weighted log-loss of the ensemble's first `counts[j]` trees on samples, for each j (one pass). */
export function logLossByCount(e: TreeEnsemble, samples: Sample[], counts: number[]): number[] {
  const loss = counts.map(() => 0);
  const W = samples.reduce((t, x) => t + x.w, 0);
  for (const x of samples) {
    let z = e.base;
    let done = 0;
    for (const [j, count] of counts.entries()) {
      z += treesLogOdds({ ...e, base: 0, trees: e.trees.slice(done, count) }, x.x);
      done = count;
      const p = Math.min(1 - 1e-9, Math.max(1e-9, sigmoid(z)));
      loss[j] = (loss[j] as number) - (x.w * (x.y * Math.log(p) + (1 - x.y) * Math.log(1 - p))) / W;
    }
  }
  return loss;
}
