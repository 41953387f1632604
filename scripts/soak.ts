/**
 * The soak: many uploads through the local stack (`npm start`, as a child
 * process) against the stub LLM injecting faults, with the stack killed
 * (SIGKILL) and restarted along the way, and some texts uploaded twice at
 * once under two keys. It prints what became of every upload and exits
 * non-zero unless none was lost, none is stuck and no text was paid for
 * twice.
 *
 *   npm run soak -- --articles 200 --fault-rate 0.2 --crash 3 [--timeout 600] [--seed 1] [--max-paid-twice 0]
 *
 * Faults, each as likely as the others: 429 with a Retry-After of 1 s, 500,
 * 503, a dropped connection, a slow answer (3 s), JSON cut short, JSON of the
 * wrong shape, a refusal. "Paid twice" counts texts for which the model gave
 * more than one good analysis answer (repairs of bad answers are not good
 * answers; twins share one text), except a text asked again because the
 * stack was killed while its first ask was in flight: that answer was billed
 * but never arrived, and is counted apart.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS } from '../local/stack.js';
import { killLocalProcess, startLocalProcess } from '../tests/helpers/local-process.js';
import { type Step, type StubServer, startStubOpenAI } from '../tests/helpers/stub-openai.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '60' },
    'fault-rate': { type: 'string', default: '0.2' },
    crash: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '600' },
    seed: { type: 'string', default: '1' },
    /** Texts paid for twice that still pass (default 0). */
    'max-paid-twice': { type: 'string', default: '0' },
  },
});
const ARTICLES = Number(values.articles);
const FAULT_RATE = Number(values['fault-rate']);
const CRASHES = Number(values.crash);
const TIMEOUT_MS = Number(values.timeout) * 1000;

// A small deterministic generator, so a run can be repeated.
let state = Number(values.seed) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};

const ARTICLE = /=====BEGIN ARTICLE (\S+)=====\n([\s\S]*)\n=====END ARTICLE \1=====/;
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const FAULTS: (() => Step)[] = [
  () => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, code: 'rate_limit_exceeded' }),
  () => ({ kind: 'status', status: 500 }),
  () => ({ kind: 'status', status: 503 }),
  () => ({ kind: 'reset' }),
  () => ({ kind: 'slow', delayMs: 3000 }),
  () => ({ kind: 'content', content: '{"headline": "Cut short", "short": "The answer stops' }),
  () => ({ kind: 'transform', edit: (a) => ({ ...a, bullets: 'not a list' }) }),
  () => ({ kind: 'refusal', refusal: "I can't help with that." }),
];

/** When each text was asked for its analysis (asks answered well): more than one is a text paid for twice. */
const goodAnswers = new Map<string, number[]>();
/** When the stack was killed. */
const kills: number[] = [];
/** The longest a call can be in flight (the slow fault, under the call timeout). */
const IN_FLIGHT_MS = 5000;

function faults(stub: StubServer) {
  stub.setOptions({
    profile: 'openai',
    route: (request) => {
      const step = random() < FAULT_RATE ? (FAULTS[Math.floor(random() * FAULTS.length)] as () => Step)() : undefined;
      const good = step === undefined || step.kind === 'slow';
      if (good && request.task === 'article_analysis') {
        const text = ARTICLE.exec(request.body.messages.at(-1)?.content ?? '')?.[2];
        // A repair quotes an earlier answer; only first asks for a text count.
        if (text && request.body.messages.length === 2) {
          goodAnswers.set(hash(text), [...(goodAnswers.get(hash(text)) ?? []), Date.now()]);
        }
      }
      return step;
    },
  });
}

interface Stack {
  child: ChildProcess;
  s3: S3Client;
  api: string;
  apiKey: string;
}

async function start(dataDir: string, stub: StubServer): Promise<Stack> {
  const stack = await startLocalProcess({
    PRECIS_DATA_DIR: dataDir,
    OPENAI_BASE_URL: stub.baseURL,
    OPENAI_API_KEY: 'sk-soak',
    PRECIS_LLM_PROVIDER: 'openai',
    TARGET_LANGUAGES: 'fr',
    PRECIS_LLM_RETRIES: '1',
    PRECIS_LLM_TIMEOUT_MS: '5000',
    PRECIS_INGEST_LEASE_MS: '15000',
    PRECIS_ANALYZE_LEASE_MS: '60000',
    PRECIS_ARTICLE_BUDGET_MS: '15000',
    PRECIS_SWEEP_INTERVAL_MS: '10000',
    PRECIS_SWEEP_STALE_MS: '60000',
  });
  return {
    child: stack.child,
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

async function kill(stack: Stack) {
  kills.push(Date.now());
  await killLocalProcess(stack);
}

interface Listed {
  id: string;
  sourceKey: string;
  status: string;
  receivedAt: string;
  updatedAt: string;
  error?: { code: string };
  provenance?: { cacheHit?: boolean; fallback?: { code: string } };
}

async function listAll(stack: Stack): Promise<Listed[]> {
  const out: Listed[] = [];
  let cursor: string | null = null;
  do {
    const url = `${stack.api}/articles?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await (await fetch(url, { headers: { 'x-api-key': stack.apiKey } })).json()) as {
      items: Listed[];
      nextCursor: string | null;
    };
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

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function main(): Promise<number> {
  const stub = await startStubOpenAI();
  faults(stub);
  const dataDir = mkdtempSync(join(tmpdir(), 'precis-soak-'));
  let stack = await start(dataDir, stub);
  const keys: string[] = [];
  const crashAt = new Set(Array.from({ length: CRASHES }, (_, k) => Math.floor(((k + 1) * ARTICLES) / (CRASHES + 1))));
  const started = Date.now();
  try {
    for (let i = 0; i < ARTICLES; i++) {
      if (crashAt.has(i)) {
        // Let work get under way, then kill the stack mid-flight and start it again on the same data.
        await new Promise((r) => setTimeout(r, 1500));
        await kill(stack);
        console.error(`soak: killed the stack after ${i} uploads; restarting`);
        stack = await start(dataDir, stub);
      }
      const { keys: these, body } = upload(i);
      // Twins go up at the same moment.
      await Promise.all(
        these.map((key) => stack.s3.send(new PutObjectCommand({ Bucket: 'precis-articles', Key: key, Body: body }))),
      );
      keys.push(...these);
    }

    let listed: Listed[] = [];
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      listed = await listAll(stack).catch(() => listed);
      const terminal = listed.filter((a) => ['DONE', 'PARTIAL', 'FAILED'].includes(a.status)).length;
      if (terminal === keys.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }

    const byKey = new Map(listed.map((a) => [a.sourceKey, a]));
    const lost = keys.filter((k) => !byKey.has(k));
    const stuck = listed.filter((a) => !['DONE', 'PARTIAL', 'FAILED'].includes(a.status));
    // A text asked again because the stack was killed while its first ask was in flight was billed for an
    // answer that never arrived: no one can keep that. Every other repeat is a text paid for twice.
    const repeated = [...goodAnswers.values()].filter((asks) => asks.length > 1);
    const inFlightAtKill = (asks: number[]) =>
      asks.slice(0, -1).every((at) => kills.some((kill) => kill >= at && kill - at < IN_FLIGHT_MS));
    const paidTwice = repeated.filter((asks) => !inFlightAtKill(asks)).length;
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
    const latencies = listed
      .filter((a) => ['DONE', 'PARTIAL', 'FAILED'].includes(a.status))
      .map((a) => Date.parse(a.updatedAt) - Date.parse(a.receivedAt));
    const report = {
      uploaded: keys.length,
      terminal: states,
      lost: lost.length,
      stuck: stuck.length,
      paidTwice,
      askedAgainAfterKillMidCall: repeated.length - paidTwice,
      llmCalls: stub.requests.length,
      billedAnswers: stub.ledger.billed,
      tokens: { input: stub.ledger.inputTokens, output: stub.ledger.outputTokens },
      crashes: CRASHES,
      faultRate: FAULT_RATE,
      uploadToTerminalMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(JSON.stringify(report, null, 2));
    const at = (t: number) => `+${((t - started) / 1000).toFixed(1)}s`;
    for (const asks of repeated.filter((a) => !inFlightAtKill(a))) {
      console.error(`paid twice: asked at ${asks.map(at).join(', ')}; kills at ${kills.map(at).join(', ') || 'none'}`);
    }
    if (lost.length) console.error(`lost: ${lost.slice(0, 10).join(', ')}`);
    if (stuck.length)
      console.error(
        `stuck: ${stuck
          .slice(0, 10)
          .map((a) => `${a.sourceKey} ${a.status}`)
          .join(', ')}`,
      );
    return lost.length === 0 && stuck.length === 0 && paidTwice <= Number(values['max-paid-twice']) ? 0 : 1;
  } finally {
    await kill(stack).catch(() => undefined);
    await stub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
