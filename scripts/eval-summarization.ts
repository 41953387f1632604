/**
 * ROUGE of the offline summariser on CNN/DailyMail dev articles, next to the
 * Lead-3 baseline computed in the same run with the same scorer.
 *
 *   npm run eval:summary [-- --weights '{"position":1.2}']
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type RougeScores, rouge } from '../bench/lib/rouge.js';
import { splitSentences } from '../shared/analysis/sentences.js';
import { DEFAULT_WEIGHTS, summarize } from '../shared/analysis/summarize.js';

const DATA = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');

const { values } = parseArgs({ options: { weights: { type: 'string' }, data: { type: 'string' } } });
const path = values.data ?? DATA;
if (!existsSync(path)) {
  console.log(`Skipped: ${path} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}
const weights = { ...DEFAULT_WEIGHTS, ...(values.weights ? JSON.parse(values.weights) : {}) };
const rows = readFileSync(path, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { id: string; article: string; reference: string });

const systems: Record<string, (article: string) => string> = {
  'Lead-3 (baseline)': (article) =>
    splitSentences(article, 'en')
      .slice(0, 3)
      .map((s) => s.text)
      .join(' '),
  'Lead, ≤60 words (baseline)': (article) => {
    const out: string[] = [];
    let words = 0;
    for (const s of splitSentences(article, 'en')) {
      const n = s.text.split(/\s+/).length;
      if (out.length > 0 && words + n > 60) break;
      out.push(s.text);
      words += n;
    }
    return out.join(' ');
  },
  'precis short (≤60 words)': (article) => summarize(article, 'en', weights).short,
  'precis bullets (3–5)': (article) => summarize(article, 'en', weights).bullets.join(' '),
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`ROUGE F1 on ${rows.length} CNN/DailyMail articles (${path})`);
console.log('system'.padEnd(28), 'R-1'.padStart(6), 'R-2'.padStart(6), 'R-L'.padStart(6), 'words'.padStart(6));
for (const [name, system] of Object.entries(systems)) {
  const scores: RougeScores[] = [];
  const lengths: number[] = [];
  for (const row of rows) {
    const summary = system(row.article);
    lengths.push(summary.split(/\s+/).length);
    scores.push(rouge(summary, row.reference));
  }
  const fmt = (k: keyof RougeScores) => (100 * mean(scores.map((s) => s[k]))).toFixed(2).padStart(6);
  console.log(name.padEnd(28), fmt('rouge1'), fmt('rouge2'), fmt('rougeL'), mean(lengths).toFixed(0).padStart(6));
}
