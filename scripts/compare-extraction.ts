/**
 * `npm run compare:extraction`: whether a change to the cleaner helps on the
 * halves of the two public extraction sets that rules are written from, by
 * more than the folds' noise. Run it once before the change with --save, and
 * once after with --against the same file: it cleans the pages looked at
 * (ScrapingHub's 92, trafilatura's 443; the other halves are never read
 * here), and prints how many pages changed, each set's score before and
 * after, and the paired difference per fold (after − before on the same
 * pages, the folds of `npm run train:extractor`) with its 95 % interval.
 * With --list, the pages that changed and how their scores moved. The saved
 * file holds the pages' cleaned text: keep it outside the project (the
 * pages are the publishers'). Skips, saying why, without ../shared/eval-data.
 *
 *   npm run compare:extraction -- --save /tmp/before.json
 *   npm run compare:extraction -- --against /tmp/before.json [--list]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { type PageScore, scorePage, summarise } from '../bench/lib/shingles.js';
import { CLEANER_VERSION, cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { scrapinghubTune, trafilaturaTune } from './lib/extraction-halves.js';
import { FOLDS, foldOfPage, formatDifference, pairedDifference } from './lib/paired-folds.js';

const { values } = parseArgs({
  options: {
    save: { type: 'string' },
    against: { type: 'string' },
    list: { type: 'boolean' },
    data: { type: 'string' },
    trafilatura: { type: 'string' },
  },
});
const SH = values.data ?? resolve(import.meta.dirname, '../../shared/eval-data/extraction/scrapinghub-aeb');
const TRAF =
  values.trafilatura ?? resolve(import.meta.dirname, '../../shared/eval-data/extraction/trafilatura-eval-dev');
if (!existsSync(join(SH, 'ground-truth.json')) || !existsSync(join(TRAF, 'annotations.jsonl'))) {
  console.log(
    `Skipped: ${SH} or ${TRAF} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`,
  );
  process.exit(0);
}
if (!values.save === !values.against) {
  console.error('Give --save FILE (before a change) or --against FILE (after it).');
  process.exit(2);
}

interface Page {
  set: 'sh' | 'traf';
  id: string;
  file: string;
  gold?: string;
  with?: string[];
  without?: string[];
}
const pages: Page[] = [];
const truth = JSON.parse(readFileSync(join(SH, 'ground-truth.json'), 'utf8')) as Record<
  string,
  { articleBody: string }
>;
for (const name of readdirSync(join(SH, 'html'))
  .filter((f) => f.endsWith('.html.gz'))
  .sort()) {
  const id = name.replace('.html.gz', '');
  if (scrapinghubTune(id))
    pages.push({ set: 'sh', id, file: join(SH, 'html', name), gold: truth[id]?.articleBody ?? '' });
}
for (const line of readFileSync(join(TRAF, 'annotations.jsonl'), 'utf8').split('\n').filter(Boolean)) {
  const a = JSON.parse(line) as { id: string; html_file: string; with: string[]; without: string[] };
  if (trafilaturaTune(a.id))
    pages.push({ set: 'traf', id: a.id, file: join(TRAF, a.html_file), with: a.with, without: a.without });
}

await loadLanguageModels();
const key = (p: Page) => `${p.set}:${p.id}`;
const texts: Record<string, string> = {};
for (const page of pages) {
  try {
    texts[key(page)] = cleanDocument(gunzipSync(readFileSync(page.file)), { name: 'page.html' }).text;
  } catch {
    texts[key(page)] = '';
  }
}
if (values.save) {
  writeFileSync(values.save, JSON.stringify({ cleanerVersion: CLEANER_VERSION, texts }));
  console.log(`Saved the cleaned text of ${pages.length} pages looked at (${CLEANER_VERSION}) to ${values.save}.`);
  process.exit(0);
}

const saved = JSON.parse(readFileSync(values.against as string, 'utf8')) as {
  cleanerVersion: string;
  texts: Record<string, string>;
};
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
/** A page's score: ScrapingHub's precision and recall, or trafilatura's counts of segments. */
type Score = { sh: PageScore } | { counts: [tp: number, fp: number, fn: number] };
function score(page: Page, text: string): Score {
  if (page.set === 'sh') return { sh: scorePage(page.gold ?? '', text) };
  const out = collapse(text);
  const missed = (page.with ?? []).filter((s) => !out.includes(collapse(s))).length;
  const found = (page.without ?? []).filter((s) => out.includes(collapse(s))).length;
  return { counts: [(page.with?.length ?? 0) - missed, found, missed] };
}
/** ScrapingHub's F1 and trafilatura's F over some pages' scores. */
function sets(scores: Score[]): { sh: number; traf: number } {
  const sh = scores.flatMap((s) => ('sh' in s ? [s.sh] : []));
  let [tp, fp, fn] = [0, 0, 0];
  for (const s of scores) if ('counts' in s) [tp, fp, fn] = [tp + s.counts[0], fp + s.counts[1], fn + s.counts[2]];
  const p = tp / Math.max(1, tp + fp);
  const r = tp / Math.max(1, tp + fn);
  return { sh: sh.length ? summarise(sh).f1 : 0, traf: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}
const before = pages.map((p) => score(p, saved.texts[key(p)] ?? ''));
const after = pages.map((p) => score(p, texts[key(p)] ?? ''));
const changed = pages.filter((p) => (saved.texts[key(p)] ?? '') !== texts[key(p)]);
const fold = pages.map((p) => foldOfPage(p.id));
const byFold = (scores: Score[]) =>
  Array.from({ length: FOLDS }, (_, k) => sets(scores.filter((_, i) => fold[i] === k)));
const [foldsBefore, foldsAfter] = [byFold(before), byFold(after)];
const [all0, all1] = [sets(before), sets(after)];
console.log(
  `${changed.length} of ${pages.length} pages looked at changed (${saved.cleanerVersion} saved, ${CLEANER_VERSION} now).`,
);
for (const [set, name] of [
  ['sh', 'ScrapingHub F1'],
  ['traf', 'trafilatura F'],
] as const) {
  const difference = pairedDifference(
    foldsBefore.map((f) => f[set]),
    foldsAfter.map((f) => f[set]),
  );
  console.log(`${name} ${all0[set].toFixed(4)} to ${all1[set].toFixed(4)}, per fold ${formatDifference(difference)}`);
}
if (values.list) {
  for (const page of changed) {
    const [b, a] = [before[pages.indexOf(page)], after[pages.indexOf(page)]] as [Score, Score];
    const moved =
      'sh' in b && 'sh' in a
        ? `P ${b.sh.precision.toFixed(2)} to ${a.sh.precision.toFixed(2)}, R ${b.sh.recall.toFixed(2)} to ${a.sh.recall.toFixed(2)}`
        : 'counts' in b && 'counts' in a
          ? `TP/FP/FN ${b.counts.join('/')} to ${a.counts.join('/')}`
          : '';
    console.log(`  ${page.set} ${page.id.slice(0, 12)} ${moved}`);
  }
}
