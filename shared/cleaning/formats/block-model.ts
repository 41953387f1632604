import WEIGHTS from './block-model-weights.json' with { type: 'json' };
import { type TreeEnsemble, treesLogOdds } from './block-trees.js';
import type { PageBlock } from './blocks.js';
import { blockShare, type Cls, type PageReading } from './extract.js';

/**
 * A learned reading of each block, in the way Dragnet and boilerpipe's
 * classifiers read them: a logistic regression over figures the block pass
 * has already computed (length, link density, function words, the marks of
 * its element and ancestors, the rules' two classes, whether the rules'
 * selection keeps it and how far it lies from it, its place on the page and
 * its neighbours'). Its weights are trained by `npm run train:extractor` on
 * the halves of the two public sets the rules were written from, and
 * shipped beside this file. Used as a veto, it takes out of the rules'
 * good blocks those it scores below its threshold (on the folds, using it in
 * place of the rules added the text around an article that the rules
 * rightly leave out); the same selection then runs on those classes.
 */

export interface BlockModel {
  features: string[];
  /** Per feature: subtracted, then divided by, before the weights apply. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /** Gradient-boosted trees over the same features, read in place of the regression when present. */
  trees?: TreeEnsemble;
  threshold: number;
  /**
   * How its classes are used: `replace` the rules' (good at or above the
   * threshold), or `veto` (a block the rules call good stays good unless
   * the model puts it below the threshold).
   */
  mode: 'replace' | 'veto';
}

/** The features' names, in the order `blockFeatures` gives them. */
export const FEATURES = [
  'log-chars',
  'link-density',
  'function-words',
  'sentence-end',
  'heading',
  'item',
  'table',
  'furniture',
  'sure-furniture',
  'lead',
  'in-named-body',
  'in-article-or-main',
  'first-good',
  'first-near',
  'first-short',
  'final-good',
  'kept',
  'in-densest',
  'position',
  'chars-before-share',
  'log-distance-to-kept',
  'after-kept',
  'before-kept',
  'prev-final-good',
  'next-final-good',
  'prev-kept',
  'next-kept',
  'neighbours-link-density',
  'copyright',
  'kept-page-share',
  'after-kept-x-kept-page-share',
] as const;

const SENTENCE = /[.!?。؟]["”»’)]?$/;
const density = (b: PageBlock | undefined) => (b === undefined || b.chars === 0 ? 0 : b.linkChars / b.chars);

/**
 * Each block's features (FEATURES' order), for the blocks `wanted` names
 * (others get none): linear in the blocks and block elements.
 */
export function blockFeatures(r: PageReading, wanted: (i: number) => boolean = () => true): number[][] {
  const { page, marks, first, final, kept, dense } = r;
  const blocks = page.blocks;
  const n = blocks.length;
  // Each element inside one the page names as its body, or inside an <article>/<main> (preorder: parents first).
  const named: boolean[] = [];
  const article: boolean[] = [];
  for (let id = 0; id < page.parent.length; id++) {
    const up = page.parent[id] as number;
    named.push(page.bonus[id] === 2 || (up >= 0 && (named[up] ?? false)));
    article.push((page.bonus[id] ?? 0) >= 1 || (up >= 0 && (article[up] ?? false)));
  }
  const isKept = blocks.map((b) => kept.has(b));
  const firstKept = isKept.indexOf(true);
  const lastKept = isKept.lastIndexOf(true);
  let allChars = 0;
  let keptChars = 0;
  for (const [i, b] of blocks.entries()) {
    allChars += b.chars;
    if (isKept[i]) keptChars += b.chars;
  }
  const keptShare = allChars === 0 ? 0 : keptChars / allChars;
  // Characters between each block and the nearest kept block, from both sides.
  const distance = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let since = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (isKept[i]) since = 0;
    distance[i] = since;
    if (!isKept[i]) since += (blocks[i] as PageBlock).chars;
  }
  since = Number.POSITIVE_INFINITY;
  for (let i = n - 1; i >= 0; i--) {
    if (isKept[i]) since = 0;
    distance[i] = Math.min(distance[i] as number, since);
    if (!isKept[i]) since += (blocks[i] as PageBlock).chars;
  }
  const out: number[][] = [];
  let before = 0;
  for (let i = 0; i < n; i++) {
    const b = blocks[i] as PageBlock;
    const o = b.owner;
    const inEl = (flags: boolean[]) => (o >= 0 && (flags[o] ?? false) ? 1 : 0);
    const after = firstKept >= 0 && i > lastKept ? 1 : 0;
    const d = distance[i] as number;
    if (!wanted(i)) {
      out.push([]);
      before += b.chars;
      continue;
    }
    out.push([
      Math.log1p(b.chars) / 8,
      density(b),
      blockShare(b),
      b.chars >= 60 && SENTENCE.test(b.text) ? 1 : 0,
      b.heading ? 1 : 0,
      b.item ? 1 : 0,
      b.table ? 1 : 0,
      inEl(marks),
      inEl(page.sure),
      inEl(page.lead),
      inEl(named),
      inEl(article),
      first[i] === 'good' ? 1 : 0,
      first[i] === 'near' ? 1 : 0,
      first[i] === 'short' ? 1 : 0,
      final[i] === 'good' ? 1 : 0,
      isKept[i] ? 1 : 0,
      dense >= 0 && o >= dense && o <= (page.end[dense] as number) ? 1 : 0,
      n <= 1 ? 0 : i / (n - 1),
      allChars === 0 ? 0 : before / allChars,
      Number.isFinite(d) ? Math.log1p(d) / 8 : 2,
      after,
      firstKept >= 0 && i < firstKept ? 1 : 0,
      i > 0 && final[i - 1] === 'good' ? 1 : 0,
      i < n - 1 && final[i + 1] === 'good' ? 1 : 0,
      i > 0 && isKept[i - 1] ? 1 : 0,
      i < n - 1 && isKept[i + 1] ? 1 : 0,
      (density(blocks[i - 1]) + density(blocks[i + 1])) / 2,
      /©|&copy;|\(c\) \d{4}/i.test(b.text) ? 1 : 0,
      keptShare,
      after * keptShare,
    ]);
    before += b.chars;
  }
  return out;
}

/** The model's probability that a block is the article's, from its features. */
export function probability(model: BlockModel, x: number[]): number {
  if (model.trees) return 1 / (1 + Math.exp(-treesLogOdds(model.trees, x)));
  let z = model.bias;
  for (let k = 0; k < x.length; k++)
    z += (model.weights[k] as number) * (((x[k] as number) - (model.mean[k] as number)) / (model.scale[k] as number));
  return 1 / (1 + Math.exp(-z));
}

/** Each block's probability by the model; NaN for the blocks it does not read (a veto reads only the rules' good blocks). */
export function modelProbabilities(model: BlockModel, r: PageReading): number[] {
  const wanted = model.mode === 'veto' ? (i: number) => r.final[i] === 'good' : () => true;
  return blockFeatures(r, wanted).map((x, i) => (wanted(i) ? probability(model, x) : Number.NaN));
}

/** Each block good or bad by the model's probabilities (above). */
export function modelClasses(model: BlockModel, probabilities: number[]): Cls[] {
  return probabilities.map((p) => (p >= model.threshold ? 'good' : 'bad'));
}

/** The shipped model, or null when its file holds none (the rules alone then). */
export const BLOCK_MODEL: BlockModel | null =
  (WEIGHTS as Partial<BlockModel>).weights?.length === FEATURES.length ? (WEIGHTS as BlockModel) : null;

let active: BlockModel | null = BLOCK_MODEL;

/** The model the extractor uses: the shipped one, but for `withBlockModel`. */
export function activeBlockModel(): BlockModel | null {
  return active;
}

/** Runs `fn` with `model` in place of the shipped model (null: the rules alone): the trainer's folds clean with their own. */
export function withBlockModel<T>(model: BlockModel | null, fn: () => T): T {
  const saved = active;
  active = model;
  try {
    return fn();
  } finally {
    active = saved;
  }
}
