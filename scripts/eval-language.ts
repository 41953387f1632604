/**
 * Language detection accuracy on 200 sentences in each of 24 languages, per
 * language and on average, next to the published figures for other
 * detectors; then the same on whole articles (each language's sentences
 * joined), and the detector's import time and memory.
 *
 *   npm run eval:language [-- --errors LANG|all] [--data DIR] [--write-docs]
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';

const DATA = resolve(import.meta.dirname, '../../shared/eval-data/multilingual');
const { values } = parseArgs({
  options: { data: { type: 'string' }, errors: { type: 'string' }, 'write-docs': { type: 'boolean' } },
});
const dir = values.data ?? DATA;
if (!existsSync(resolve(dir, 'sentences-dev.jsonl'))) {
  console.log(`Skipped: ${dir} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}

const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const { detectLanguage, loadLanguageModels } = await import('../shared/cleaning/language.js');
await loadLanguageModels();
detectLanguage('warm up the detector with one sentence of English text.');
const importMs = performance.now() - t0;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
const rssMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;

const rows = readFileSync(resolve(dir, 'sentences-dev.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { id: string; lang: string; text: string });
const langs = [...new Set(rows.map((r) => r.lang))].sort();

const t1 = performance.now();
const perLang: Record<string, { ok: number; n: number; confusions: Map<string, number> }> = {};
for (const row of rows) {
  const got = detectLanguage(row.text) ?? 'none';
  const entry = perLang[row.lang] ?? { ok: 0, n: 0, confusions: new Map<string, number>() };
  perLang[row.lang] = entry;
  entry.n++;
  if (got === row.lang) entry.ok++;
  else entry.confusions.set(got, (entry.confusions.get(got) ?? 0) + 1);
  if (values.errors && got !== row.lang && (values.errors === 'all' || values.errors === row.lang)) {
    console.log(`  ${row.lang} → ${got}: ${row.text.slice(0, 100)}`);
  }
}
const msPerSentence = (performance.now() - t1) / rows.length;

console.log(`Language detection on ${rows.length} sentences (${dir})\n`);
console.log('lang  precis   confused with');
let sum = 0;
for (const lang of langs) {
  const e = perLang[lang] as { ok: number; n: number; confusions: Map<string, number> };
  const acc = (100 * e.ok) / e.n;
  sum += acc;
  const confused = [...e.confusions]
    .sort((a, b) => b[1] - a[1])
    .map(([l, n]) => `${l} ${n}`)
    .join(', ');
  console.log(`${lang.padEnd(5)} ${acc.toFixed(1).padStart(6)}   ${confused}`);
}
const mean = sum / langs.length;
console.log(`\nmean  ${mean.toFixed(2)}`);
// Whole articles: a language's sentences joined, in chunks of 10 sentences.
let articles = 0;
let articlesOk = 0;
for (const lang of langs) {
  const texts = rows.filter((r) => r.lang === lang).map((r) => r.text);
  for (let i = 0; i < texts.length; i += 10) {
    articles++;
    if (detectLanguage(texts.slice(i, i + 10).join(' ')) === lang) articlesOk++;
  }
}
const summary: FigureTable = {
  head: ['measure', 'precis', 'published, other detectors'],
  rows: [
    [
      `sentence accuracy, mean of ${langs.length} languages (${rows.length} sentences)`,
      `${mean.toFixed(1)} %`,
      'langdetect 99.0, Lingua high 97.9, langid 97.0, CLD3 96.1, CLD2 95.7',
    ],
    [`whole articles (10 sentences each, ${articles})`, `${((100 * articlesOk) / articles).toFixed(1)} %`, ''],
    ['import and first call', `${importMs.toFixed(0)} ms`, ''],
    ['memory (heap / RSS added)', `${heapMb.toFixed(1)} / ${rssMb.toFixed(1)} MB`, ''],
    ['time per sentence', `${msPerSentence.toFixed(2)} ms`, ''],
  ],
};
console.log(`\n${markdownTable(summary)}`);
if (values['write-docs']) {
  if (values.data) throw new Error('--write-docs writes the run on ../shared/eval-data only');
  writeFiguresAndSay({
    name: 'eval-language',
    command: 'npm run eval:language',
    measured: measuredHere(),
    tables: { summary },
  });
}
