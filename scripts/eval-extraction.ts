/**
 * Cleaning quality on the article-extraction benchmark (181 news and blog
 * pages): `precis clean` over the pages, scored exactly as the benchmark
 * scores (4-token shingles), next to the published anchors; then on
 * trafilatura's multilingual benchmark (its dev part, scored by its method);
 * each against its goal; then the speed of the cleaner per page here.
 *
 *   npm run eval:extraction [-- --below 0.8]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { type PageScore, scorePage, summarise } from '../bench/lib/shingles.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { type FigureTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';
import { EXTRACTION_DATA, scrapinghubTune, trafilaturaTune } from './lib/extraction-halves.js';
import { pooledF, segmentCounts } from './lib/extraction-scores.js';

const DATA = EXTRACTION_DATA.scrapinghub;
const TRAFILATURA = EXTRACTION_DATA.trafilatura;
const { values } = parseArgs({
  options: {
    below: { type: 'string', default: '0.8' },
    data: { type: 'string' },
    trafilatura: { type: 'string' },
    'write-docs': { type: 'boolean' },
  },
});
/** The tables docs/api.md shows, as this run fills them. */
const tables: Record<'scrapinghub' | 'trafilatura', FigureTable> = {
  scrapinghub: { head: ['system', 'F1', 'precision', 'recall'], rows: [] },
  trafilatura: { head: ['system', 'F', 'precision', 'recall'], rows: [] },
};
const figure = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(3));
/** The two halves as rows: the one the rules are written from, and the one they are checked on. */
const halfRows = (table: FigureTable, tune: number, tuneN: number, held: number, heldN: number) =>
  table.rows.push(
    [`precis clean, the half rules are written from (${tuneN} pages)`, figure(tune), '—', '—'],
    [`precis clean, the half not looked at (${heldN} pages)`, figure(held), '—', '—'],
  );
/** The goals: F1 on ScrapingHub's pages, F on trafilatura's multilingual set. */
const GOALS = { scrapinghub: 0.975, trafilatura: 0.93 };
const dir = values.data ?? DATA;
if (!existsSync(join(dir, 'ground-truth.json'))) {
  console.log(`Skipped: ${dir} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}

const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as Record<
  string,
  { articleBody: string; url?: string }
>;
const pages = mkdtempSync(join(tmpdir(), 'precis-aeb-'));
try {
  const ids = readdirSync(join(dir, 'html'))
    .filter((f) => f.endsWith('.html.gz'))
    .map((f) => f.replace('.html.gz', ''));
  for (const id of ids)
    writeFileSync(join(pages, `${id}.html`), gunzipSync(readFileSync(join(dir, 'html', `${id}.html.gz`))));

  // Quality: the precis command itself, as a user runs it on a folder.
  const bin = resolve(import.meta.dirname, '../bin/precis.js');
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'clean', pages], {
    maxBuffer: 1 << 28,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const output = new Map<string, { text?: string; error?: { code: string } }>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const record = JSON.parse(line) as { file: string; text?: string; error?: { code: string } };
    output.set(record.file.split('/').at(-1)?.replace('.html', '') ?? '', record);
  }
  const scored: (PageScore & { id: string; error?: string })[] = ids.map((id) => {
    const record = output.get(id);
    return { id, error: record?.error?.code, ...scorePage(truth[id]?.articleBody ?? '', record?.text ?? '') };
  });
  const s = summarise(scored);
  const row = (name: string, f1: number, p?: number, r?: number) => {
    tables.scrapinghub.rows.push([name, figure(f1), figure(p), figure(r)]);
    console.log(
      `${name.padEnd(26)} ${f1.toFixed(3)}  ${p === undefined ? '  -  ' : p.toFixed(3)}  ${r === undefined ? '  -  ' : r.toFixed(3)}`,
    );
  };
  console.log(`Article body extraction on ${ids.length} pages (${dir})\n`);
  console.log(`${'system'.padEnd(30)} F1     P      R`);
  row('precis clean', s.f1, s.precision, s.recall);
  // The starting point, in this run: plain Readability.js on linkedom, its textContent as the body.
  const plainScores = ids.map((id) => {
    const { document } = parseHTML(readFileSync(join(pages, `${id}.html`), 'utf8'));
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
    return { id, ...scorePage(truth[id]?.articleBody ?? '', article?.textContent ?? '') };
  });
  const plain = summarise(plainScores);
  row('Readability.js on linkedom, plain (same run)', plain.f1, plain.precision, plain.recall);
  row('trafilatura 2.0.0 (published)', 0.958, 0.938, 0.978);
  row('Readability.js 0.6.0 (published)', 0.947, 0.914, 0.982);
  row('newspaper4k 0.9.3.1 (published)', 0.949, 0.964, 0.934);
  row('whole-page text (published)', 0.665, 0.499, 0.994);
  console.log(goal('ScrapingHub F1', s.f1, GOALS.scrapinghub));
  const tuneScores = scored.filter((x) => scrapinghubTune(x.id));
  const heldScores = scored.filter((x) => !scrapinghubTune(x.id));
  console.log(halves(summarise(tuneScores).f1, tuneScores.length, summarise(heldScores).f1, heldScores.length));
  console.log(
    splitDifficulty(
      summarise(plainScores.filter((x) => scrapinghubTune(x.id))).f1,
      summarise(plainScores.filter((x) => !scrapinghubTune(x.id))).f1,
    ),
  );
  halfRows(
    tables.scrapinghub,
    summarise(tuneScores).f1,
    tuneScores.length,
    summarise(heldScores).f1,
    heldScores.length,
  );
  const below = (key: 'precision' | 'recall') => scored.filter((x) => x[key] < 0.9).length;
  console.log(
    `Where precis misses: precision ${s.precision.toFixed(3)} (text the benchmark leaves out; ${below('precision')} pages below 0.9), ` +
      `recall ${s.recall.toFixed(3)} (${below('recall')} pages below 0.9; ${scored.filter((x) => x.error).length} refused).`,
  );

  const threshold = Number(values.below);
  const weak = scored
    .map((x) => ({
      ...x,
      f1: x.precision + x.recall === 0 ? 0 : (2 * x.precision * x.recall) / (x.precision + x.recall),
    }))
    // Only the half looked at: the pages of the other half stay unread, so that it still predicts unseen pages.
    .filter((x) => x.f1 < threshold && scrapinghubTune(x.id))
    .sort((a, b) => a.f1 - b.f1);
  console.log(`\nPages below F1 ${threshold} in the half looked at: ${weak.length}`);
  for (const x of weak) {
    console.log(
      `  ${x.id.slice(0, 12)} F1 ${x.f1.toFixed(2)} P ${x.precision.toFixed(2)} R ${x.recall.toFixed(2)}${x.error ? ` ${x.error}` : ''}  ${truth[x.id]?.url ?? ''}`,
    );
  }

  await loadLanguageModels();
  trafilaturaSet(values.trafilatura ?? TRAFILATURA);

  // Speed: the cleaner in process, warm, one page at a time.
  const html = ids.map((id) => readFileSync(join(pages, `${id}.html`)));
  for (const bytes of html.slice(0, 20)) tryClean(bytes);
  const times: number[] = [];
  const started = performance.now();
  for (const bytes of html) {
    const t0 = performance.now();
    tryClean(bytes);
    times.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  if (values['write-docs']) {
    if (values.data || values.trafilatura) throw new Error('--write-docs writes the run on ../shared/eval-data only');
    writeFiguresAndSay({
      name: 'eval-extraction',
      command: 'npm run eval:extraction',
      measured: measuredHere(),
      tables,
    });
  }
  console.log(
    `\nSpeed: median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms per page, ${((ids.length / total) * 1000).toFixed(1)} pages/s (one core, Node ${process.version})`,
  );
} finally {
  rmSync(pages, { recursive: true, force: true });
}

function tryClean(bytes: Uint8Array) {
  try {
    cleanDocument(bytes, { name: 'page.html' });
  } catch {
    // Refused pages count in the timing too.
  }
}

/** The two halves side by side: rules are written from the first; the second says whether they hold. */
function halves(tune: number, tuneN: number, held: number, heldN: number): string {
  const gap = tune - held;
  return (
    `Halves: looked at ${tune.toFixed(4)} (${tuneN} pages), not looked at ${held.toFixed(4)} (${heldN} pages); ` +
    `gap ${gap.toFixed(4)} (${Math.abs(gap) <= 0.01 ? 'within' : 'past'} 0.01)`
  );
}

/**
 * The same halves read by plain Readability, which no one tuned on either: how much harder one
 * half is than the other by the split alone, for a gap of precis's to be read against.
 */
function splitDifficulty(tune: number, held: number): string {
  return `Plain Readability on the same halves (the split's own difficulty): ${tune.toFixed(4)} and ${held.toFixed(4)}; gap ${(tune - held).toFixed(4)}`;
}

function goal(name: string, value: number, target: number): string {
  return value >= target
    ? `Goal met: ${name} ${value.toFixed(3)} ≥ ${target}.`
    : `Goal missed: ${name} ${value.toFixed(3)} < ${target} (by ${(target - value).toFixed(3)}).`;
}

/**
 * trafilatura's own benchmark, scored by its method: white space collapsed
 * in both, each \`with\` segment found in the output a true positive (else a
 * false negative), each \`without\` segment found a false positive; counts
 * pooled over the pages. precis in process (cleanDocument), next to plain
 * Readability.js on linkedom in the same run.
 */
function trafilaturaSet(dir: string): void {
  const file = join(dir, 'annotations.jsonl');
  if (!existsSync(file)) {
    console.log(`\nSkipped trafilatura's set: ${file} is absent.`);
    return;
  }
  type Annotation = { id: string; html_file: string; with: string[]; without: string[] };
  const pages = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Annotation);
  /** Where the misses are: pages refused, pages read from the wrong part (every `with` segment missed), the rest. */
  const misses = { refused: 0, refusedFn: 0, wrongPart: 0, wrongPartFn: 0, partialFn: 0, fp: 0 };
  const count = (extract: (html: Buffer) => string | null, tally = false) => {
    let tp = 0;
    let fn = 0;
    let fp = 0;
    const half = { tune: { tp: 0, fp: 0, fn: 0, n: 0 }, held: { tp: 0, fp: 0, fn: 0, n: 0 } };
    for (const page of pages) {
      const text = extract(gunzipSync(readFileSync(join(dir, page.html_file))));
      const { fp: found, fn: missed } = segmentCounts(page, text ?? '');
      tp += page.with.length - missed;
      fn += missed;
      fp += found;
      const h = trafilaturaTune(page.id) ? half.tune : half.held;
      h.tp += page.with.length - missed;
      h.fp += found;
      h.fn += missed;
      h.n += 1;
      if (!tally) continue;
      misses.fp += found;
      if (text === null) [misses.refused, misses.refusedFn] = [misses.refused + 1, misses.refusedFn + missed];
      else if (missed > 0 && missed === page.with.length)
        [misses.wrongPart, misses.wrongPartFn] = [misses.wrongPart + 1, misses.wrongPartFn + missed];
      else misses.partialFn += missed;
    }
    const [tune, held] = [half.tune, half.held].map((x) => ({ ...pooledF(x), n: x.n }));
    return {
      ...pooledF({ tp, fp, fn }),
      tune: tune as { f: number; n: number },
      held: held as { f: number; n: number },
    };
  };
  const precis = count((html) => {
    try {
      return cleanDocument(html, { name: 'page.html' }).text;
    } catch {
      return null;
    }
  }, true);
  const plain = count((html) => {
    try {
      const { document } = parseHTML(new TextDecoder().decode(html));
      const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
      return article?.textContent ?? '';
    } catch {
      return '';
    }
  });
  const line = (name: string, x: { f: number; p?: number; r?: number }) => {
    tables.trafilatura.rows.push([name, figure(x.f), figure(x.p), figure(x.r)]);
    console.log(
      `${name.padEnd(30)} ${x.f.toFixed(3)}  ${x.p === undefined ? '  -  ' : x.p.toFixed(3)}  ${x.r === undefined ? '  -  ' : x.r.toFixed(3)}`,
    );
  };
  console.log(`\ntrafilatura's multilingual benchmark, ${pages.length} pages (${dir})\n`);
  console.log(`${'system'.padEnd(30)} F      P      R`);
  line('precis clean', precis);
  line('Readability.js on linkedom, plain (same run)', plain);
  line('trafilatura 2.2.0 (published, all 990)', { f: 0.924, p: 0.906, r: 0.943 });
  line('readability-lxml (published, all 990)', { f: 0.826 });
  console.log(goal("trafilatura's set F", precis.f, GOALS.trafilatura));
  console.log(halves(precis.tune.f, precis.tune.n, precis.held.f, precis.held.n));
  console.log(splitDifficulty(plain.tune.f, plain.held.f));
  halfRows(tables.trafilatura, precis.tune.f, precis.tune.n, precis.held.f, precis.held.n);
  console.log(
    `Where precis misses: ${misses.refused} pages refused (NO_ARTICLE_TEXT; ${misses.refusedFn} segments), ` +
      `${misses.wrongPart} pages read from the wrong part of the page (every segment missed; ${misses.wrongPartFn}), ` +
      `${misses.partialFn} segments missed on pages otherwise found, ${misses.fp} boilerplate segments kept.`,
  );
}
