/**
 * Where the uploads at once wait: uploads articles at once (as
 * `npm run bench -- --only uploads` does) and prints a line per article, in
 * the order they were sent, with when (ms from the uploads' start) its
 * ingest delivery began and ended, its cleaning ran, its analyze delivery
 * began and ended, and it reached its terminal state; then the stack's CPU
 * use, in cores, every 100 ms of the burst (how much of the machine it
 * had: 2.0 is both cores of a 2-core machine).
 *
 *   npx tsx bench/uploads-timeline.ts [--articles 20]
 */
import '../local/process-env.js';
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import { WorkerCleaner } from '../lambdas/ingest/worker-cleaner.js';
import { LocalQueue } from '../local/queue.js';
import { articleIdFor } from '../shared/article.js';
import { benchUploads, type UploadEnd } from './uploads.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '20' } } });
const articles = Number(values.articles);
if (!Number.isInteger(articles) || articles < 1) {
  console.error('--articles must be a whole number of at least 1');
  process.exit(2);
}
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

type Mark = 'ingest' | 'ingested' | 'clean' | 'cleaned' | 'analyze' | 'analyzed';
const marks = new Map<string, Partial<Record<Mark, number>>>();
const mark = (articleId: string | null, what: Mark) => {
  if (!articleId) return;
  const entry = marks.get(articleId) ?? {};
  entry[what] ??= Date.now();
  marks.set(articleId, entry);
};

/** The article a queue's record is about: an S3 event's object, or the analyze message's id. */
function articleOf(body: string): string | null {
  const parsed = JSON.parse(body) as {
    articleId?: string;
    Records?: { s3: { bucket: { name: string }; object: { key: string } } }[];
  };
  if (parsed.articleId) return parsed.articleId;
  const s3 = parsed.Records?.[0]?.s3;
  return s3 ? articleIdFor(s3.bucket.name, decodeURIComponent(s3.object.key.replace(/\+/g, ' '))) : null;
}

const start = LocalQueue.prototype.start;
LocalQueue.prototype.start = function (this: LocalQueue, consumer) {
  const analyze = this.arn.endsWith('analyze');
  return start.call(this, async (event: SQSEvent) => {
    const ids = event.Records.map((r) => articleOf(r.body));
    for (const id of ids) mark(id, analyze ? 'analyze' : 'ingest');
    try {
      return await consumer(event);
    } finally {
      for (const id of ids) mark(id, analyze ? 'analyzed' : 'ingested');
    }
  });
};
const clean = WorkerCleaner.prototype.clean;
WorkerCleaner.prototype.clean = async function (this: WorkerCleaner, bytes, request) {
  // The bench's buckets are one: the name is the key.
  const id = [...marks.keys()].find((key) => marks.get(key)?.ingest && !marks.get(key)?.clean);
  mark(id ?? null, 'clean');
  try {
    return await clean.call(this, bytes, request);
  } finally {
    mark(id ?? null, 'cleaned');
  }
};

let startedAt = 0;
let order: string[] = [];
let ends: UploadEnd[] = [];
const usage: number[] = [];
let sampler: NodeJS.Timeout | null = null;
await benchUploads((line) => process.stderr.write(`${line}\n`), {
  atOnce: articles,
  onPhase: (phase) => {
    if (phase === 'together') {
      marks.clear();
      let last = process.cpuUsage();
      sampler = setInterval(() => {
        const now = process.cpuUsage();
        usage.push((now.user - last.user + now.system - last.system) / 1000 / 100);
        last = now;
      }, 100);
    }
    if (phase === 'done' && sampler) clearInterval(sampler);
  },
  onUploads: (at, ids) => {
    startedAt = at;
    order = ids;
  },
  onEnds: (e) => {
    ends = e;
  },
});

const at = (ms: number | undefined) => (ms === undefined ? '-' : String(ms - startedAt)).padStart(6);
const endOf = new Map(ends.map((e) => [e.articleId, e.ms]));
console.log('article  ingest ingested  clean cleaned analyze analyzed terminal');
order.forEach((id, i) => {
  const m = marks.get(id) ?? {};
  const cols = [m.ingest, m.ingested, m.clean, m.cleaned, m.analyze, m.analyzed].map(at);
  console.log(`${String(i + 1).padStart(7)} ${cols.join(' ')} ${String(endOf.get(id) ?? '-').padStart(8)}`);
});
console.log(`cores used, every 100 ms: ${usage.map((u) => u.toFixed(1)).join(' ')}`);
const sorted = [...endOf.values()].sort((a, b) => a - b);
console.log(`p50 ${sorted[Math.floor((sorted.length - 1) / 2)]} ms, last ${sorted.at(-1)} ms`);
