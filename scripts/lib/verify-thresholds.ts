/**
 * How the summary verifier's thresholds are chosen from judged summaries
 * (`npm run eval:faithfulness` does it inside each fold, on the other folds
 * only): over a grid, the best recall among the thresholds whose precision
 * at flagging the unfaithful summaries is at least PRECISION_WANTED; when
 * none reaches it, the most precise.
 */
import {
  judge,
  measureSummary,
  type SentenceMeasure,
  type VerifyOptions,
} from '../../shared/analysis/checks/verify.js';

export interface Judged {
  article: string;
  summary: string;
  unfaithful: boolean;
  /** The summary's sentences measured against its article (measureSummary), once: thresholds only judge them. */
  measures: SentenceMeasure[];
}

export function judged(article: string, articleText: string, summary: string, unfaithful: boolean): Judged {
  return { article, summary, unfaithful, measures: measureSummary(articleText, summary) };
}

/**
 * Chosen for this precision on the summaries it is chosen on, so that the
 * lower end of its interval on others holds at 0.80: the verifier flags
 * some 75 of FRANK's 500 summaries, and at that count the 95 % interval
 * over articles reaches about 0.08 below the precision.
 */
export const PRECISION_WANTED = 0.88;

export function prf(items: readonly { flagged: boolean; unfaithful: boolean }[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { flagged, unfaithful } of items) {
    if (flagged && unfaithful) tp++;
    else if (flagged) fp++;
    else if (unfaithful) fn++;
  }
  return {
    precision: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
    recall: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
  };
}

export const GRID: VerifyOptions[] = [];
for (const maxAbsent of [0.1, 0.15, 0.2, 0.25, 0.3, 1]) {
  for (const maxNovelPairs of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1]) {
    for (const pairWindow of [2, 3, 4]) GRID.push({ maxAbsent, maxNovelPairs, pairWindow });
  }
}

export function chooseThresholds(
  judged: readonly Judged[],
  grid: readonly VerifyOptions[] = GRID,
  wanted = PRECISION_WANTED,
): VerifyOptions {
  const scored = grid.map((options) => ({
    options,
    ...prf(
      judged.map((j) => ({
        flagged: !judge(j.measures, options).supported,
        unfaithful: j.unfaithful,
      })),
    ),
  }));
  const precise = scored.filter((s) => s.precision >= wanted);
  const best =
    precise.length > 0
      ? precise.sort((a, b) => b.recall - a.recall)[0]
      : scored.sort((a, b) => b.precision - a.precision)[0];
  return (best as (typeof scored)[number]).options;
}
