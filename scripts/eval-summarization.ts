/**
 * ROUGE of the offline summariser on the CNN/DailyMail dev articles, next to
 * the lead baselines computed in the same run with the same scorer, in
 * k-fold cross-validation: for each fold the ranking weights are chosen on
 * the other folds only (scripts/lib/summary-search.ts), and the fold's
 * articles are summarised with them. Every article is summarised once, by
 * weights chosen without it; the figures are means over all the articles,
 * with 95 % bootstrap intervals over them, and a goal counts as met only
 * when the lower end of each margin's interval is above zero.
 *
 *   npm run eval:summary [-- --folds 5] [--weights '{"position":1.2}'] [--search] [--data FILE] [--write-docs]
 *
 * --weights scores those weights (over the code's) on every article, with nothing chosen;
 * --search prints the weights the same search chooses on all the articles (what the code ships).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { foldsOf, formatInterval, type Interval, mean, meanInterval } from '../bench/lib/cv.js';
import type { RougeScores } from '../bench/lib/rouge.js';
import { DEFAULT_WEIGHTS, type RankingWeights } from '../shared/analysis/summarize.js';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';
import { readArticles, SEARCH_START, scoreArticles, search } from './lib/summary-search.js';

const DATA = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');

const { values } = parseArgs({
  options: {
    weights: { type: 'string' },
    data: { type: 'string' },
    search: { type: 'boolean' },
    folds: { type: 'string', default: '5' },
    /** Write the tables into the docs (docs/figures/eval-summary.json); only for the cross-validated run. */
    'write-docs': { type: 'boolean' },
  },
});
if (values['write-docs'] && (values.weights || values.data || values.search)) {
  console.error('--write-docs writes the cross-validated run on the dev articles only');
  process.exit(2);
}
const path = values.data ?? DATA;
if (!existsSync(path)) {
  console.log(`Skipped: ${path} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}
const articles = readArticles(readFileSync(path, 'utf8'));
const k = Number(values.folds);

if (values.search) {
  const chosen = search(articles, SEARCH_START, (line) => console.log(`  ${line}`));
  console.log(`chosen on all ${articles.length} articles:`, JSON.stringify(chosen));
  console.log('in the code:', JSON.stringify(DEFAULT_WEIGHTS));
  process.exit(0);
}

/** Each article's scores, made by the weights its fold chose (or by the fixed weights given). */
const byArticle = new Map<string, ReturnType<typeof scoreArticles>[number]>();
const chosen: string[] = [];
if (values.weights) {
  const fixed: RankingWeights = { ...DEFAULT_WEIGHTS, ...JSON.parse(values.weights) };
  for (const scored of scoreArticles(articles, fixed)) byArticle.set(scored.id, scored);
} else {
  const fold = foldsOf(
    articles.map((a) => a.id),
    k,
  );
  for (let f = 0; f < k; f++) {
    const train = articles.filter((a) => fold.get(a.id) !== f);
    const test = articles.filter((a) => fold.get(a.id) === f);
    const weights = search(train, SEARCH_START);
    chosen.push(`fold ${f + 1} (${test.length} articles): ${JSON.stringify(weights)}`);
    for (const scored of scoreArticles(test, weights)) byArticle.set(scored.id, scored);
  }
}
const scored = articles.map((a) => byArticle.get(a.id) as ReturnType<typeof scoreArticles>[number]);

const SYSTEMS = {
  lead3: 'Lead-3 (baseline)',
  bullets: 'precis bullets (3–5)',
  sameLead: 'the lead, as many words as the short',
  short: 'precis short summary (≤60 words)',
} as const;
const METRICS = ['rouge1', 'rouge2', 'rougeL'] as const;
const pct = (x: number) => (100 * x).toFixed(2);

const how = values.weights ? `fixed weights, ${articles.length} articles` : `${k}-fold CV, ${articles.length} articles`;
const systems: FigureTable = {
  head: [`system (${how})`, 'R-1', 'R-2', 'R-L', 'words'],
  rows: (Object.entries(SYSTEMS) as [keyof typeof SYSTEMS, string][]).map(([system, name]) => [
    name,
    ...METRICS.map((m) => pct(mean(scored.map((s) => s[system][m])))),
    mean(scored.map((s) => s.words[system])).toFixed(0),
  ]),
};
console.log(
  values.weights
    ? `ROUGE F1, ${articles.length} CNN/DailyMail articles, fixed weights ${JSON.stringify(JSON.parse(values.weights))} (nothing chosen)\n`
    : `ROUGE F1, ${articles.length} CNN/DailyMail articles, ${k}-fold cross-validation (each fold summarised with weights chosen on the other ${k - 1})\n`,
);
console.log(markdownTable(systems));

/** The margin of a system over a baseline on each figure: mean of the per-article differences, with its interval. */
function margins(system: keyof typeof SYSTEMS, baseline: keyof typeof SYSTEMS): Record<keyof RougeScores, Interval> {
  return Object.fromEntries(
    METRICS.map((m) => [m, meanInterval(scored.map((s) => s[system][m] - s[baseline][m]))]),
  ) as Record<keyof RougeScores, Interval>;
}
const GOALS = [
  ['bullets − Lead-3', margins('bullets', 'lead3')],
  ['short − the lead of its own length', margins('short', 'sameLead')],
] as const;
const marginTable: FigureTable = {
  head: ['margin, mean [95 % interval]', 'R-1', 'R-2', 'R-L'],
  rows: GOALS.map(([name, m]) => [name, ...METRICS.map((key) => formatInterval(m[key], { scale: 100, signed: true }))]),
};
console.log(`\nMargins, mean over the ${articles.length} articles [95 % bootstrap interval over them]:\n`);
console.log(markdownTable(marginTable));
for (const [name, m] of GOALS) {
  const met = METRICS.every((key) => m[key].low > 0);
  const above = METRICS.every((key) => m[key].value > 0);
  const verdict = met ? 'met' : above ? 'missed (above on average, but an interval reaches below zero)' : 'missed';
  console.log(`Goal, ${name} > 0 on all three: ${verdict}`);
}
if (chosen.length > 0) console.log(`\nWeights chosen in each fold, on the other folds only:\n  ${chosen.join('\n  ')}`);
if (values['write-docs']) {
  writeFiguresAndSay({
    name: 'eval-summary',
    command: `npm run eval:summary${k === 5 ? '' : ` -- --folds ${k}`}`,
    measured: measuredHere(),
    tables: { systems, margins: marginTable },
  });
}
