/**
 * Times cleaning on each hostile upload (tests/helpers/hostile.ts) and
 * measures its peak memory, each in a fresh process so that one input's
 * memory is not another's:
 *
 *   npm run hostile [-- --only deep-divs,md-stars] [--timeout 60] [--heap 4096] [--worker] [--out FILE]
 *   npm run hostile -- --engine [--only titles]
 *   npm run hostile -- --write-docs [--before FILE]
 *
 * With --engine it times the offline engine instead (summary and claims) on
 * each hostile cleaned text (HOSTILE_TEXTS), each in a fresh process too.
 *
 * Cleaning is the library's, in the measuring process (cleanDocument), or
 * with --worker as the ingest function cleans: in a warm worker thread with
 * its 512 MB heap cap (lambdas/ingest/worker-cleaner.ts). A process that runs
 * past --timeout seconds is killed and reported so; one that exhausts its
 * --heap (MB) is reported as out of memory. Prints a Markdown table: input,
 * outcome (code), seconds, peak RSS of the whole process. --out keeps the
 * run's figures as JSON, so that a run of an earlier checkout can be the
 * "before" of a later one. --write-docs measures both ways (in process and in
 * the worker), beside --before's figures where given, and writes the table
 * into docs/configuration.md (scripts/lib/doc-figures.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HOSTILE_INPUTS, HOSTILE_TEXTS, TERMINAL_CONTROLS } from '../tests/helpers/hostile.js';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    timeout: { type: 'string', default: '60' },
    heap: { type: 'string', default: '4096' },
    one: { type: 'string' },
    worker: { type: 'boolean', default: false },
    engine: { type: 'boolean', default: false },
    out: { type: 'string' },
    before: { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
  },
});

interface Measured {
  outcome: string;
  ms: number;
  peakMb: number;
}

if (values.one && values.engine) {
  // The child: analyse one hostile text with the offline engine, and say what it cost.
  const input = HOSTILE_TEXTS.find((i) => i.name === values.one);
  if (!input) throw new Error(`no hostile text named ${values.one}`);
  const { OfflineEngine } = await import('../shared/analysis/offline-engine.js');
  const text = input.text();
  process.stdout.write('ready\n');
  const started = performance.now();
  let outcome: string;
  try {
    const result = await new OfflineEngine().analyze(
      { text, language: 'en', title: null, publishedAt: null, contentHash: 'hostile' },
      { targetLanguages: [] },
    );
    outcome = `analysed (${result.summary.bullets.length} bullets, ${result.claims.length} claims)`;
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message.slice(0, 60)}`;
  }
  const ms = performance.now() - started;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ outcome, ms, peakMb } satisfies Measured)}\n`);
  process.exit(0);
}

if (values.one) {
  // The child: clean one input in process, as the library does, and say what it cost.
  const input = HOSTILE_INPUTS.find((i) => i.name === values.one);
  if (!input) throw new Error(`no hostile input named ${values.one}`);
  const { toErrorInfo } = await import('../shared/errors.js');
  // In process, the library; with --worker, the ingest function's worker and nothing of cleaning in this thread.
  type Cleaned = { wordCount: number; text: string; title: string | null; byline: string | null; site: string | null };
  let clean: (bytes: Uint8Array, request: { name: string; maxWords: number }) => Promise<Cleaned>;
  let close = async () => {};
  if (values.worker) {
    const { WorkerCleaner } = await import('../lambdas/ingest/worker-cleaner.js');
    const { CLEANER_HEAP_MB } = await import('../lambdas/ingest/deps.js');
    const worker = new WorkerCleaner({ workers: 1, heapMb: CLEANER_HEAP_MB });
    await worker.warm();
    clean = (bytes, request) => worker.clean(bytes, { ...request, budgetMs: 50_000, endBy: Date.now() + 50_000 });
    close = () => worker.close();
  } else {
    const { cleanDocument, loadLanguageModels } = await import('../shared/cleaning/index.js');
    await loadLanguageModels();
    clean = async (bytes, request) => cleanDocument(bytes, request);
  }
  const bytes = input.bytes();
  // The parent's clock starts here: loading the models (and starting the worker) is not cleaning.
  process.stdout.write('ready\n');
  const started = performance.now();
  let outcome: string;
  try {
    const cleaned = await clean(bytes, { name: input.file, maxWords: 100_000 });
    const { text, title, byline, site } = cleaned;
    const controls = [text, title, byline, site].join('').match(new RegExp(TERMINAL_CONTROLS, 'g'))?.length ?? 0;
    outcome = `cleaned (${cleaned.wordCount} words, ${controls} terminal control characters kept)`;
  } catch (error) {
    outcome = toErrorInfo(error).code;
    if (outcome === 'INTERNAL_ERROR')
      outcome += ` (${(error as Error).name}: ${(error as Error).message.slice(0, 60)})`;
  }
  const ms = performance.now() - started;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ outcome, ms, peakMb } satisfies Measured)}\n`);
  await close();
  process.exit(0);
}

const timeoutMs = Number(values.timeout) * 1000;
const only = values.only?.split(',');
const inputs = (values.engine ? HOSTILE_TEXTS : HOSTILE_INPUTS).filter((i) => !only || only.includes(i.name));

function measure(name: string, worker: boolean): Promise<Measured> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${values.heap}`,
        '--import',
        'tsx',
        resolve(import.meta.dirname, 'hostile.ts'),
        '--one',
        name,
        ...(worker ? ['--worker'] : []),
        ...(values.engine ? ['--engine'] : []),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    let started = performance.now();
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!timer && out.includes('ready\n')) {
        started = performance.now();
        timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    // The kernel's high-water mark of the child's memory, read while it runs: known even if it is killed.
    let peakMb = Number.NaN;
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakMb = Number(hwm[1]) / 1024;
      } catch {
        // Not Linux, or the child has just exited.
      }
    }, 100);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sample);
      const ms = performance.now() - started;
      const line = out.trim().split('\n').at(-1);
      if (code === 0 && line) return done(JSON.parse(line) as Measured);
      if (signal === 'SIGKILL') return done({ outcome: `killed after ${values.timeout} s`, ms, peakMb });
      const oom = /heap out of memory|Reached heap limit/.test(err);
      const outcome = oom ? `process died: heap out of memory (${values.heap} MB)` : `process died (${code ?? signal})`;
      done({ outcome, ms, peakMb });
    });
  });
}

const peak = (m: Measured) =>
  Number.isNaN(m.peakMb) ? '—' : `${m.outcome.startsWith('killed') ? '≥ ' : ''}${Math.round(m.peakMb)} MB`;
const seconds = (m: Measured) => `${(m.ms / 1000).toFixed(2)} s`;
const what = (name: string) => {
  const input = (values.engine ? HOSTILE_TEXTS : HOSTILE_INPUTS).find((i) => i.name === name);
  return input ? `${input.name}: ${input.what.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}` : name;
};

/** Each input measured one after the other, a line printed as each ends. */
async function run(worker: boolean): Promise<Record<string, Measured>> {
  const measured: Record<string, Measured> = {};
  for (const input of inputs) {
    const m = await measure(input.name, worker);
    measured[input.name] = m;
    const where = values.engine ? 'the offline engine' : worker ? 'in the worker' : 'in process';
    console.error(`${where}: ${input.name} ${m.outcome}, ${seconds(m)}, ${peak(m)}`);
  }
  return measured;
}

if (!values['write-docs']) {
  const measured = await run(values.worker);
  console.log(
    markdownTable({
      head: ['input', 'outcome', values.engine ? 'analysis' : 'cleaning', 'peak RSS'],
      rows: Object.entries(measured).map(([name, m]) => [what(name), m.outcome, seconds(m), peak(m)]),
    }),
  );
  if (values.out) writeFileSync(values.out, `${JSON.stringify(measured, null, 2)}\n`);
} else {
  if (values.only || values.engine)
    throw new Error('--write-docs measures every upload; leave --only and --engine out');
  const before = values.before
    ? (JSON.parse(readFileSync(values.before, 'utf8')) as Record<string, Measured>)
    : undefined;
  const inProcess = await run(false);
  const inWorker = await run(true);
  const cells = (m: Measured | undefined) => (m ? [m.outcome, seconds(m), peak(m)] : ['—', '—', '—']);
  const inputsTable: FigureTable = {
    head: [
      'input',
      ...(before ? ['before: outcome', 'before: time', 'before: peak RSS'] : []),
      'outcome',
      'time',
      'peak RSS',
      'in the worker: outcome',
      'in the worker: time',
      'in the worker: peak RSS',
    ],
    rows: inputs.map((i) => [
      what(i.name),
      ...(before ? cells(before[i.name]) : []),
      ...cells(inProcess[i.name]),
      ...cells(inWorker[i.name]),
    ]),
  };
  console.log(markdownTable(inputsTable));
  writeFiguresAndSay({
    name: 'hostile',
    command: `npm run hostile${values.before ? ` -- --before ${values.before}` : ''}`,
    measured: measuredHere(),
    tables: { inputs: inputsTable },
  });
}
