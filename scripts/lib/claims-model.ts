/**
 * Training the check-worthiness model (shared/analysis/checkworthiness.ts):
 * L2-regularised logistic regression over the sparse binary features, by
 * AdaGrad over shuffled passes with a fixed seed, so a run gives the same
 * weights each time. Features seen in fewer than MIN_COUNT training
 * sentences are left out; weights near zero are dropped from the file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seeded } from '../../bench/lib/random.js';
import { conceptFeaturesOf, featuresOf, type Model, probability } from '../../shared/analysis/checkworthiness.js';

export interface Labelled {
  id: number;
  text: string;
  label: 0 | 1;
}

/** ClaimBuster's labelled sentences, in `dir` (by default ../shared/eval-data/claims beside the project). */
export function claimBusterFile(dir?: string): string {
  return resolve(dir ?? resolve(import.meta.dirname, '../../../shared/eval-data/claims'), 'claimbuster_2.5xNCS.jsonl');
}

export function readClaimBuster(file: string): Labelled[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Labelled);
}

const MIN_COUNT = 3;
const EPOCHS = 12;
const L2 = 1e-4;
const RATE = 0.2;
/** Weights smaller than this change no score by more than a rounding; they are not kept. */
const KEEP = 0.05;

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Precision, recall and F1 of the positive class. */
export function prf(predicted: boolean[], labels: (0 | 1)[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predicted.forEach((p, i) => {
    if (p && labels[i] === 1) tp++;
    else if (p) fp++;
    else if (labels[i] === 1) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** The threshold with the best F1 on these scores (from 0.2 to 0.8, by 0.01). */
function bestThreshold(scores: number[], labels: (0 | 1)[]): number {
  let best = { threshold: 0.5, f1: -1 };
  for (let t = 0.2; t <= 0.8001; t += 0.01) {
    const { f1 } = prf(
      scores.map((s) => s >= t),
      labels,
    );
    if (f1 > best.f1) best = { threshold: Math.round(t * 100) / 100, f1 };
  }
  return best.threshold;
}

/** What a model reads of a sentence: the English words model's features by default. */
export type Featurize = (text: string) => string[];

/** The features the model for text other than English reads, taken from English text through the English lists. */
export const conceptFeatures: Featurize = (text) => conceptFeaturesOf(text, 'en');

export function train(data: Labelled[], seed = 7, featurize: Featurize = featuresOf): Model {
  const rows = data.map((d) => ({ features: featurize(d.text), label: d.label }));
  const counts = new Map<string, number>();
  for (const row of rows) for (const f of row.features) counts.set(f, (counts.get(f) ?? 0) + 1);
  const kept = rows.map((row) => ({ ...row, features: row.features.filter((f) => (counts.get(f) ?? 0) >= MIN_COUNT) }));
  const weights = new Map<string, number>();
  const squares = new Map<string, number>();
  let bias = 0;
  let biasSquares = 1e-8;
  const random = seeded(seed);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (const row of shuffle(kept, random)) {
      let z = bias;
      for (const f of row.features) z += weights.get(f) ?? 0;
      const gradient = 1 / (1 + Math.exp(-z)) - row.label;
      biasSquares += gradient * gradient;
      bias -= (RATE * gradient) / Math.sqrt(biasSquares);
      for (const f of row.features) {
        const w = weights.get(f) ?? 0;
        const g = gradient + L2 * w * kept.length;
        const s = (squares.get(f) ?? 1e-8) + g * g;
        squares.set(f, s);
        weights.set(f, w - (RATE * g) / Math.sqrt(s));
      }
    }
  }
  const model: Model = {
    bias: Math.round(bias * 1000) / 1000,
    weights: Object.fromEntries(
      [...weights]
        .filter(([, w]) => Math.abs(w) >= KEEP)
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([f, w]) => [f, Math.round(w * 1000) / 1000]),
    ),
    threshold: 0.5,
  };
  const scores = rows.map((row) => probability(model, row.features));
  model.threshold = bestThreshold(
    scores,
    data.map((d) => d.label),
  );
  return model;
}
