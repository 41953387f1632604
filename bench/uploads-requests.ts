/**
 * What one article costs the local stack: uploads articles at once (as
 * `npm run bench -- --only uploads` does, the stub LLM answering at once)
 * and prints, for those uploads only, the storage requests the functions
 * sent (by service and operation, per article), the CPU time per article
 * (the whole process, and each thread's share on Linux), and this process's
 * CPU time spent by each article's end (which a busy machine does not
 * change as it changes wall times).
 *
 *   npx tsx bench/uploads-requests.ts [--articles 20] [--sites] [--bursts 1] [--languages ar,fr] [--words 700]
 *
 * `--bursts 2` sends a second burst on the same running stack and prints
 * the same figures for it: the first burst is the one the bench's row
 * measures, right after the stack starts; the second shows what warming
 * (V8's compiled code, open connections) is worth.
 * `--languages` and `--words` change the articles' shape from the row's
 * (two target languages, 700 words), to compare with the soak's (one, a
 * few hundred).
 * `--sites` splits the requests by the code that sent them. Run under
 * `node --cpu-prof --import tsx bench/uploads-requests.ts` it profiles every
 * thread of the stack too (the emulators' workers take the parent's
 * profiling flags); the phases' times on stderr are on the profiles' clock.
 */
import '../local/process-env.js';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { threadCpuMsFrom, threadCpuPartsFrom } from './lib/stats.js';
import { benchUploads, type UploadEnd } from './uploads.js';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '20' },
    sites: { type: 'boolean', default: false },
    bursts: { type: 'string', default: '1' },
    languages: { type: 'string', default: 'ar,fr' },
    words: { type: 'string', default: '700' },
  },
});
const bursts = Number(values.bursts);
if (!Number.isInteger(bursts) || bursts < 1) {
  console.error('--bursts must be a whole number of at least 1');
  process.exit(2);
}
const articles = Number(values.articles);
if (!Number.isInteger(articles) || articles < 1) {
  console.error('--articles must be a whole number of at least 1');
  process.exit(2);
}
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

/** Each thread's CPU time so far (ms, user and system apart), by thread id, from /proc (Linux; empty elsewhere). */
function threadCpu(): Map<string, { user: number; system: number }> {
  const threads = new Map<string, { user: number; system: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      threads.set(tid, threadCpuPartsFrom(`/proc/self/task/${tid}/stat`));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}

/** A thread's name (node's main thread, `V8 DefaultWorke`, `libuv-worker`, a worker's `WorkerThread`), from /proc. */
function threadName(tid: string): string {
  try {
    return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The first few frames of our own code that led to a request. */
function siteOf(): string {
  return (new Error().stack ?? '')
    .split('\n')
    .filter((line) => /\/shared\//.test(line))
    .slice(0, 3)
    .map((line) =>
      line
        .trim()
        .replace(/^at (async )?/, '')
        .replace(/\(.*\/(shared\/[^)]*)\)/, '($1)'),
    )
    .join(' < ');
}

const counts = new Map<string, number>();
let counting = false;
/** Counts each command a client of `kind` sends, by its name, while `counting`. */
function countSends(kind: string, prototype: { send: (...args: never[]) => unknown }): void {
  const send = prototype.send;
  prototype.send = function (this: unknown, ...args: never[]) {
    if (counting) {
      const command = args[0] as unknown as { constructor: { name: string } };
      const name = `${kind} ${command.constructor.name.replace(/Command$/, '')}${values.sites ? ` ${siteOf()}` : ''}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return send.apply(this, args);
  };
}
countSends('S3', S3Client.prototype);
countSends('DynamoDB', DynamoDBClient.prototype);
countSends('DynamoDB', DynamoDBDocumentClient.prototype);

/** What one burst cost: its requests, its CPU (the process's, and each thread's), and its ends. */
interface Burst {
  counts: Map<string, number>;
  cpu: NodeJS.CpuUsage;
  threadsAtStart: Map<string, { user: number; system: number }>;
  threadsAtEnd: Map<string, { user: number; system: number }>;
  /** The stub LLM's process's CPU (ms) in the burst: the provider's, on the same cores. */
  stubMs: number;
  ends: UploadEnd[];
}
const measured: Burst[] = [];
let cpuAtStart = process.cpuUsage();
let threadsAtStart = new Map<string, { user: number; system: number }>();
let stubPid: number | undefined;
/** The stub's process's CPU so far (ms), from /proc (Linux; 0 elsewhere). */
const stubCpu = () => {
  try {
    return stubPid === undefined ? 0 : threadCpuMsFrom(`/proc/${stubPid}/stat`);
  } catch {
    return 0;
  }
};
let stubAtStart = 0;
const micros = () => process.hrtime.bigint() / 1000n;
const rows = await benchUploads((line) => process.stderr.write(`${line}\n`), {
  atOnce: articles,
  bursts,
  targetLanguages: values.languages,
  words: Number(values.words),
  onStub: (pid) => {
    stubPid = pid;
  },
  onPhase: (phase) => {
    // Only the uploads at once are counted: not the warm-up, not the anchor.
    counting = phase === 'together';
    if (phase === 'together') {
      counts.clear();
      cpuAtStart = process.cpuUsage();
      threadsAtStart = threadCpu();
      stubAtStart = stubCpu();
    }
    if (phase === 'done') {
      const cpu = process.cpuUsage(cpuAtStart);
      measured.push({
        counts: new Map(counts),
        cpu,
        threadsAtStart,
        threadsAtEnd: threadCpu(),
        stubMs: stubCpu() - stubAtStart,
        ends: [],
      });
    }
    process.stderr.write(`phase ${phase} at ${micros()} µs\n`);
  },
  onEnds: (e) => {
    const last = measured.at(-1);
    if (last) last.ends = e;
  },
});

for (const [index, { counts, cpu, threadsAtStart, threadsAtEnd, stubMs, ends }] of measured.entries()) {
  if (measured.length > 1) console.log(`-- burst ${index + 1}${index === 0 ? " (the row's)" : ' (same stack)'}`);
  // The uploads are the user's requests, not the stack's.
  for (const name of counts.keys()) {
    if (name.startsWith('S3 PutObject') && !name.includes('shared/'))
      counts.set(name, (counts.get(name) ?? 0) - articles);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`${articles} articles at once: ${(total / articles).toFixed(1)} requests an article`);
  for (const [name, n] of [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(n / articles).toFixed(2).padStart(6)}  ${name}`);
  }
  const perArticle = (ms: number) => `${(ms / articles).toFixed(0)} ms`;
  console.log(`CPU: ${perArticle((cpu.user + cpu.system) / 1000)} an article (this process, all threads); by thread:`);
  const busy = [...threadsAtEnd]
    .map(([tid, { user, system }]) => {
      const before = threadsAtStart.get(tid) ?? { user: 0, system: 0 };
      return [tid, user - before.user + system - before.system, system - before.system] as const;
    })
    .filter(([, ms]) => ms >= articles)
    .sort((a, b) => b[1] - a[1]);
  for (const [tid, ms, system] of busy)
    console.log(
      `  thread ${tid.padEnd(8)} ${perArticle(ms).padStart(7)} (kernel ${perArticle(system).padStart(6)})  ${threadName(tid)}`,
    );
  console.log(`the stub LLM's process (the provider's, on the same cores): ${perArticle(stubMs)} an article`);
  console.log(`CPU time (ms) at each end: ${ends.map((e) => e.cpuMs.toFixed(0)).join(' ')}`);
  console.log(`wall time (ms) at each end: ${ends.map((e) => e.ms).join(' ')}`);
}
for (const row of rows) console.log(`${row.measure}: ${row.value} (${row.anchor})`);
