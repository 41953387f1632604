import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { buildAnalyzeDeps } from '../lambdas/analyze/deps.js';
import { createAnalyzeHandler } from '../lambdas/analyze/handler.js';
import { buildApiDeps } from '../lambdas/api/deps.js';
import { createApiHandler } from '../lambdas/api/handler.js';
import { buildIngestDeps } from '../lambdas/ingest/deps.js';
import {
  createIngestHandler,
  encodeS3EventKey,
  type IngestHandlerDeps,
  s3EventBody,
} from '../lambdas/ingest/handler.js';
import { presigningS3Client } from '../lambdas/runtime.js';
import { buildSweepDeps } from '../lambdas/sweep/deps.js';
import type { AnalysisEngine } from '../shared/analysis/engine.js';
import {
  type AnalyzeConfig,
  type ApiConfig,
  analyzeEnvSchema,
  apiEnvSchema,
  type IngestConfig,
  ingestEnvSchema,
  loadConfig,
  type SweepConfig,
  sweepEnvSchema,
} from '../shared/config.js';
import type { Cleaner } from '../shared/ports.js';
import { sweep } from '../shared/usecases/sweep.js';
import { ensureTable, startDynamo } from './dynamodb.js';
import { FileArticleEvents } from './events-file.js';
import { startHttpApi } from './http-api.js';
import { lambdaContext } from './lambda-context.js';
import { LocalQueue, type QueuedMessage } from './queue.js';
import { startS3, uploadCorsRule } from './s3.js';

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
  /** Articles analysed at once (the analyze function's concurrency); the machine's cores by default. */
  PRECIS_ANALYZE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
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
  /** Articles analysed at once. */
  analyzeConcurrency: number;
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
 * that died is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'stack.pid');
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
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
  }
}

/** The key given, else the one kept in the data folder, else a new one kept there. */
function apiKeyFor(options: LocalStackOptions): string {
  return options.apiKey ?? keptSecret(options, 'api-key', 18);
}

export interface LocalStack {
  endpoints: { s3: string; dynamodb: string; api: string };
  apiKey: string;
  bucket: string;
  dataDir: string;
  /** An S3 client for the emulator, as a user's script would configure one. */
  s3: S3Client;
  queues: { ingest: LocalQueue; analyze: LocalQueue };
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
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { ingest: ingestConfig, analyze: analyzeConfig } = options;
  const bucket = ingestConfig.PRECIS_BUCKET;
  mkdirSync(options.dataDir, { recursive: true });
  const unlock = lockDataDir(options.dataDir);
  const apiKey = apiKeyFor(options);
  const stops: (() => Promise<void>)[] = [async () => unlock()];
  const stop = async () => {
    const closing = stops.splice(0).reverse();
    for (const close of closing) await close().catch(() => undefined);
  };

  try {
    const dynamo = await startDynamo({ port: options.dynamoPort, directory: join(options.dataDir, 'dynamodb') });
    stops.push(dynamo.close);
    const dynamodb = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureTable(dynamodb, ingestConfig.PRECIS_TABLE);

    const deadLetter = (queue: string) => (m: QueuedMessage) =>
      options.log?.(
        `${queue}: message ${m.messageId} moved to the dead-letter list after ${m.receiveCount} receives (${m.lastError})`,
      );
    const ingestQueue = new LocalQueue({
      name: 'precis-ingest',
      visibilityTimeoutMs: options.ingestVisibilityMs,
      maxReceives: ingestConfig.PRECIS_MAX_RECEIVES,
      batchSize: 10,
      concurrency: 2,
      statePath: join(options.dataDir, 'queues', 'ingest.json'),
      onDeadLetter: deadLetter('ingest'),
    });
    const analyzeQueue = new LocalQueue({
      name: 'precis-analyze',
      visibilityTimeoutMs: options.analyzeVisibilityMs,
      maxReceives: analyzeConfig.PRECIS_MAX_RECEIVES,
      batchSize: 1,
      concurrency: options.analyzeConcurrency,
      statePath: join(options.dataDir, 'queues', 'analyze.json'),
      onDeadLetter: deadLetter('analyze'),
    });

    // The reader page PUTs uploads to presigned URLs from the API's origin (known once it listens) and
    // from PRECIS_CORS_ORIGINS, as the bucket's CORS allows them in AWS; no other page may.
    let pageOrigins: string[] = [];
    const s3Server = await startS3({
      port: options.s3Port,
      directory: join(options.dataDir, 's3'),
      bucket,
      credentials: LOCAL_CREDENTIALS,
      cors: () => [uploadCorsRule([...pageOrigins, ...options.api.PRECIS_CORS_ORIGINS])],
      onObjectCreated: (record) => ingestQueue.send(JSON.stringify({ Records: [record] })),
    });
    stops.push(s3Server.close);
    const s3Config = {
      endpoint: s3Server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    };
    const s3 = new S3Client(s3Config);

    // The event bus: EventBridge's envelope, one line each, in the data folder.
    const eventsFile = join(options.dataDir, 'events.jsonl');
    const clients = { s3, dynamodb, events: new FileArticleEvents(eventsFile) };
    const ingestDeps = buildIngestDeps(ingestConfig, {
      ...clients,
      analyzeQueue: { send: async (message) => analyzeQueue.send(JSON.stringify(message)) },
      cleaner: options.cleaner,
    });
    const ingest = createIngestHandler(ingestDeps);
    // Its cleaning worker: ready before the first upload, stopped after the queues (stops run last pushed first).
    stops.push(() => ingestDeps.cleaner.close());
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
    // Cursors stay good across restarts: their key is kept with the data, like the API key.
    const deadLetters = (queue: LocalQueue) => ({
      receive: async (max: number) => queue.receiveDead(max),
      delete: async (handle: string) => queue.deleteDead(handle),
    });
    const api = createApiHandler(
      buildApiDeps(
        { ...options.api, PRECIS_CURSOR_KEY: options.api.PRECIS_CURSOR_KEY ?? keptSecret(options, 'cursor-key', 32) },
        {
          ...clients,
          presign: presigningS3Client(s3Config),
          queues: {
            ingest: { sendBody: async (body) => ingestQueue.send(body) },
            analyze: { send: async (message) => analyzeQueue.send(JSON.stringify(message)) },
            deadLetters: { ingest: deadLetters(ingestQueue), analyze: deadLetters(analyzeQueue) },
          },
        },
      ),
    );

    ingestQueue.start((event) => ingest(event, lambdaContext('precis-ingest')));
    analyzeQueue.start((event) =>
      analyze(event, lambdaContext('precis-analyze', analyzeConfig.PRECIS_ANALYZE_LEASE_MS)),
    );
    stops.push(
      () => ingestQueue.stop(),
      () => analyzeQueue.stop(),
    );

    const http = await startHttpApi({ port: options.apiPort, apiKey, handler: api });
    stops.push(http.close);
    const apiPort = new URL(http.endpoint).port;
    pageOrigins = [`http://127.0.0.1:${apiPort}`, `http://localhost:${apiPort}`];

    // The sweep, as the scheduled function runs in AWS: at start (an upload made while the stack was
    // down has no event), then on an interval.
    const sweepDeps = buildSweepDeps(
      options.sweep,
      {
        ...clients,
        ingestQueue: { sendBody: async (body) => ingestQueue.send(body) },
        analyzeQueue: { send: async (message) => analyzeQueue.send(JSON.stringify(message)) },
      },
      s3EventBody,
    );
    const runSweep = async (atStart = false) => {
      // At start no event is on its way but those in the ingest queue: every other upload with no article was lost.
      const queued = (key: string) =>
        ingestQueue.pending.some((m) => m.body.includes(JSON.stringify(encodeS3EventKey(key))));
      const report = await sweep(sweepDeps, atStart ? { uploadsOlderThanMs: 0, queued } : {}).catch((error: Error) => {
        options.log?.(`sweep failed: ${error.message}`);
        return null;
      });
      const driven = report ? report.unknown.length + report.reingested.length + report.reanalyzed.length : 0;
      if (report && driven > 0) {
        options.log?.(
          `sweep: ${report.unknown.length} upload(s) with no article and ${driven - report.unknown.length} stuck article(s) driven again`,
        );
      }
    };
    let sweeping = runSweep(true);
    const timer =
      options.sweepIntervalMs > 0
        ? setInterval(() => {
            sweeping = sweeping.then(() => runSweep());
          }, options.sweepIntervalMs)
        : null;
    timer?.unref();
    stops.push(async () => {
      if (timer) clearInterval(timer);
      await sweeping;
    });

    return {
      endpoints: { s3: s3Server.endpoint, dynamodb: dynamo.endpoint, api: http.endpoint },
      apiKey,
      bucket,
      dataDir: options.dataDir,
      s3,
      queues: { ingest: ingestQueue, analyze: analyzeQueue },
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
