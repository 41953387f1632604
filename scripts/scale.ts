/**
 * `npm run scale`: what one sweep, one list page and one status read cost
 * as the history grows. Seeds the local emulators (s3rver, dynalite) with N
 * days of history at `--per-day` articles a day (uploads, half through the
 * API under their day and half under keys of their own, and their records),
 * then runs the sweep, the list queries and the status read, and prints the
 * reads (S3 and DynamoDB requests, counted on the clients) and the time of
 * each against N. Exits non-zero when a run's reads at the largest N pass
 * 1.2× those at the smallest.
 *
 * Seeding goes around the APIs, in batches: the records by BatchWriteItem,
 * the uploads as files in s3rver's store, dated as the day they stand for
 * (its PutObject takes some 25 ms an object here, and stamps them now).
 *
 *   npm run scale -- [--days 1,10,100] [--per-day 1000]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../lambdas/runtime.js';
import { buildSweepDeps } from '../lambdas/sweep/deps.js';
import { ensureTable } from '../local/dynamo-table.js';
import { startDynamo } from '../local/dynamodb.js';
import { startS3 } from '../local/s3.js';
import { LOCAL_CREDENTIALS } from '../local/stack.js';
import { articleIdFor, type Status } from '../shared/article.js';
import { loadConfig, sweepEnvSchema } from '../shared/config.js';
import { dayOf, objectKeys } from '../shared/layout.js';
import { processCursorCodec } from '../shared/storage/cursor.js';
import { DynamoArticleRepository } from '../shared/storage/dynamo-article-repository.js';
import { DynamoSweepState } from '../shared/storage/dynamo-sweep-state.js';
import { LIST_PARTITION } from '../shared/storage/table.js';
import { sweep } from '../shared/usecases/sweep.js';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '1,10,100' },
    'per-day': { type: 'string', default: '1000' },
  },
});
const DAYS = values.days
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const PER_DAY = Number(values['per-day']);
const BUCKET = 'precis-articles';
const TABLE = 'precis-articles';
const DAY = 86_400_000;
const MINUTE = 60_000;
const CREDENTIALS = LOCAL_CREDENTIALS;

/** The part of an SDK client's middleware stack a counter needs. */
type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName: string },
) => (args: unknown) => Promise<unknown>;

/** Requests a client sent, by command, from the moment `reset` was called. */
function counted<T extends S3Client | DynamoDBClient>(client: T) {
  const calls = new Map<string, { n: number; ms: number }>();
  (client.middlewareStack as unknown as { add(m: Middleware, o: { step: string; name: string }): void }).add(
    (next, context) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const call = calls.get(context.commandName) ?? { n: 0, ms: 0 };
        calls.set(context.commandName, { n: call.n + 1, ms: call.ms + performance.now() - started });
      }
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return {
    client,
    reset: () => calls.clear(),
    total: () => [...calls.values()].reduce((a, b) => a + b.n, 0),
    /** Requests by command, and the time spent waiting on them. */
    detail: () => Object.fromEntries([...calls].map(([name, c]) => [name, `${c.n} (${Math.round(c.ms)} ms)`])),
  };
}

async function inBatches<T>(items: T[], size: number, at: number, run: (batch: T[]) => Promise<void>) {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  let next = 0;
  await Promise.all(
    Array.from({ length: at }, async () => {
      while (next < batches.length) await run(batches[next++] as T[]);
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'precis-scale-'));
const dynamo = await startDynamo({ port: 0, directory: join(dir, 'dynamodb') });
const s3server = await startS3({
  port: 0,
  directory: join(dir, 's3'),
  bucket: BUCKET,
  credentials: CREDENTIALS,
  cors: () => [],
  onObjectCreated: () => {},
});
const clients = () => ({
  s3: new S3Client({
    endpoint: s3server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
  }),
  dynamodb: new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: CREDENTIALS }),
});
const seeding = clients();
await ensureTable(seeding.dynamodb, TABLE);
const s3 = counted(clients().s3);
const ddb = counted(clients().dynamodb);

const seededAt = Date.now();
let seededDays = 0;
const made = new Set<string>();

/** An upload as s3rver keeps it (the object, its MD5 and its metadata, beside each other), modified at `at`. */
async function putUpload(key: string, at: Date) {
  const path = join(dir, 's3', BUCKET, key);
  if (!made.has(dirname(path))) {
    await mkdir(dirname(path), { recursive: true });
    made.add(dirname(path));
  }
  const body = `<p>${key}</p>`;
  const object = `${path}._S3rver_object`;
  await writeFile(object, body);
  await writeFile(`${object}.md5`, createHash('md5').update(body).digest('hex'));
  await writeFile(`${path}._S3rver_metadata.json`, '{"content-type":"text/html"}');
  await utimes(object, at, at);
}

/** A record as the repository leaves a finished (or stuck) article. */
function record(key: string, status: Status, when: string): Record<string, unknown> {
  return {
    id: articleIdFor(BUCKET, key),
    listPk: LIST_PARTITION,
    sourceBucket: BUCKET,
    sourceKey: key,
    sourceEtag: '"e"',
    sourceSize: 2048,
    sourceSequencer: '0'.repeat(32),
    status,
    title: `Article ${key}`,
    language: 'en',
    summary: { headline: 'h', short: 's', bullets: ['a', 'b', 'c'] },
    ...(status === 'FAILED' ? { error: { code: 'NO_ARTICLE_TEXT', message: 'x', stage: 'ingest', attempts: 1 } } : {}),
    receivedAt: when,
    updatedAt: when,
  };
}

/** Days `from`…`to` of history, each `PER_DAY` uploads and their records, ending `to` days before the seeding. */
async function seed(to: number) {
  const uploads: (readonly [string, Date])[] = [];
  const records: Record<string, unknown>[] = [];
  for (let d = seededDays + 1; d <= to; d++) {
    const at = new Date(seededAt - d * DAY);
    const dated = objectKeys.datedUploads(dayOf(at));
    for (let i = 0; i < PER_DAY; i++) {
      const key =
        i % 2 === 0 ? `${dated}${i}.html` : `${objectKeys.incomingPrefix}feeds/s${i % 7}/${dayOf(at)}/${i}.html`;
      const status: Status = i % 50 === 0 ? 'FAILED' : i % 10 === 0 ? 'PARTIAL' : 'DONE';
      const when = new Date(at.getTime() + i * 1000).toISOString();
      uploads.push([key, new Date(when)] as const);
      records.push({
        id: articleIdFor(BUCKET, key),
        listPk: LIST_PARTITION,
        sourceBucket: BUCKET,
        sourceKey: key,
        sourceEtag: '"e"',
        sourceSize: 2048,
        sourceSequencer: '0'.repeat(32),
        status,
        title: `Article ${i} of day ${d}`,
        language: 'en',
        summary: { headline: 'h', short: 's', bullets: ['a', 'b', 'c'] },
        ...(status === 'FAILED'
          ? { error: { code: 'NO_ARTICLE_TEXT', message: 'x', stage: 'ingest', attempts: 1 } }
          : {}),
        receivedAt: when,
        updatedAt: when,
      });
    }
  }
  if (seededDays === 0) {
    // The last hour: uploads, one of them with no record (its event lost), and an article stuck in CLEANED.
    for (let i = 0; i < 40; i++) {
      const at = new Date(seededAt - i * MINUTE);
      const key = `${objectKeys.datedUploads(dayOf(at))}today-${i}.html`;
      uploads.push([key, at] as const);
      if (i !== 35) records.push(record(key, 'DONE', at.toISOString()));
    }
    const stuck = new Date(seededAt - 45 * MINUTE).toISOString();
    records.push({ ...record(`${objectKeys.incomingPrefix}stuck.html`, 'CLEANED', stuck), pending: 'CLEANED' });
  }
  const started = Date.now();
  await inBatches(uploads, 1, 16, async ([upload]) => {
    if (upload) await putUpload(...upload);
  });
  const db = documentClient(seeding.dynamodb);
  await inBatches(records, 25, 8, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }));
      requests = (UnprocessedItems?.[TABLE] ?? []) as typeof requests;
    }
  });
  seededDays = to;
  // What was written reaches the disk before anything is timed.
  execFileSync('sync');
  console.error(
    `scale: seeded ${to} day(s), ${(to * PER_DAY).toLocaleString('en')} articles (${Math.round((Date.now() - started) / 1000)} s)`,
  );
}

const config = loadConfig(sweepEnvSchema, {
  PRECIS_TABLE: TABLE,
  PRECIS_BUCKET: BUCKET,
  PRECIS_INGEST_QUEUE_URL: 'local:ingest',
  PRECIS_INGEST_DLQ_URL: 'local:ingest-dead-letters',
  PRECIS_ANALYZE_QUEUE_URL: 'local:analyze',
});
const articles = new DynamoArticleRepository(documentClient(ddb.client), TABLE, processCursorCodec());

/** A run's reads, and its time: the median of seven, after one to warm the emulators up (before each, `before`). */
async function measure(what: string, run: () => Promise<unknown>, before: () => Promise<void> = async () => {}) {
  await before();
  await run();
  const runs: { reads: number; ms: number; detail: Record<string, string> }[] = [];
  for (let i = 0; i < 7; i++) {
    await before();
    s3.reset();
    ddb.reset();
    const started = performance.now();
    await run();
    runs.push({
      reads: s3.total() + ddb.total(),
      ms: performance.now() - started,
      detail: { ...s3.detail(), ...ddb.detail() },
    });
  }
  const median = [...runs].sort((a, b) => a.ms - b.ms)[3] as (typeof runs)[number];
  return { what, ...median };
}

const rows: { days: number; results: Awaited<ReturnType<typeof measure>>[] }[] = [];
try {
  for (const days of DAYS) {
    await seed(days);
    // Every run at the same instant, the end of the seeded history: the same uploads are due in each.
    const now = seededAt;
    const built = buildSweepDeps(
      config,
      {
        ...clients(),
        s3: s3.client,
        dynamodb: ddb.client,
        ingestQueue: { sendBody: async () => {} },
        analyzeQueue: { send: async () => {} },
        events: { finished: async () => {} },
      },
      () => '',
    );
    const deps = { ...built, clock: () => new Date(now) };
    // The sweep has run every 15 minutes all along: the last run looked at dated uploads up to 45 minutes
    // ago, and the rolling pass over the keys of their own is half way through, the pass before it having
    // taken a run per 1,000 of them.
    const own = Math.ceil((days * PER_DAY) / 2 / 1000);
    const position = {
      pending: {},
      passed: {},
      uploads: {
        startAfter: own > 1 ? `${objectKeys.incomingPrefix}feeds/s3/` : null,
        passStartedAt: own > 1 ? new Date(now - (own / 2) * 15 * MINUTE).toISOString() : null,
        previousPassStartedAt: new Date(now - own * 15 * MINUTE).toISOString(),
        datedUntil: new Date(now - 45 * MINUTE).toISOString(),
      },
    };
    const state = new DynamoSweepState(documentClient(seeding.dynamodb), TABLE);
    const id = articleIdFor(BUCKET, `${objectKeys.datedUploads(dayOf(new Date(seededAt - DAY)))}0.html`);
    rows.push({
      days,
      results: [
        await measure(
          'sweep',
          () => sweep(deps),
          () => state.save(position),
        ),
        await measure('list, newest', () => articles.list({ limit: 50 })),
        await measure('list, FAILED', () => articles.list({ limit: 50, status: 'FAILED' })),
        await measure('status of one', () => articles.get(id)),
      ],
    });
  }
} finally {
  await s3server.close();
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
}

const first = rows[0];
const last = rows.at(-1);
console.log(`days  articles   ${first?.results.map((r) => r.what.padEnd(22)).join('')}`);
for (const row of rows) {
  const cells = row.results.map((r) => `${r.reads} reads ${r.ms.toFixed(0)} ms`.padEnd(22)).join('');
  console.log(`${String(row.days).padStart(4)}  ${(row.days * PER_DAY).toLocaleString('en').padStart(8)}   ${cells}`);
}
let flat = true;
if (first && last && last !== first) {
  const ratios = last.results.map((r, i) => {
    const base = first.results[i] as (typeof first.results)[number];
    flat &&= r.reads <= base.reads * 1.2;
    return `${r.what} ${(r.reads / base.reads).toFixed(2)}× reads, ${(r.ms / base.ms).toFixed(2)}× time`;
  });
  console.log(`${last.days} days against ${first.days}: ${ratios.join('; ')}`);
  console.log(`sweep requests at ${first.days} day(s): ${JSON.stringify(first.results[0]?.detail)}`);
  console.log(`sweep requests at ${last.days} days: ${JSON.stringify(last.results[0]?.detail)}`);
}
process.exitCode = flat ? 0 : 1;
