/**
 * The soak: many uploads through the local stack (`npm start`, as a child
 * process) against the stub LLM (answering at once) injecting faults, with
 * the stack killed (SIGKILL) and restarted along the way, DynamoDB down for a
 * while, and some texts uploaded twice at once under two keys. It prints what
 * became of every upload; the throughput (articles ended each minute, and a
 * second overall); the stack's memory (RSS) once 200 articles have ended and
 * once all have, and its CPU per article; the time from upload to end (p50,
 * p95, max); and how fast the API answered meanwhile. It exits non-zero
 * unless none was lost, none is stuck, no text was paid for twice and every
 * upload ended within `--timeout` seconds of the last one.
 *
 *   npm run soak -- --articles 2000 --rate 6 --burst 100 --crash 2 --outage dynamo:20
 *                   [--fault-rate 0.2] [--timeout 300] [--concurrency N] [--seed 1] [--max-paid-twice 0]
 *                   [--cpu-prof DIR] [--heap-prof DIR] [--stack-log FILE] [--write-docs]
 *
 * Uploads go up in bursts of `--burst` at once, `--rate` a second on average
 * (a burst every burst/rate seconds); `--rate 0` uploads one after the other
 * as fast as the stack takes them. The kills fall at even shares of the
 * uploads, the outage (`dynamo:S` or `s3:S`, S seconds) half-way.
 *
 * Faults, each as likely as the others: 429 with a Retry-After of 1 s, 500,
 * 503, a dropped connection, a slow answer (3 s), JSON cut short, JSON of the
 * wrong shape, a refusal. "Paid twice" counts texts for which the model gave
 * more than one good analysis answer (repairs of bad answers are not good
 * answers; twins share one text), except a text asked again because the
 * stack was killed while its first ask was in flight: that answer was billed
 * but never arrived, and is counted apart.
 */
import '../local/process-env.js';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS } from '../local/stack.js';
import { killLocalProcess, startLocalProcess } from '../tests/helpers/local-process.js';
import { startStubOpenAI } from '../tests/helpers/stub-openai.js';
import { CALL_TIMEOUT_MS, PaidTwice } from './lib/soak-faults.js';
import { runOptions, writeSoakFigures } from './lib/soak-figures.js';
import { startApiProbe } from './lib/soak-probe.js';
import { cpuSeconds, loadAverage, percentile, perMinute, rssMb, TerminalEvents } from './lib/soak-watch.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '60' },
    rate: { type: 'string', default: '0' },
    burst: { type: 'string', default: '1' },
    'fault-rate': { type: 'string', default: '0.2' },
    crash: { type: 'string', default: '1' },
    outage: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    /** Articles analysed at once (PRECIS_ANALYZE_CONCURRENCY); the stack's default when absent. */
    concurrency: { type: 'string' },
    seed: { type: 'string', default: '1' },
    /** A folder for CPU profiles of the stack (`node --cpu-prof`); the stack is then stopped, not killed, at the end. */
    'cpu-prof': { type: 'string' },
    /** A folder for sampling heap profiles of the stack (`node --heap-prof`): what is still held when it stops. */
    'heap-prof': { type: 'string' },
    /** A file the stack's output (every start's) is appended to, for reading what it did. */
    'stack-log': { type: 'string' },
    /** Keep this run's row in docs/figures/soak.json and write the Guarantees table (scripts/lib/soak-figures.ts). */
    'write-docs': { type: 'boolean' },
    /** Texts paid for twice that still pass (default 0). */
    'max-paid-twice': { type: 'string', default: '0' },
  },
});
const ARTICLES = Number(values.articles);
const RATE = Number(values.rate);
const BURST = Math.max(1, Number(values.burst));
const CRASHES = Number(values.crash);
const TIMEOUT_MS = Number(values.timeout) * 1000;
const OUTAGE = (() => {
  if (!values.outage) return null;
  const [part, seconds] = values.outage.split(':');
  const emulator = part === 'dynamo' || part === 'dynamodb' ? 'dynamodb' : part === 's3' ? 's3' : null;
  if (!emulator || !(Number(seconds) > 0))
    throw new Error(`--outage takes dynamo:SECONDS or s3:SECONDS, not ${values.outage}`);
  return { emulator, ms: Number(seconds) * 1000 };
})();
const TERMINAL = ['DONE', 'PARTIAL', 'FAILED'];

interface Stack {
  child: ChildProcess;
  /** What the stack printed (its start, then the most recent lines). */
  output: () => string;
  s3: S3Client;
  api: string;
  apiKey: string;
}

async function start(dataDir: string, baseURL: string): Promise<Stack> {
  const env = {
    PRECIS_DATA_DIR: dataDir,
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: 'sk-soak',
    PRECIS_LLM_PROVIDER: 'openai',
    TARGET_LANGUAGES: 'fr',
    PRECIS_LLM_RETRIES: '1',
    // A call's timeout and an article's budget far above the slow fault (3 s), so a loaded machine does not
    // turn a slow answer into a timeout and a second, paid ask; the budget stays under the lease.
    PRECIS_LLM_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
    PRECIS_INGEST_LEASE_MS: '15000',
    PRECIS_ANALYZE_LEASE_MS: '60000',
    PRECIS_ARTICLE_BUDGET_MS: '50000',
    // The sweep drives what a kill left stuck a minute or two later; each run reads every upload, so not too often.
    PRECIS_SWEEP_INTERVAL_MS: '60000',
    PRECIS_SWEEP_STALE_MS: '60000',
    ...(values.concurrency ? { PRECIS_ANALYZE_CONCURRENCY: values.concurrency } : {}),
  };
  // An outage needs the stack to take orders: `npm start` with a control channel.
  const cpuProfile = values['cpu-prof'];
  const heapProfile = values['heap-prof'];
  const stack = await startLocalProcess(env, {
    entry: OUTAGE ? 'scripts/soak-stack.ts' : undefined,
    nodeArgs: [
      ...(cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', resolve(cpuProfile)] : []),
      ...(heapProfile ? ['--heap-prof', '--heap-prof-dir', resolve(heapProfile)] : []),
    ],
  });
  const log = values['stack-log'];
  if (log) {
    // What it printed while starting (repairs, leases released) first, then everything as it comes.
    appendFileSync(log, `${stack.output()}\n`);
    const keep = (chunk: Buffer) => appendFileSync(log, chunk);
    stack.child.stdout?.on('data', keep);
    stack.child.stderr?.on('data', keep);
  }
  return {
    child: stack.child,
    output: stack.output,
    api: stack.api,
    apiKey: stack.apiKey,
    s3: new S3Client({
      endpoint: stack.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    }),
  };
}

interface Listed {
  sourceKey: string;
  status: string;
  updatedAt: string;
  error?: { code: string };
  provenance?: { fallback?: { code: string } };
}

async function listAll(stack: Stack): Promise<Listed[]> {
  const out: Listed[] = [];
  let cursor: string | null = null;
  do {
    const url = `${stack.api}/articles?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await fetch(url, { headers: { 'x-api-key': stack.apiKey } });
    if (!response.ok) throw new Error(`list: ${response.status}`);
    const page = (await response.json()) as { items: Listed[]; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const samples = readdirSync(join(ROOT, 'samples'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(ROOT, 'samples', name), 'utf8') }));

/** Upload i: a sample made unique by a sentence of its own (every tenth has a twin under a second key). */
function upload(i: number): { keys: string[]; body: string } {
  const sample = samples[i % samples.length] as { name: string; text: string };
  const extra = `The soak article number ${i} was filed on day ${i % 28} of the month, officials said.`;
  const body = sample.name.endsWith('.json')
    ? JSON.stringify({ ...JSON.parse(sample.text), body: `${JSON.parse(sample.text).body}\n\n${extra}` })
    : sample.name.endsWith('.html')
      ? sample.text.replace('</article>', `<p>${extra}</p></article>`)
      : `${sample.text.trimEnd()}\n\n${extra}\n`;
  const ext = sample.name.split('.').pop();
  const keys = [`incoming/soak/${i}.${ext}`];
  if (i % 10 === 5) keys.push(`incoming/soak/${i}-twin.${ext}`);
  return { keys, body };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const stub = await startStubOpenAI();
  const paid = new PaidTwice(stub, Number(values['fault-rate']), Number(values.seed));
  const dataDir = mkdtempSync(join(tmpdir(), 'precis-soak-'));
  const events = new TerminalEvents(join(dataDir, 'events.jsonl'));
  const loadAtStart = loadAverage();
  let stack = await start(dataDir, stub.baseURL);
  const probe = startApiProbe();
  probe.target(stack.api, stack.apiKey);
  const uploadedAt = new Map<string, number>();
  const memory = { at200: null as number | null, atAll: null as number | null, peak: 0 };
  /** The CPU the stacks used: each killed one's last reading, and the running one's. */
  const cpu = { killed: 0, current: 0 };
  const expected = ARTICLES + Math.floor((ARTICLES + 4) / 10);
  const watch = setInterval(() => {
    events.poll();
    cpu.current = cpuSeconds(stack.child.pid) ?? cpu.current;
    const rss = rssMb(stack.child.pid) ?? 0;
    memory.peak = Math.max(memory.peak, rss);
    if (memory.at200 === null && events.endedAt.size >= 200) memory.at200 = rss;
    if (memory.atAll === null && events.endedAt.size >= expected) memory.atAll = rss;
  }, 500);
  const crashAt = new Set(Array.from({ length: CRASHES }, (_, k) => Math.floor(((k + 1) * ARTICLES) / (CRASHES + 1))));
  const outageAt = Math.floor(ARTICLES / 2) + (crashAt.has(Math.floor(ARTICLES / 2)) ? 1 : 0);
  const started = Date.now();
  try {
    for (let i = 0; i < ARTICLES; i += BURST) {
      const due = started + (RATE > 0 ? (i / RATE) * 1000 : 0);
      if (Date.now() < due) await sleep(due - Date.now());
      const burst: Promise<void>[] = [];
      for (let j = i; j < Math.min(ARTICLES, i + BURST); j++) {
        if (crashAt.has(j)) {
          // Let work get under way, then kill the stack mid-flight and start it again on the same data.
          await Promise.all(burst.splice(0));
          await sleep(1500);
          cpu.killed += cpuSeconds(stack.child.pid) ?? cpu.current;
          cpu.current = 0;
          await killLocalProcess(stack);
          // Once it is gone: an ask the stub read while the process was dying (a loaded machine takes a while)
          // was in flight at the kill.
          paid.killed();
          console.error(`soak: killed the stack after ${j} uploads; restarting`);
          stack = await start(dataDir, stub.baseURL);
          probe.target(stack.api, stack.apiKey);
        }
        if (OUTAGE && j === outageAt) {
          stack.child.send?.({ outage: OUTAGE.emulator, ms: OUTAGE.ms });
          console.error(`soak: ${OUTAGE.emulator} down for ${OUTAGE.ms / 1000} s after ${j} uploads`);
        }
        const { keys, body } = upload(j);
        const s3 = stack.s3;
        // Twins go up at the same moment.
        burst.push(
          Promise.all(
            keys.map(async (key) => {
              await s3.send(new PutObjectCommand({ Bucket: 'precis-articles', Key: key, Body: body }));
              uploadedAt.set(key, Date.now());
            }),
          ).then(() => undefined),
        );
        if (RATE === 0) await Promise.all(burst.splice(0));
      }
      await Promise.all(burst);
    }
    const lastUpload = Date.now();

    // Every upload must end within the timeout of the last one; the events say when, the API confirms.
    let listed: Listed[] = [];
    const deadline = lastUpload + TIMEOUT_MS;
    for (;;) {
      events.poll();
      const endedByEvents = [...uploadedAt.keys()].every((k) => events.endedAt.has(k));
      if (endedByEvents || Date.now() > deadline) {
        listed = await listAll(stack).catch(() => listed);
        if (listed.filter((a) => TERMINAL.includes(a.status)).length === uploadedAt.size || Date.now() > deadline)
          break;
      }
      await sleep(1000);
    }
    clearInterval(watch);
    const api = await probe.stop();
    events.poll();
    memory.atAll ??= rssMb(stack.child.pid);
    const stackCpu = cpu.killed + (cpuSeconds(stack.child.pid) ?? cpu.current);

    const byKey = new Map(listed.map((a) => [a.sourceKey, a]));
    const lost = [...uploadedAt.keys()].filter((k) => !byKey.has(k));
    const stuck = listed.filter((a) => !TERMINAL.includes(a.status));
    const endedAt = (a: Listed) => events.endedAt.get(a.sourceKey) ?? Date.parse(a.updatedAt);
    const ended = listed.filter((a) => TERMINAL.includes(a.status));
    const lastEnd = Math.max(...ended.map(endedAt));
    const latencies = ended.map((a) => (endedAt(a) - (uploadedAt.get(a.sourceKey) ?? started)) / 1000);
    const states: Record<string, number> = {};
    for (const a of listed) {
      const what =
        a.status === 'FAILED'
          ? `FAILED ${a.error?.code}`
          : a.provenance?.fallback
            ? `${a.status} (fallback ${a.provenance.fallback.code})`
            : a.status;
      states[what] = (states[what] ?? 0) + 1;
    }
    const drainS = Math.round((lastEnd - lastUpload) / 1000);
    const report = {
      uploaded: uploadedAt.size,
      terminal: states,
      lost: lost.length,
      stuck: stuck.length,
      ...paid.report(),
      crashes: CRASHES,
      outage: values.outage ?? null,
      faultRate: Number(values['fault-rate']),
      rate: RATE > 0 ? `${RATE}/s in bursts of ${BURST}` : 'one after the other',
      throughput: {
        articlesPerSecond: Number((ended.length / ((lastEnd - started) / 1000)).toFixed(2)),
        perMinute: perMinute(ended.map(endedAt), started),
      },
      uploadSeconds: Math.round((lastUpload - started) / 1000),
      endedSecondsAfterLastUpload: drainS,
      uploadToEndSeconds: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        max: Math.max(...latencies),
      },
      // The newest 20 articles every 200 ms and the page every second, from a process of its own.
      apiMs: api,
      memoryMB: { after200: memory.at200, afterAll: memory.atAll, peak: memory.peak },
      // The stack's own CPU (every thread, user and system): what a busy shared machine does not change much.
      stackCpuSecondsPerArticle: Number((stackCpu / Math.max(1, ended.length)).toFixed(3)),
      loadAverage: { start: loadAtStart, end: loadAverage() },
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(JSON.stringify(report, null, 2));
    if (values['write-docs']) {
      writeSoakFigures(runOptions(process.argv.slice(2)), report);
    }
    paid.explain(started);
    if (lost.length) console.error(`lost: ${lost.slice(0, 10).join(', ')}`);
    if (lost.length || stuck.length) console.error(`the stack's last lines:\n${stack.output().slice(-3000)}`);
    if (stuck.length)
      console.error(
        `stuck: ${stuck
          .slice(0, 10)
          .map((a) => `${a.sourceKey} ${a.status}`)
          .join(', ')}`,
      );
    const inTime = lost.length === 0 && stuck.length === 0 && lastEnd <= deadline;
    return inTime && paid.paidTwice <= Number(values['max-paid-twice']) ? 0 : 1;
  } finally {
    clearInterval(watch);
    probe.kill();
    if ((values['cpu-prof'] || values['heap-prof']) && stack.child.exitCode === null) {
      // A profile is written when the process exits on its own.
      const exited = new Promise((r) => stack.child.once('exit', r));
      stack.child.kill('SIGTERM');
      await exited;
    }
    await killLocalProcess(stack).catch(() => undefined);
    await stub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
