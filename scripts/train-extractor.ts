/**
 * `npm run train:extractor`: trains the extractor's block model
 * (shared/cleaning/formats/block-model.ts) on the halves of the two public
 * extraction sets the rules were written from, and writes its weights
 * beside it (checked in). Steps:
 *
 * 1. each looked-at page is read into blocks as the cleaner reads it, with
 *    the rules' classes and selection;
 * 2. each block is labelled by the gold text: on ScrapingHub's pages, the
 *    share of its 3-token shingles found in the article's body (half or
 *    more: content); on trafilatura's, holding a segment the article must
 *    keep (content) or one it must leave out (boilerplate), else unlabelled;
 * 3. a logistic regression (Newton's method, L2) is trained, and its
 *    regularisation, threshold and use (in place of the rules' classes, or
 *    as a veto on the blocks they keep) chosen by 5-fold cross-validation
 *    over pages; each fold is scored end to end (the whole cleaner, as
 *    `precis clean` runs, by each benchmark's own scoring), next to the
 *    rules alone on the same folds, with the mean and a 95 % interval;
 * 4. the chosen settings are trained on all looked-at pages and written;
 * 5. with --study-trees, gradient-boosted shallow trees over the same
 *    figures and labels (scripts/lib/extraction-trees.ts) are the last
 *    setting tried: in each fold their depth and number are chosen by an
 *    inner cross-validation of the block loss over that fold's training
 *    pages, then the fold is scored end to end as above; the paired
 *    difference from the regression's veto is printed;
 * 6. with --study-choice, the choice between the cleaner's two readings of
 *    a page (its own or Readability's) is learned on the same folds and
 *    scored next to the rules' choice (scripts/lib/extraction-choice.ts),
 *    by a regression and by trees, under two ceilings: the better reading
 *    of each page, and the best of those and of readings made of both (the
 *    paragraphs both keep, one reading with the other's lead or last
 *    paragraphs).
 *
 * The half not looked at is never read here. Skips, saying why, without
 * ../shared/eval-data.
 *
 * With --shipped-only (or --study-trees), only the shipped regression
 * setting is tried, to save the other settings' passes.
 *
 * A study (--study-trees, --study-choice, --against-shipped) prints and
 * writes nothing: the weights file changes only by a training run without
 * them (and without --dry-run).
 *
 * With --against-shipped, the weights checked in (fitted under an earlier
 * cleaner, perhaps) and those just fitted on all looked-at pages are both
 * scored on each fold's pages, with their paired difference: both have seen
 * every page, so neither is held out, but they are on the same footing,
 * which the folds' own models (trained without the fold) are not with the
 * weights checked in. Whether to write the new weights is judged on it.
 *
 *   npm run train:extractor [-- --dry-run] [--shipped-only] [--study-trees] [--study-choice] [--against-shipped]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { type PageScore, scorePage } from '../bench/lib/shingles.js';
import { NO_DEADLINE } from '../shared/cleaning/budget.js';
import { decodeBytes } from '../shared/cleaning/decode.js';
import {
  BLOCK_MODEL,
  type BlockModel,
  blockFeatures,
  FEATURES,
  withBlockModel,
} from '../shared/cleaning/formats/block-model.js';
import { type PageBlocks, pageBlocks } from '../shared/cleaning/formats/blocks.js';
import { readBlocks } from '../shared/cleaning/formats/extract.js';
import { pageBody } from '../shared/cleaning/formats/html.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { compareChoices, study } from './lib/extraction-choice.js';
import {
  EXTRACTION_DATA,
  type LookedAtPage,
  lookedAtPages,
  skipWithoutExtractionData,
} from './lib/extraction-halves.js';
import { fitLogistic, type Sample } from './lib/extraction-logistic.js';
import { collapse, type SegmentCounts, segmentCounts, setScores } from './lib/extraction-scores.js';
import { DEFAULT_TREES, firstTrees, fitTrees, logLossByCount } from './lib/extraction-trees.js';
import { FOLDS, type FoldScores, foldOfPage, formatDifference, meanInterval, pairedBySet } from './lib/paired-folds.js';

const OUT = new URL('../shared/cleaning/formats/block-model-weights.json', import.meta.url);
const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean' },
    'shipped-only': { type: 'boolean' },
    'study-trees': { type: 'boolean' },
    'study-choice': { type: 'boolean' },
    'against-shipped': { type: 'boolean' },
  },
});

skipWithoutExtractionData(EXTRACTION_DATA.scrapinghub, EXTRACTION_DATA.trafilatura);

interface Page extends LookedAtPage {
  bytes: Buffer;
  blocks: PageBlocks;
}

/** The page's bytes, and its blocks as the cleaner reads them (decoded, inert markup out). */
const read = (file: string): { bytes: Buffer; blocks: PageBlocks } | null => {
  const bytes = gunzipSync(readFileSync(file));
  const body = pageBody(decodeBytes(bytes, { html: true }).text);
  return body ? { bytes, blocks: pageBlocks(body, NO_DEADLINE) } : null;
};

const pages: Page[] = lookedAtPages(EXTRACTION_DATA.scrapinghub, EXTRACTION_DATA.trafilatura).flatMap((page) => {
  const found = read(page.file);
  return found ? [{ ...page, ...found }] : [];
});

/** Step 2: each block's label (1 content, 0 boilerplate, null unknown). */
const TOKEN = /[\p{L}\p{N}_]+/gu;
function labels(page: Page): (number | null)[] {
  if (page.set === 'sh') {
    const gold = (page.gold ?? '').toLowerCase().match(TOKEN) ?? [];
    const shingles = new Set(gold.map((_, i) => gold.slice(i, i + 3).join(' ')));
    const words = new Set(gold);
    return page.blocks.blocks.map((b) => {
      const tokens = b.text.toLowerCase().match(TOKEN) ?? [];
      if (tokens.length === 0) return null;
      if (tokens.length < 3) return tokens.every((t) => words.has(t)) ? 1 : 0;
      let hits = 0;
      for (let i = 0; i + 3 <= tokens.length; i++) if (shingles.has(tokens.slice(i, i + 3).join(' '))) hits++;
      return hits / (tokens.length - 2) >= 0.5 ? 1 : 0;
    });
  }
  const want = (page.with ?? []).map(collapse).filter(Boolean);
  const unwanted = (page.without ?? []).map(collapse).filter(Boolean);
  return page.blocks.blocks.map((b) => {
    const text = collapse(b.text);
    if (want.some((s) => text.includes(s) || (text.length >= 20 && s.includes(text)))) return 1;
    if (unwanted.some((s) => text.includes(s) || (text.length >= 20 && s.includes(text)))) return 0;
    return null;
  });
}

const samplesOf = new Map<Page, Sample[]>();
for (const page of pages) {
  const features = blockFeatures(readBlocks(page.blocks));
  const ys = labels(page);
  const samples: Sample[] = [];
  page.blocks.blocks.forEach((b, i) => {
    const y = ys[i];
    if (y === null || y === undefined) return;
    samples.push({ x: features[i] as number[], y, w: Math.log1p(b.chars) });
  });
  samplesOf.set(page, samples);
}

/** The labelled blocks of some pages, each set weighing the same in total: trafilatura's pages label a few blocks each, ScrapingHub's all. */
function weighted(train: Page[], sets: readonly Page['set'][] = ['sh', 'traf'], vetoed = false): Sample[] {
  const samples: Sample[] = [];
  for (const set of sets) {
    const own = train
      .filter((p) => p.set === set)
      .flatMap((p) => samplesOf.get(p) ?? [])
      .filter((s) => !vetoed || s.x[FINAL_GOOD] === 1);
    const total = own.reduce((s, x) => s + x.w, 0);
    for (const s of own) samples.push({ ...s, w: (s.w / total) * 1000 });
  }
  return samples;
}

/** Step 3: the block model, a logistic regression over the blocks' features. */
function train(
  train: Page[],
  lambda: number,
  threshold: number,
  mode: BlockModel['mode'] = 'replace',
  sets: readonly Page['set'][] = ['sh', 'traf'],
): BlockModel {
  const fit = fitLogistic(weighted(train, sets), lambda);
  return { features: [...FEATURES], ...fit, threshold, mode };
}

const FINAL_GOOD = FEATURES.indexOf('final-good');
/** Depths and numbers of trees tried inside each fold. */
const TREE_DEPTHS = [2, 3, 4];
const TREE_COUNTS = [50, 100, 200];

/**
 * Step 5: trees for some pages, their depth and number chosen by the
 * weighted block loss of an inner cross-validation over those pages alone.
 */
function trainTrees(
  on: Page[],
  threshold: number,
  mode: BlockModel['mode'],
  vetoed = false,
): BlockModel & { chosen: string } {
  const blocks = (pages: Page[]) => weighted(pages, ['sh', 'traf'], vetoed);
  const inner = (p: Page) => foldOfPage(`${p.id}:inner`);
  let best = { loss: Number.POSITIVE_INFINITY, depth: TREE_DEPTHS[0] as number, count: TREE_COUNTS[0] as number };
  for (const depth of TREE_DEPTHS) {
    const loss = TREE_COUNTS.map(() => 0);
    for (let k = 0; k < K; k++) {
      const fit = fitTrees(blocks(on.filter((p) => inner(p) !== k)), {
        ...DEFAULT_TREES,
        depth,
        trees: Math.max(...TREE_COUNTS),
      });
      const held = logLossByCount(fit, blocks(on.filter((p) => inner(p) === k)), TREE_COUNTS);
      held.forEach((l, j) => {
        loss[j] = (loss[j] as number) + l / K;
      });
    }
    loss.forEach((l, j) => {
      if (l < best.loss) best = { loss: l, depth, count: TREE_COUNTS[j] as number };
    });
  }
  const trees = firstTrees(
    fitTrees(blocks(on), { ...DEFAULT_TREES, depth: best.depth, trees: best.count }),
    best.count,
  );
  const linear = train(on, LAMBDAS[0] as number, threshold, mode);
  return { ...linear, trees, chosen: `depth ${best.depth}, ${best.count} trees (inner loss ${best.loss.toFixed(4)})` };
}

/** The cleaner's text of a page, as `precis clean` gives it ('' when it refuses the page). */
function clean(bytes: Buffer): string {
  try {
    return cleanDocument(bytes, { name: 'page.html' }).text;
  } catch {
    return '';
  }
}

/** End-to-end scores of a model (null: the rules alone) on some pages: ScrapingHub's F1 and trafilatura's F. */
function score(model: BlockModel | null, on: Page[]): { sh: number; traf: number } {
  const sh: PageScore[] = [];
  const traf: SegmentCounts[] = [];
  for (const page of on) {
    const text = withBlockModel(model, () => clean(page.bytes));
    if (page.set === 'sh') sh.push(scorePage(page.gold ?? '', text));
    else traf.push(segmentCounts(page, text));
  }
  return setScores(sh, traf);
}

const K = FOLDS;
const fold = (p: Page) => foldOfPage(p.id);
const LAMBDAS = [0.3];
/** How the model's classes are used, and at which probability. */
const SETTINGS: [BlockModel['mode'], number][] = [
  ['veto', 0.5],
  ['veto', 0.35],
  ['veto', 0.6],
  ['replace', 0.6],
];
/**
 * A setting replaces one tried before it only when it scores this much more
 * (the mean of the two sets' fold means): less is far inside the folds'
 * intervals, a change of output the folds cannot tell from noise.
 */
const MARGIN = 0.001;
/**
 * Which sets' blocks it learns from: both (each weighing the same), or one
 * (the two disagree on comments, captions and decks).
 */
const SOURCES: (readonly Page['set'][])[] = [['sh', 'traf'], ['sh'], ['traf']];

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const interval = (xs: number[]) => {
  const { mean: m, low, high } = meanInterval(xs);
  return `${m.toFixed(4)} [${low.toFixed(4)}, ${high.toFixed(4)}]`;
};

await loadLanguageModels();
const labelled = [...samplesOf.values()].flat();
console.log(
  `Looked-at halves: ${pages.filter((p) => p.set === 'sh').length} ScrapingHub pages, ${pages.filter((p) => p.set === 'traf').length} trafilatura pages; ` +
    `${labelled.length} labelled blocks (${labelled.filter((s) => s.y === 1).length} content).`,
);
const folds = Array.from({ length: K }, (_, k) => ({
  train: pages.filter((p) => fold(p) !== k),
  test: pages.filter((p) => fold(p) === k),
}));
const rules = folds.map((f) => score(null, f.test));
console.log(
  `Rules alone, ${K} folds: ScrapingHub ${interval(rules.map((r) => r.sh))}, trafilatura ${interval(rules.map((r) => r.traf))}`,
);
interface Setting {
  name: string;
  cv: number;
  sh: number[];
  traf: number[];
  /** Each fold's model, and how to train the chosen one on all the pages. */
  models: BlockModel[];
  final: () => BlockModel;
}
let best: Setting | null = null;
/** The first setting tried (the shipped one) stays unless another beats it by more than MARGIN. */
function consider(name: string, models: BlockModel[], final: () => BlockModel): Setting {
  const scores = folds.map((f, k) => score(models[k] as BlockModel, f.test));
  const [sh, traf] = [scores.map((s) => s.sh), scores.map((s) => s.traf)];
  const setting = { name, cv: (mean(sh) + mean(traf)) / 2, sh, traf, models, final };
  console.log(`  ${name}: ScrapingHub ${interval(sh)}, trafilatura ${interval(traf)}`);
  if (!best || setting.cv > best.cv + MARGIN) best = setting;
  return setting;
}
let shipped: Setting | null = null;
/** Fold by fold, both sets' scores of a setting or a choice. */
const foldScores = (r: { sh: number[]; traf: number[] }): FoldScores[] =>
  r.sh.map((sh, k) => ({ sh, traf: r.traf[k] as number }));
for (const lambda of LAMBDAS) {
  for (const sets of SOURCES) {
    const models = folds.map((f) => train(f.train, lambda, 0.5, 'replace', sets));
    for (const [mode, threshold] of SETTINGS) {
      // One source is tried at the shipped setting only; beside the trees, only the shipped setting.
      const isShipped = sets.length === 2 && mode === 'veto' && threshold === 0.5;
      if (sets.length === 1 && !(mode === 'veto' && threshold === 0.5)) continue;
      if ((values['study-trees'] || values['shipped-only']) && !isShipped) continue;
      const setting = consider(
        `lambda ${lambda}, from ${sets.join('+')}, ${mode} at ${threshold}`,
        models.map((m) => ({ ...m, threshold, mode })),
        () => train(pages, lambda, threshold, mode, sets),
      );
      if (isShipped) shipped = setting;
    }
  }
}
if (values['study-trees'] && shipped) {
  const base = shipped as Setting;
  /** Trees' variants: a veto learned from all labelled blocks, or from those it reads only (the rules' good ones); in place of the rules. */
  const variants: [string, BlockModel['mode'], boolean][] = [
    ['trees, veto at 0.5', 'veto', false],
    ['trees from the blocks a veto reads, veto at 0.5', 'veto', true],
    ['trees, in place of the rules at 0.5', 'replace', false],
  ];
  for (const [name, mode, vetoed] of variants) {
    const models = folds.map((f) => trainTrees(f.train, 0.5, mode, vetoed));
    for (const [k, m] of models.entries()) console.log(`    fold ${k}: ${m.chosen}`);
    const trees = consider(name, models, () => {
      const { chosen: how, ...model } = trainTrees(pages, 0.5, mode, vetoed);
      console.log(`  on all pages: ${how}`);
      return model;
    });
    const d = pairedBySet(foldScores(base), foldScores(trees), MARGIN);
    console.log(
      `    less the regression, paired by fold: ScrapingHub ${formatDifference(d.sh)}, ` +
        `trafilatura ${formatDifference(d.traf)}, mean of the two ${formatDifference(d.both)}`,
    );
  }
}
if (!best) throw new Error('no settings tried');
const chosen: Setting = best;
console.log(
  `Chosen: ${chosen.name}: ScrapingHub ${interval(chosen.sh)}, trafilatura ${interval(chosen.traf)} ` +
    `(rules ${mean(rules.map((r) => r.sh)).toFixed(4)} / ${mean(rules.map((r) => r.traf)).toFixed(4)}).`,
);
if (values['study-choice']) {
  // Step 6 (asked for): would a learned choice between the two readings beat the rules' on the same folds?
  const studied = folds.flatMap((f, k) =>
    f.test.map((p) =>
      withBlockModel(chosen.models[k] as BlockModel, () => study({ ...p, fold: k }, () => clean(p.bytes))),
    ),
  );
  console.log(
    `The reading's choice, on the ${studied.filter((s) => s.readings).length} pages where Readability is asked:`,
  );
  const rows = compareChoices(studied, K, [0.1, 1, 10]);
  const rulesChoice = foldScores(rows[0] as (typeof rows)[number]);
  for (const r of rows)
    console.log(
      `  ${r.name}: ScrapingHub ${interval(r.sh)}, trafilatura ${interval(r.traf)}; ` +
        `less the rules' choice, the mean of the two ${formatDifference(pairedBySet(rulesChoice, foldScores(r), MARGIN).both)}`,
    );
}
/** The weights file: two-space JSON, each tree on a line of its own. */
function weightsFile(model: BlockModel): string {
  const { trees, ...rest } = model;
  const text = JSON.stringify(rest, null, 2);
  if (!trees) return `${text}\n`;
  const lines = trees.trees.map((t) => `      ${JSON.stringify(t)}`).join(',\n');
  const head = `"trees": {\n    "depth": ${trees.depth},\n    "base": ${trees.base},\n    "trees": [\n${lines}\n    ]\n  }`;
  return `${text.slice(0, -2)},\n  ${head}\n}\n`;
}

const model = chosen.final();
if (model.trees) console.log(`  ${model.trees.trees.length} trees of depth ${model.trees.depth}`);
else
  for (const [k, name] of FEATURES.entries())
    console.log(`  ${name.padEnd(30)} ${(model.weights[k] as number).toFixed(3)}`);
if (values['against-shipped']) {
  // The weights checked in against those just fitted, page for page on the same folds (both fitted on all of them).
  const old = folds.map((f) => score(BLOCK_MODEL, f.test));
  const now = folds.map((f) => score(model, f.test));
  const show = (r: FoldScores[]) =>
    `ScrapingHub ${interval(r.map((x) => x.sh))}, trafilatura ${interval(r.map((x) => x.traf))}, ` +
    `mean of the two ${mean(r.map((x) => (x.sh + x.traf) / 2)).toFixed(4)}`;
  console.log(`Weights checked in, on the folds' pages: ${show(old)}`);
  console.log(`Weights fitted now, on the folds' pages: ${show(now)}`);
  const d = pairedBySet(old, now, MARGIN);
  console.log(
    `  new less checked in, paired by fold: ScrapingHub ${formatDifference(d.sh)}, trafilatura ${formatDifference(d.traf)}, ` +
      `mean of the two ${formatDifference(d.both)}: ${d.ahead ? 'more' : 'not more'} than the ${MARGIN} margin.`,
  );
}
// A study reads the shipped weights and prints; it never replaces them (a refit of today's blocks differs
// from the file by a little, and the file is what the cleaner's version stands for).
const studying = values['study-trees'] || values['study-choice'] || values['against-shipped'];
if (studying) {
  console.log(`A study: ${OUT.pathname} is left as it is (train without --study-* or --against-shipped to write it).`);
} else if (!values['dry-run']) {
  writeFileSync(OUT, weightsFile(model));
  console.log(`Wrote ${OUT.pathname}.`);
}
