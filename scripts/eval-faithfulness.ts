/**
 * The summary verifier on FRANK's human factuality judgements of 500 system
 * summaries of CNN/DailyMail articles: precision and recall at flagging the
 * summaries people found unfaithful (factuality < 1), in k-fold
 * cross-validation by article. In each fold the verifier's thresholds are
 * chosen on the other folds only (scripts/lib/verify-thresholds.ts: the best
 * recall at precision ≥ 0.88 there), and the fold's summaries are flagged
 * with them; every summary is judged once by thresholds chosen without its
 * article. The figures pool those judgements, with 95 % bootstrap intervals
 * over the articles; the goal (precision ≥ 0.80) counts as met only when the
 * lower end of its interval clears it. The anchors of the data's README are
 * computed on the same rows.
 *
 *   npm run eval:faithfulness [-- --folds 5] [--data DIR] [--write-docs]
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap, foldsOf, formatInterval, groupBy } from '../bench/lib/cv.js';
import { unsupportedFigures } from '../shared/analysis/checks/numbers.js';
import { DEFAULT_VERIFY, judge } from '../shared/analysis/checks/verify.js';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';
import { chooseThresholds, type Judged, judged, PRECISION_WANTED, prf } from './lib/verify-thresholds.js';

const GOAL = 0.8;
const ASKED_BEFORE = 0.85;

const { values } = parseArgs({
  options: { data: { type: 'string' }, folds: { type: 'string', default: '5' }, 'write-docs': { type: 'boolean' } },
});
const dir = values.data ?? resolve(import.meta.dirname, '../../shared/eval-data/summarization');
const judgements = resolve(dir, 'frank-cnndm-dev.jsonl');
const articlesFile = resolve(dir, 'cnndm-dev.jsonl');
if (!existsSync(judgements) || !existsSync(articlesFile)) {
  console.log(
    `Skipped: ${dir} has no frank-cnndm-dev.jsonl and cnndm-dev.jsonl (the evaluation data sits beside the project, in ../shared/eval-data).`,
  );
  process.exit(0);
}
const k = Number(values.folds);

const read = <T>(path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
// FRANK's summaries are lower-cased and tokenised; the article is read the same way.
const articles = new Map(
  read<{ id: string; article: string }>(articlesFile).map((a) => [a.id, a.article.toLowerCase()]),
);
const rows: Judged[] = read<{ article_id: string; summary: string; factuality: number }>(judgements)
  .filter((r) => articles.has(r.article_id))
  .map((r) => judged(r.article_id, articles.get(r.article_id) as string, r.summary, r.factuality < 1));
const textOf = (r: Judged) => articles.get(r.article) as string;

type Flagged = { article: string; flagged: boolean; unfaithful: boolean };

const flaggers: FigureTable = {
  head: ['flags a summary when', 'precision [95 % interval]', 'recall [95 % interval]', 'flagged'],
  rows: [],
};
/** Precision and recall over some flagged summaries, with intervals from resampling their articles. */
function report(name: string, flagged: Flagged[]) {
  const byArticle = groupBy(flagged, (f) => f.article);
  const p = bootstrap(byArticle, (items) => prf(items).precision);
  const r = bootstrap(byArticle, (items) => prf(items).recall);
  const count = flagged.filter((f) => f.flagged).length;
  flaggers.rows.push([name, formatInterval(p), formatInterval(r), String(count)]);
  return p;
}
const flag = (set: Judged[], verdict: (r: Judged) => boolean): Flagged[] =>
  set.map((r) => ({ article: r.article, flagged: verdict(r), unfaithful: r.unfaithful }));

const fold = foldsOf(
  rows.map((r) => r.article),
  k,
);
/** Every summary flagged by thresholds chosen on the other folds, asking them for this precision. */
function crossValidate(wanted: number) {
  const flagged: Flagged[] = [];
  const chosen: string[] = [];
  for (let f = 0; f < k; f++) {
    const train = rows.filter((r) => fold.get(r.article) !== f);
    const test = rows.filter((r) => fold.get(r.article) === f);
    const options = chooseThresholds(train, undefined, wanted);
    chosen.push(`fold ${f + 1} (${test.length} summaries): ${JSON.stringify(options)}`);
    flagged.push(...flag(test, (r) => !judge(r.measures, options).supported));
  }
  return { flagged, chosen };
}
const { flagged: crossValidated, chosen } = crossValidate(PRECISION_WANTED);

const STOP =
  /^(?:a|an|the|and|or|of|to|in|on|at|for|with|by|is|was|are|were|be|has|have|had|it|its|he|she|they|his|her|their|that|this|as|from|said|s)$/;
const contentAbsent = (r: Judged) => {
  const vocab = new Set(textOf(r).match(/[\p{L}\p{N}]+/gu) ?? []);
  const words = (r.summary.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.test(w));
  return words.length > 0 && words.filter((w) => !vocab.has(w)).length / words.length > 0.1;
};
const figureAbsent = (r: Judged) => unsupportedFigures(r.summary, textOf(r)).length > 0;

const unfaithful = rows.filter((r) => r.unfaithful).length;
console.log(
  `FRANK (CNN/DM): ${rows.length} summaries of ${articles.size} articles (${unfaithful} unfaithful), ${k}-fold cross-validation by article; [95 % bootstrap interval over the articles]\n`,
);
const precision = report(`precis verify, thresholds chosen in the other ${k - 1} folds`, crossValidated);
// The precision asked of the folds was 0.85 before: what the same measures give with that ask.
report(
  `precis verify, the other ${k - 1} folds asked for precision ≥ ${ASKED_BEFORE}`,
  crossValidate(ASKED_BEFORE).flagged,
);
report(
  'precis verify, shipped thresholds (in-sample)',
  flag(rows, (r) => !judge(r.measures, DEFAULT_VERIFY).supported),
);
report('any figure absent from the article', flag(rows, figureAbsent));
report('> 10 % of content words absent', flag(rows, contentAbsent));
console.log(markdownTable(flaggers));
console.log(
  `\nGoal, precision ≥ ${GOAL} on summaries whose articles chose nothing: ${precision.low >= GOAL ? 'met' : 'missed'} (lower end ${precision.low.toFixed(3)})`,
);
console.log(
  `\nThresholds chosen in each fold (best recall at precision ≥ ${PRECISION_WANTED} on the other folds):\n  ${chosen.join('\n  ')}`,
);
console.log(
  `Chosen the same way on all ${rows.length}: ${JSON.stringify(chooseThresholds(rows))}; shipped: ${JSON.stringify(DEFAULT_VERIFY)}`,
);
if (values['write-docs']) {
  if (values.data) throw new Error('--write-docs writes the run on ../shared/eval-data only');
  writeFiguresAndSay({
    name: 'eval-faithfulness',
    command: `npm run eval:faithfulness${k === 5 ? '' : ` -- --folds ${k}`}`,
    measured: measuredHere(),
    tables: { flaggers },
  });
}
