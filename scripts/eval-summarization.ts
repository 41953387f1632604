/**
 * ROUGE of the offline summariser on CNN/DailyMail dev articles, next to the
 * lead baselines computed in the same run with the same scorer, on two
 * halves of the set: `tune` (the first SHA-1 byte of the article id even),
 * the only half the ranking weights were ever chosen on (`--search`), and
 * `held-out` (odd), which they never saw and the goals are measured on.
 *
 *   npm run eval:summary [-- --weights '{"position":1.2}'] [--search]
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seeded } from '../bench/lib/random.js';
import { type RougeScores, rouge } from '../bench/lib/rouge.js';
import { splitSentences } from '../shared/analysis/sentences.js';
import { DEFAULT_WEIGHTS, type RankingWeights, summarize } from '../shared/analysis/summarize.js';

const DATA = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');

const { values } = parseArgs({
  options: {
    weights: { type: 'string' },
    data: { type: 'string' },
    search: { type: 'boolean' },
  },
});
const path = values.data ?? DATA;
if (!existsSync(path)) {
  console.log(`Skipped: ${path} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}
const weights: RankingWeights = { ...DEFAULT_WEIGHTS, ...(values.weights ? JSON.parse(values.weights) : {}) };
type Row = { id: string; article: string; reference: string };
const rows = readFileSync(path, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Row);
const half = (row: Row) => ((createHash('sha1').update(row.id).digest()[0] as number) % 2 === 0 ? 'tune' : 'held-out');
const halves = { tune: rows.filter((r) => half(r) === 'tune'), 'held-out': rows.filter((r) => half(r) === 'held-out') };

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean).length;
/** The article's first `words` words: a lead exactly as long as a summary (its last sentence cut where the count ends). */
function lead(article: string, words: number): string {
  return splitSentences(article, 'en')
    .map((s) => s.text)
    .join(' ')
    .split(/\s+/)
    .slice(0, words)
    .join(' ');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
function score(set: Row[], system: (row: Row) => string): RougeScores & { words: number; each: RougeScores[] } {
  const scores = set.map((row) => rouge(system(row), row.reference));
  return {
    each: scores,
    rouge1: mean(scores.map((s) => s.rouge1)),
    rouge2: mean(scores.map((s) => s.rouge2)),
    rougeL: mean(scores.map((s) => s.rougeL)),
    words: mean(set.map((row) => wordsOf(system(row)))),
  };
}

function systems(w: RankingWeights) {
  const cache = new Map<string, ReturnType<typeof summarize>>();
  const summary = (row: Row) => {
    const known = cache.get(row.id);
    if (known) return known;
    const made = summarize(row.article, 'en', w);
    cache.set(row.id, made);
    return made;
  };
  return {
    'Lead-3 (baseline)': (row: Row) =>
      splitSentences(row.article, 'en')
        .slice(0, 3)
        .map((s) => s.text)
        .join(' '),
    'precis bullets (3–5)': (row: Row) => summary(row).bullets.join(' '),
    'lead, as long as the short': (row: Row) => lead(row.article, wordsOf(summary(row).short)),
    'precis short (≤60 words)': (row: Row) => summary(row).short,
  };
}

if (values.search) {
  // One parameter at a time from the weights in the code, on the tune half only: each is set to the value
  // with the best worst margin (bullets over Lead-3 and the short over its lead, on all three figures).
  const tune = halves.tune;
  const margin = (w: RankingWeights) => {
    const s = systems(w);
    const run = (name: keyof typeof s) => score(tune, s[name]);
    const worst = (a: RougeScores, b: RougeScores) =>
      Math.min(a.rouge1 - b.rouge1, a.rouge2 - b.rouge2, a.rougeL - b.rougeL);
    return Math.min(
      worst(run('precis bullets (3–5)'), run('Lead-3 (baseline)')),
      worst(run('precis short (≤60 words)'), run('lead, as long as the short')),
    );
  };
  const candidates: { [K in keyof RankingWeights]?: number[] } = {
    position: [1, 2, 3],
    positionDecay: [0.5, 1, 1.5],
    centroid: [0.25, 0.5, 1],
    centrality: [0.25, 0.5, 1],
    redundancy: [0.5, 0.9],
    dependent: [0, 0.3, 0.6],
    sentencesPerBullet: [8, 10, 15],
    long: [0, 0.5, 0.8],
    longWords: [40, 50, 60],
  };
  let best = { w: weights, m: margin(weights) };
  console.log(`tune half, worst margin of the weights in the code: ${(100 * best.m).toFixed(2)}`);
  for (const [key, values] of Object.entries(candidates) as [keyof RankingWeights, number[]][]) {
    for (const value of values) {
      if (value === best.w[key]) continue;
      const w = { ...best.w, [key]: value };
      const m = margin(w);
      if (m > best.m) best = { w, m };
    }
    console.log(`  ${key} = ${best.w[key]} (worst margin ${(100 * best.m).toFixed(2)})`);
  }
  console.log('chosen on the tune half:', JSON.stringify(best.w));
  process.exit(0);
}

/**
 * How often the margin survives other articles: the share of paired bootstrap
 * resamples of the half (seeded, so the same each run) in which the system is
 * above the baseline on all three figures.
 */
function robustness(system: RougeScores[], baseline: RougeScores[], rounds = 2000): string {
  const deltas = system.map((a, i) => {
    const b = baseline[i] as RougeScores;
    return [a.rouge1 - b.rouge1, a.rouge2 - b.rouge2, a.rougeL - b.rougeL] as const;
  });
  const random = seeded(15);
  let above = 0;
  for (let round = 0; round < rounds; round++) {
    const sum = [0, 0, 0];
    for (let i = 0; i < deltas.length; i++) {
      const d = deltas[Math.floor(random() * deltas.length)] as readonly number[];
      for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (d[k] as number);
    }
    if (sum.every((x) => x > 0)) above++;
  }
  return `above on all three in ${Math.round((100 * above) / rounds)} % of ${rounds.toLocaleString('en')} paired bootstrap resamples`;
}

const pct = (x: number) => (100 * x).toFixed(2).padStart(6);
for (const [name, set] of Object.entries(halves)) {
  console.log(
    `\nROUGE F1, ${name} half: ${set.length} CNN/DailyMail articles${name === 'tune' ? ' (the weights were chosen on these)' : ' (never used to choose anything)'}`,
  );
  console.log('system'.padEnd(30), 'R-1'.padStart(6), 'R-2'.padStart(6), 'R-L'.padStart(6), 'words'.padStart(6));
  const results = Object.fromEntries(
    Object.entries(systems(weights)).map(([system, run]) => [system, score(set, run)]),
  );
  for (const [system, r] of Object.entries(results)) {
    console.log(system.padEnd(30), pct(r.rouge1), pct(r.rouge2), pct(r.rougeL), r.words.toFixed(0).padStart(6));
  }
  if (name === 'held-out') {
    const beats = (a: RougeScores, b: RougeScores) =>
      (['rouge1', 'rouge2', 'rougeL'] as const).map(
        (k) => `${k} ${a[k] > b[k] ? '+' : ''}${(100 * (a[k] - b[k])).toFixed(2)}`,
      );
    type Scored = ReturnType<typeof score>;
    const bullets = results['precis bullets (3–5)'] as Scored;
    const lead3 = results['Lead-3 (baseline)'] as Scored;
    const short = results['precis short (≤60 words)'] as Scored;
    const sameLead = results['lead, as long as the short'] as Scored;
    const all = (a: RougeScores, b: RougeScores) => a.rouge1 > b.rouge1 && a.rouge2 > b.rouge2 && a.rougeL > b.rougeL;
    console.log(
      `\nGoal, bullets above Lead-3 on all three: ${all(bullets, lead3) ? 'met' : 'missed'} (${beats(bullets, lead3).join(', ')}; ${robustness(bullets.each, lead3.each)})`,
    );
    console.log(
      `Goal, short above the same-length lead on all three: ${all(short, sameLead) ? 'met' : 'missed'} (${beats(short, sameLead).join(', ')}; ${robustness(short.each, sameLead.each)})`,
    );
  }
}
