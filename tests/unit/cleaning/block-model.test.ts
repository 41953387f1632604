import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { NO_DEADLINE } from '../../../shared/cleaning/budget.js';
import { BLOCK_MODEL, type BlockModel, FEATURES } from '../../../shared/cleaning/formats/block-model.js';
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
