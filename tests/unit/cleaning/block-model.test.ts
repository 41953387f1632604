import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../../../shared/cleaning/budget.js';
import { BLOCK_MODEL, type BlockModel, FEATURES } from '../../../shared/cleaning/formats/block-model.js';
import { type TreeEnsemble, treesLogOdds } from '../../../shared/cleaning/formats/block-trees.js';
import { extractArticle } from '../../../shared/cleaning/formats/extract.js';
import type { El } from '../../../shared/cleaning/page-metadata.js';

const PARAGRAPHS = [
  'The city council voted on Tuesday to close the old bridge to cars from the first of March, after engineers found that two of its supports had cracked during the winter floods.',
  'Buses will cross the river on a temporary lane that the army is building beside the bridge, and the council says the work should be finished within six weeks if the weather holds.',
  'Shop owners on both banks told the meeting that they feared losing customers for the whole spring, and asked the council to waive their market fees until the bridge opens again.',
];
const page = () =>
  parseHTML(
    `<!doctype html><html><body><nav><a href="/">Home</a></nav><article>${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`,
  ).document.body as unknown as El;

/** A model that scores every block `p`, used as `mode` says. */
const flat = (p: number, mode: BlockModel['mode']): BlockModel => ({
  features: [...FEATURES],
  mean: FEATURES.map(() => 0),
  scale: FEATURES.map(() => 1),
  weights: FEATURES.map(() => 0),
  bias: Math.log(p / (1 - p)),
  threshold: 0.5,
  mode,
});

describe('the extractor’s block model', () => {
  it('ships weights for the features the extractor computes, in their order', () => {
    expect(BLOCK_MODEL?.features).toEqual([...FEATURES]);
    expect(BLOCK_MODEL?.weights).toHaveLength(FEATURES.length);
  });

  it('as a veto, only takes out what the rules keep: a model that trusts every block reads the page as the rules do', () => {
    const rules = extractArticle(page(), NO_DEADLINE, null);

    const vetoed = extractArticle(page(), NO_DEADLINE, flat(0.9, 'veto'));
    const doubted = extractArticle(page(), NO_DEADLINE, flat(0.1, 'veto'));

    expect(rules.paragraphs).toEqual(PARAGRAPHS);
    expect(vetoed.paragraphs).toEqual(rules.paragraphs);
    expect(doubted.paragraphs).toEqual([]);
  });

  it('in place of the rules, keeps what it scores as the article’s, menus included if it says so', () => {
    const all = extractArticle(page(), NO_DEADLINE, flat(0.9, 'replace'));

    expect(all.paragraphs).toEqual(['Home', ...PARAGRAPHS]);
  });
});

describe('the block model’s trees', () => {
  it('sums the leaf each tree sends a block to, a split sending a value above its threshold right', () => {
    const ensemble: TreeEnsemble = {
      depth: 2,
      base: -1,
      trees: [
        // Root on feature 0 at 0.5; its left child splits on feature 1 at 0.2, its right child not at all (all go left).
        { feature: [0, 1, -1], threshold: [0.5, 0.2, 0], leaf: [1, 2, 3, 4] },
        { feature: [1, -1, -1], threshold: [0.7, 0, 0], leaf: [0.5, 0, -0.5, 0] },
      ],
    };

    expect(treesLogOdds(ensemble, [0.1, 0.1])).toBe(-1 + 1 + 0.5);
    expect(treesLogOdds(ensemble, [0.1, 0.3])).toBe(-1 + 2 + 0.5);
    expect(treesLogOdds(ensemble, [0.9, 0.9])).toBe(-1 + 3 - 0.5);
    expect(treesLogOdds(ensemble, [0.5, 0.2])).toBe(-1 + 1 + 0.5);
  });

  it('read in place of the regression: a veto by trees takes out the blocks they score low, here those past the page’s middle', () => {
    const position = FEATURES.indexOf('position');
    const byPlace: BlockModel = {
      ...flat(0.9, 'veto'),
      trees: { depth: 1, base: 0, trees: [{ feature: [position], threshold: [0.5], leaf: [3, -3] }] },
    };

    const read = extractArticle(page(), NO_DEADLINE, byPlace);

    expect(read.paragraphs).toEqual(PARAGRAPHS.slice(0, 1));
  });
});
