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
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { type PageScore, scorePage } from '../bench/lib/shingles.js';
import { CLEANER_VERSION, cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import {
  EXTRACTION_DATA,
  lookedAtPages,
  type LookedAtPage as Page,
  skipWithoutExtractionData,
} from './lib/extraction-halves.js';
import { type SegmentCounts, segmentCounts, setScores } from './lib/extraction-scores.js';
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
const SH = values.data ?? EXTRACTION_DATA.scrapinghub;
const TRAF = values.trafilatura ?? EXTRACTION_DATA.trafilatura;
skipWithoutExtractionData(SH, TRAF);
if (!values.save === !values.against) {
  console.error('Give --save FILE (before a change) or --against FILE (after it).');
  process.exit(2);
}

const pages = lookedAtPages(SH, TRAF);

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
/** A page's score: ScrapingHub's precision and recall, or trafilatura's counts of segments. */
type Score = { sh: PageScore } | { counts: SegmentCounts };
function score(page: Page, text: string): Score {
  return page.set === 'sh' ? { sh: scorePage(page.gold ?? '', text) } : { counts: segmentCounts(page, text) };
}
/** ScrapingHub's F1 and trafilatura's F over some pages' scores. */
function sets(scores: Score[]): { sh: number; traf: number } {
  return setScores(
    scores.flatMap((s) => ('sh' in s ? [s.sh] : [])),
    scores.flatMap((s) => ('counts' in s ? [s.counts] : [])),
  );
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
const counted = ({ tp, fp, fn }: SegmentCounts) => `${tp}/${fp}/${fn}`;
if (values.list) {
  for (const page of changed) {
    const [b, a] = [before[pages.indexOf(page)], after[pages.indexOf(page)]] as [Score, Score];
    const moved =
      'sh' in b && 'sh' in a
        ? `P ${b.sh.precision.toFixed(2)} to ${a.sh.precision.toFixed(2)}, R ${b.sh.recall.toFixed(2)} to ${a.sh.recall.toFixed(2)}`
        : 'counts' in b && 'counts' in a
          ? `TP/FP/FN ${counted(b.counts)} to ${counted(a.counts)}`
          : '';
    console.log(`  ${page.set} ${page.id.slice(0, 12)} ${moved}`);
  }
}
