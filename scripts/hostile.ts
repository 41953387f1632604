/**
 * Times cleaning on each hostile upload (tests/helpers/hostile.ts) and
 * measures its peak memory, each in a fresh process so that one input's
 * memory is not another's:
 *
 *   npm run hostile [-- --only deep-divs,md-stars] [--timeout 60] [--heap 4096] [--worker]
 *
 * Cleaning is the library's, in the measuring process (cleanDocument), or
 * with --worker as the ingest function cleans: in a warm worker thread with
 * its 512 MB heap cap (lambdas/ingest/worker-cleaner.ts). A process that runs
 * past --timeout seconds is killed and reported so; one that exhausts its
 * --heap (MB) is reported as out of memory. Prints a Markdown table: input,
 * outcome (code), seconds, peak RSS of the whole process.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HOSTILE_INPUTS, TERMINAL_CONTROLS } from '../tests/helpers/hostile.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    timeout: { type: 'string', default: '60' },
    heap: { type: 'string', default: '4096' },
    one: { type: 'string' },
    worker: { type: 'boolean', default: false },
  },
});

interface Measured {
  outcome: string;
  ms: number;
  peakMb: number;
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
const inputs = HOSTILE_INPUTS.filter((i) => !only || only.includes(i.name));

function measure(name: string): Promise<Measured> {
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

console.log('| input | outcome | cleaning | peak RSS |');
console.log('| --- | --- | --- | --- |');
for (const input of inputs) {
  const m = await measure(input.name);
  const peak = Number.isNaN(m.peakMb) ? '—' : `${m.outcome.startsWith('killed') ? '≥ ' : ''}${Math.round(m.peakMb)} MB`;
  console.log(`| ${input.name}: ${input.what} | ${m.outcome} | ${(m.ms / 1000).toFixed(2)} s | ${peak} |`);
}
