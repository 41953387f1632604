import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { buildAnalyzeDeps } from '../lambdas/analyze/deps.js';
import { createAnalyzeHandler } from '../lambdas/analyze/handler.js';
import { buildIngestDeps } from '../lambdas/ingest/deps.js';
import { createIngestHandler, type IngestHandlerDeps } from '../lambdas/ingest/handler.js';
import type { AnalysisEngine } from '../shared/analysis/engine.js';
import {
  type AnalyzeConfig,
  type ApiConfig,
  analyzeEnvSchema,
  apiEnvSchema,
  type BatchConfig,
  batchEnvSchema,
  type IngestConfig,
  ingestEnvSchema,
  loadConfig,
  type SweepConfig,
  sweepEnvSchema,
} from '../shared/config.js';
import type { Cleaner } from '../shared/ports.js';
import type { SweepReport } from '../shared/usecases/sweep.js';
import { AnalysisConcurrency, threadBusySinceLastAsked } from './analysis-concurrency.js';
import { type LocalBatch, startLocalBatch } from './batch-timer.js';
import { setLocalCompilerBudget } from './compiler-budget.js';
import { repairIndexes } from './dynamo-repair.js';
import { ensureTable } from './dynamo-table.js';
import { FileArticleEvents } from './events-file.js';
import { lambdaContext } from './lambda-context.js';
import { LocalQueue, type QueuedMessage } from './queue.js';
import { startServices } from './services.js';
import { articleOf, startLocalSweep, uploadKeys } from './sweep-timer.js';
import type { WorkerService } from './worker-host.js';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** The local stack's own settings: where its emulators listen and where it keeps its data (DESIGN.md's table). */
export const localEnvSchema = z.object({
  PRECIS_S3_PORT: port(4566),
  PRECIS_DYNAMODB_PORT: port(8000),
  PRECIS_API_PORT: port(3000),
  PRECIS_API_KEY: z.string().min(1).optional(),
  PRECIS_DATA_DIR: z.string().min(1).default('.precis'),
  /** How often the sweep runs (it also runs at start); 0 runs it at start only. */
  PRECIS_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  /** How often the batch function runs (batch mode: collect ended batches, submit calls put off); 0: never by itself. */
  PRECIS_BATCH_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Articles analysed at once (the analyze function's concurrency): `auto` (the default) follows the
   * LLM provider's budget as the rate governors see it (AnalysisConcurrency); a number fixes it.
   */
  PRECIS_ANALYZE_CONCURRENCY: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default('auto'),
});

/**
 * What the local stack puts where AWS would give a name: the emulator's
 * bucket and table, and its in-process analyze queue. Everything else the
 * functions read has the same default here as in Lambda.
 */
export const LOCAL_NAMES = {
  PRECIS_TABLE: 'precis-articles',
  PRECIS_BUCKET: 'precis-articles',
  PRECIS_ANALYZE_QUEUE_URL: 'local:precis-analyze',
  PRECIS_INGEST_QUEUE_URL: 'local:precis-ingest',
  PRECIS_ANALYZE_DLQ_URL: 'local:precis-analyze-dead-letters',
  PRECIS_INGEST_DLQ_URL: 'local:precis-ingest-dead-letters',
} as const;

/** A failed message comes back this long after its lease ends, as SQS's visibility timeout outlasts the function. */
const VISIBILITY_MARGIN_MS = 5_000;

export interface LocalStackOptions {
  s3Port: number;
  dynamoPort: number;
  apiPort: number;
  /** The API key; read from (or first written to) `<dataDir>/api-key` when absent. */
  apiKey?: string;
  dataDir: string;
  /** Each function's configuration, read through the same schema as in Lambda. */
  ingest: IngestConfig;
  analyze: AnalyzeConfig;
  api: ApiConfig;
  sweep: SweepConfig;
  /** How often the sweep runs after the one at start; 0: at start only. */
  sweepIntervalMs: number;
  batch: BatchConfig;
  /** How often the batch function runs; 0: only when asked (`LocalStack.batch.run`). */
  batchIntervalMs: number;
  /** Articles analysed at once: a number, or `auto` (from the provider's budget). */
  analyzeConcurrency: number | 'auto';
  /** How long after a failure a message comes back; must exceed the leases, as in AWS. */
  ingestVisibilityMs: number;
  analyzeVisibilityMs: number;
  /** Lines about what the stack does (dead letters); nothing by default. */
  log?: (line: string) => void;
  /** Replaces the configured analysis engine (tests). */
  engine?: AnalysisEngine;
  /** Replaces the ingest function's cleaning worker (tests). */
  cleaner?: Cleaner;
}

/**
 * The local stack's options from an environment: its own settings, and each
 * function's configuration through the function's own schema, with only the
 * emulators' names as defaults.
 */
export function localOptions(env: Record<string, string | undefined> = process.env): LocalStackOptions {
  const local = loadConfig(localEnvSchema, env);
  const functionEnv = { ...LOCAL_NAMES, ...env };
  const ingest = loadConfig(ingestEnvSchema, functionEnv);
  const analyze = loadConfig(analyzeEnvSchema, functionEnv);
  return {
    s3Port: local.PRECIS_S3_PORT,
    dynamoPort: local.PRECIS_DYNAMODB_PORT,
    apiPort: local.PRECIS_API_PORT,
    apiKey: local.PRECIS_API_KEY,
    dataDir: resolve(local.PRECIS_DATA_DIR),
    ingest,
    analyze,
    api: loadConfig(apiEnvSchema, functionEnv),
    sweep: loadConfig(sweepEnvSchema, functionEnv),
    sweepIntervalMs: local.PRECIS_SWEEP_INTERVAL_MS,
    batch: loadConfig(batchEnvSchema, functionEnv),
    batchIntervalMs: local.PRECIS_BATCH_INTERVAL_MS,
    analyzeConcurrency: local.PRECIS_ANALYZE_CONCURRENCY,
    ingestVisibilityMs: ingest.PRECIS_INGEST_LEASE_MS + VISIBILITY_MARGIN_MS,
    analyzeVisibilityMs: analyze.PRECIS_ANALYZE_LEASE_MS + VISIBILITY_MARGIN_MS,
  };
}

/** The value kept in the data folder under `name`, else a new random one kept there. */
function keptSecret(options: LocalStackOptions, name: string, bytes: number): string {
  const path = join(options.dataDir, name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = randomBytes(bytes).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

/**
 * Takes the data folder for this process: a second stack on the same folder
 * would share its database files and crash on them. A lock left by a process
 * that died is taken over (`tookOver`: what it wrote may be half done).
 */
function lockDataDir(dataDir: string): { unlock: () => void; tookOver: boolean } {
  const path = join(dataDir, 'stack.pid');
  let tookOver = false;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return { unlock: () => rmSync(path, { force: true }), tookOver };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(path, 'utf8').trim());
    let alive = false;
    try {
      alive = holder > 0 && holder !== process.pid && process.kill(holder, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) {
      throw new Error(
        `The data folder ${dataDir} is in use by another precis stack (process ${holder}). Stop it, or set PRECIS_DATA_DIR to another folder.`,
      );
    }
    rmSync(path, { force: true });
    tookOver = true;
  }
}

/** The key given, else the one kept in the data folder, else a new one kept there. */
function apiKeyFor(options: LocalStackOptions): string {
  return options.apiKey ?? keptSecret(options, 'api-key', 18);
}

export interface LocalStack {
  endpoints: { s3: string; dynamodb: string; api: string };
  /** The emulators, each in a worker thread of its own (an outage can be staged on them). */
  emulators: { s3: WorkerService; dynamodb: WorkerService };
  apiKey: string;
  bucket: string;
  dataDir: string;
  /** An S3 client for the emulator, as a user's script would configure one. */
  s3: S3Client;
  queues: { ingest: LocalQueue; analyze: LocalQueue };
  /** The batch function (batch mode): runs on its timer, or now when asked. */
  batch: LocalBatch;
  /** The sweep: runs at start and on its timer, or now when asked (null when the run failed; its line is logged). */
  sweep: { run(): Promise<SweepReport | null> };
  /** The storage adapters the handlers use, for tools and tests that work beside them. */
  adapters: Pick<IngestHandlerDeps, 'blobs' | 'articles'>;
  /** Where each article's terminal state is appended as an EventBridge event (JSON lines). */
  eventsFile: string;
  stop(): Promise<void>;
}

/**
 * The credentials the local S3 takes, and no others (README, "The local
 * stack"): what a user gives the AWS CLI or an SDK for it, and what the
 * stack's own clients sign with.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/**
 * Starts precis on this machine: s3rver as S3, dynalite as DynamoDB,
 * in-process queues with SQS semantics, and the HTTP API, wired to the same
 * handlers that run in Lambda. Uploads under `incoming/` reach the ingest
 * handler as SQS-wrapped S3 event records.
 *
 * S3, DynamoDB and the HTTP API (with the api function) each run in a worker
 * thread of their own; this thread holds the queues and runs the ingest and
 * analyze functions, as Lambda runs them apart from their event sources. So
 * the API answers at once, and the emulators keep pace, whatever backlog the
 * functions work through.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // Before the emulators' threads start: V8's flags are the process's.
  setLocalCompilerBudget();
  const { ingest: ingestConfig, analyze: analyzeConfig } = options;
  const bucket = ingestConfig.PRECIS_BUCKET;
  mkdirSync(options.dataDir, { recursive: true });
  const { unlock, tookOver } = lockDataDir(options.dataDir);
  const apiKey = apiKeyFor(options);
  const stops: (() => Promise<void>)[] = [async () => unlock()];
  const stop = async () => {
    const closing = stops.splice(0).reverse();
    for (const close of closing) await close().catch(() => undefined);
  };

  try {
    const deadLetter = (queue: string) => (m: QueuedMessage) =>
      options.log?.(
        `${queue}: message ${m.messageId} moved to the dead-letter list after ${m.receiveCount} receives (${m.lastError})`,
      );
    const ingestQueue = new LocalQueue({
      name: 'precis-ingest',
      visibilityTimeoutMs: options.ingestVisibilityMs,
      maxReceives: ingestConfig.PRECIS_MAX_RECEIVES,
      // One upload at a time, each cleaned, saved and handed to the analyze queue before the next is taken
      // up: the ingest and analyze functions share this thread (and the one cleaning worker), so uploads
      // taken up together only held back the analyses of those already cleaned, and a burst of uploads
      // ended together, late, instead of one after another (20 at once: the first ended after 40 % of the
      // burst's CPU time, against 12-20 %; see docs/development.md, "20 uploads").
      batchSize: 1,
      concurrency: 1,
      statePath: join(options.dataDir, 'queues', 'ingest.jsonl'),
      onDeadLetter: deadLetter('ingest'),
      // The sweep asks whether an upload's event is already waiting.
      keysOf: uploadKeys,
    });
    const budget = options.analyzeConcurrency === 'auto' ? new AnalysisConcurrency() : null;
    const analyzeConcurrency = budget ? () => budget.current : (options.analyzeConcurrency as number);
    if (budget) {
      // This thread runs the analyses (and the ingest function): while it has no time to spare, fewer at once.
      const unfollow = budget.follow(threadBusySinceLastAsked());
      stops.push(async () => unfollow());
    }
    const analyzeQueue = new LocalQueue({
      name: 'precis-analyze',
      visibilityTimeoutMs: options.analyzeVisibilityMs,
      maxReceives: analyzeConfig.PRECIS_MAX_RECEIVES,
      batchSize: 1,
      concurrency: analyzeConcurrency,
      statePath: join(options.dataDir, 'queues', 'analyze.jsonl'),
      onDeadLetter: deadLetter('analyze'),
      keysOf: articleOf,
    });
    const stopIngestQueue = () => ingestQueue.stop();
    stops.push(stopIngestQueue, () => analyzeQueue.stop());

    const services = await startServices({
      dataDir: options.dataDir,
      bucket,
      ports: { s3: options.s3Port, dynamodb: options.dynamoPort, api: options.apiPort },
      apiKey,
      // Cursors stay good across restarts: their key is kept with the data, like the API key.
      api: {
        ...options.api,
        PRECIS_CURSOR_KEY: options.api.PRECIS_CURSOR_KEY ?? keptSecret(options, 'cursor-key', 32),
      },
      credentials: LOCAL_CREDENTIALS,
      queues: { ingest: ingestQueue, analyze: analyzeQueue },
      onExit: (why) => options.log?.(`${why} The stack cannot go on without it: stop it and start it again.`),
    });
    // Stopped after the queues' consumers (last in, first out), the API first.
    stops.splice(1, 0, services.dynamodb.close, services.s3.close);
    stops.push(services.api.close);
    const region = 'us-east-1';
    const dynamodb = new DynamoDBClient({
      endpoint: services.dynamodb.endpoint,
      region,
      credentials: LOCAL_CREDENTIALS,
    });
    const s3 = new S3Client({
      endpoint: services.s3.endpoint,
      region,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
      // Each command's middleware stack resolved once per kind of command, not at every call (a tenth of this
      // thread's work under a backlog). The functions' S3 calls add no middleware of their own. Not for
      // DynamoDB: the document client's commands carry their input in theirs.
      cacheMiddleware: true,
    });
    await ensureTable(dynamodb, ingestConfig.PRECIS_TABLE);
    // A stack killed between the emulator's index entries and their item left entries that lie (the emulator
    // writes them in one batch now, but a data folder may come from a stack of before).
    if (tookOver) {
      const repair = await repairIndexes(dynamodb, ingestConfig.PRECIS_TABLE);
      if (repair.stale + repair.rewritten > 0)
        options.log?.(
          `repaired the table's indexes after a stopped stack: ${repair.stale} stale entries removed, ${repair.rewritten} articles indexed again`,
        );
    }

    // The event bus: EventBridge's envelope, one line each, in the data folder.
    const eventsFile = join(options.dataDir, 'events.jsonl');
    const clients = { s3, dynamodb, events: new FileArticleEvents(eventsFile) };
    const ingestDeps = buildIngestDeps(ingestConfig, {
      ...clients,
      analyzeQueue: { send: async (message) => analyzeQueue.send(JSON.stringify(message)) },
      cleaner: options.cleaner,
    });
    const ingest = createIngestHandler(ingestDeps);
    // Its cleaning worker: ready before the first upload, stopped after the queues' consumers (stops run
    // last pushed first).
    stops.splice(stops.indexOf(stopIngestQueue), 0, () => ingestDeps.cleaner.close());
    await ingestDeps.cleaner.warm();
    // Leases still held belong to a stack that died (this one holds the folder now): end them, so the
    // messages that come back at once (see LocalQueue) are taken up at once, not after the lease.
    for (const status of ['RECEIVED', 'ANALYZING'] as const) {
      const released = await ingestDeps.articles.expireLeases(status, new Date());
      if (released.length > 0)
        options.log?.(`released ${released.length} ${status} article(s) left by a stopped stack`);
    }
    // And the claims on texts being analysed, held by the same dead stack.
    await ingestDeps.articles.releaseAllContentClaims();
    const analyze = createAnalyzeHandler({
      ...buildAnalyzeDeps(analyzeConfig, clients, { engine: options.engine }),
      redelivery: { delay: async (record, delayMs) => analyzeQueue.changeVisibility(record.receiptHandle, delayMs) },
    });

    ingestQueue.start((event) => ingest(event, lambdaContext('precis-ingest')));
    analyzeQueue.start((event) =>
      analyze(event, lambdaContext('precis-analyze', analyzeConfig.PRECIS_ANALYZE_LEASE_MS)),
    );

    const sweeper = startLocalSweep({
      config: options.sweep,
      clients,
      queues: { ingest: ingestQueue, analyze: analyzeQueue },
      intervalMs: options.sweepIntervalMs,
      log: options.log,
    });
    stops.push(sweeper.stop);
    const batch = startLocalBatch({
      config: options.batch,
      clients: { s3, dynamodb },
      analyze: analyzeQueue,
      intervalMs: options.batchIntervalMs,
      log: options.log,
    });
    stops.push(batch.stop);

    return {
      endpoints: { s3: services.s3.endpoint, dynamodb: services.dynamodb.endpoint, api: services.api.endpoint },
      emulators: { s3: services.s3, dynamodb: services.dynamodb },
      apiKey,
      bucket,
      dataDir: options.dataDir,
      s3,
      queues: { ingest: ingestQueue, analyze: analyzeQueue },
      batch,
      sweep: { run: sweeper.run },
      adapters: { blobs: ingestDeps.blobs, articles: ingestDeps.articles },
      eventsFile,
      stop,
    };
  } catch (error) {
    await stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const port = (error as { port?: number }).port;
      throw new Error(
        `Port ${port} is already in use. Is another precis stack running? Stop it, or choose other ports with PRECIS_S3_PORT, PRECIS_DYNAMODB_PORT and PRECIS_API_PORT.`,
        { cause: error },
      );
    }
    throw error;
  }
}
