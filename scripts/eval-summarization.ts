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
 *   npm run eval:summary [-- --folds 5] [--weights '{"position":1.2}'] [--search] [--data FILE]
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
import { readArticles, SEARCH_START, scoreArticles, search } from './lib/summary-search.js';

const DATA = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');

const { values } = parseArgs({
  options: {
    weights: { type: 'string' },
    data: { type: 'string' },
    search: { type: 'boolean' },
    folds: { type: 'string', default: '5' },
  },
});
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
  sameLead: 'lead, as long as the short',
  short: 'precis short (≤60 words)',
} as const;
const METRICS = ['rouge1', 'rouge2', 'rougeL'] as const;
const pct = (x: number) => (100 * x).toFixed(2).padStart(6);

console.log(
  values.weights
    ? `ROUGE F1, ${articles.length} CNN/DailyMail articles, fixed weights ${JSON.stringify(JSON.parse(values.weights))} (nothing chosen)`
    : `ROUGE F1, ${articles.length} CNN/DailyMail articles, ${k}-fold cross-validation (each fold summarised with weights chosen on the other ${k - 1})`,
);
console.log('system'.padEnd(30), 'R-1'.padStart(6), 'R-2'.padStart(6), 'R-L'.padStart(6), 'words'.padStart(6));
for (const [system, name] of Object.entries(SYSTEMS) as [keyof typeof SYSTEMS, string][]) {
  const figures = METRICS.map((m) => pct(mean(scored.map((s) => s[system][m]))));
  console.log(
    name.padEnd(30),
    ...figures,
    mean(scored.map((s) => s.words[system]))
      .toFixed(0)
      .padStart(6),
  );
}

/** The margin of a system over a baseline on each figure: mean of the per-article differences, with its interval. */
function margins(system: keyof typeof SYSTEMS, baseline: keyof typeof SYSTEMS): Record<keyof RougeScores, Interval> {
  return Object.fromEntries(
    METRICS.map((m) => [m, meanInterval(scored.map((s) => s[system][m] - s[baseline][m]))]),
  ) as Record<keyof RougeScores, Interval>;
}
const goal = (name: string, m: Record<keyof RougeScores, Interval>) => {
  const met = METRICS.every((key) => m[key].low > 0);
  const above = METRICS.every((key) => m[key].value > 0);
  const figures = METRICS.map((key) => `${key} ${formatInterval(m[key], { scale: 100, signed: true })}`).join(', ');
  const verdict = met ? 'met' : above ? 'missed (above on average, but an interval reaches below zero)' : 'missed';
  console.log(`Goal, ${name} on all three: ${verdict}\n  ${figures}`);
};
console.log(`\nMargins, mean over the ${articles.length} articles [95 % bootstrap interval over them]:`);
goal('bullets above Lead-3', margins('bullets', 'lead3'));
goal('short above the lead of its own length', margins('short', 'sameLead'));
if (chosen.length > 0) console.log(`\nWeights chosen in each fold, on the other folds only:\n  ${chosen.join('\n  ')}`);
