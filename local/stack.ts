import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createAnalyzeHandler } from '../lambdas/analyze/handler.js';
import { createApiHandler } from '../lambdas/api/handler.js';
import { createIngestHandler } from '../lambdas/ingest/handler.js';
import { observability, storageAdapters } from '../lambdas/runtime.js';
import { BlobAnalysisCache } from '../shared/analysis/cache.js';
import type { AnalysisEngine } from '../shared/analysis/engine.js';
import { selectEngine } from '../shared/analysis/select-engine.js';
import { type AnalyzeConfig, analyzeEnvSchema, loadConfig } from '../shared/config.js';
import { ensureTable, startDynamo } from './dynamodb.js';
import { startHttpApi } from './http-api.js';
import { lambdaContext } from './lambda-context.js';
import { LocalQueue, type QueuedMessage } from './queue.js';
import { startS3 } from './s3.js';

export interface LocalStackOptions {
  s3Port: number;
  dynamoPort: number;
  apiPort: number;
  /** The API key; read from (or first written to) `<dataDir>/api-key` when absent. */
  apiKey?: string;
  dataDir: string;
  bucket: string;
  table: string;
  targetLanguages: string[];
  /** The analyze function's configuration (engine choice and its settings). */
  analyzeConfig: AnalyzeConfig;
  /** Receives of a message before its dead-letter list (SQS maxReceiveCount). */
  maxReceives: number;
  ingestLeaseMs: number;
  analyzeLeaseMs: number;
  /** How long after a failure a message comes back; must exceed the leases, as in AWS. */
  ingestVisibilityMs: number;
  analyzeVisibilityMs: number;
  maxObjectBytes: number;
  /** Lines about what the stack does (dead letters); nothing by default. */
  log?: (line: string) => void;
  /** The analysis engine; the one configuration selects when absent. */
  engine?: AnalysisEngine;
}

/** The local stack's defaults and their environment overrides (see DESIGN.md's table). */
export function localOptions(env: Record<string, string | undefined> = process.env): LocalStackOptions {
  const int = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not "${raw}".`);
    return value;
  };
  const analyze = loadConfig(analyzeEnvSchema, {
    PRECIS_TABLE: 'precis-articles',
    PRECIS_BUCKET: 'precis-articles',
    ...env,
  });
  const ingestLeaseMs = int('PRECIS_INGEST_LEASE_MS', 30_000);
  // The lease must outlast the article's LLM budget, as the function timeout does in AWS.
  const analyzeLeaseMs = int('PRECIS_ANALYZE_LEASE_MS', analyze.PRECIS_ARTICLE_BUDGET_MS + 10_000);
  return {
    s3Port: int('PRECIS_S3_PORT', 4566),
    dynamoPort: int('PRECIS_DYNAMODB_PORT', 8000),
    apiPort: int('PRECIS_API_PORT', 3000),
    apiKey: env.PRECIS_API_KEY || undefined,
    dataDir: resolve(env.PRECIS_DATA_DIR || '.precis'),
    bucket: env.PRECIS_BUCKET || 'precis-articles',
    table: env.PRECIS_TABLE || 'precis-articles',
    targetLanguages: analyze.TARGET_LANGUAGES,
    analyzeConfig: analyze,
    maxReceives: analyze.PRECIS_MAX_RECEIVES,
    ingestLeaseMs,
    analyzeLeaseMs,
    ingestVisibilityMs: ingestLeaseMs + 5_000,
    analyzeVisibilityMs: analyzeLeaseMs + 5_000,
    maxObjectBytes: int('PRECIS_MAX_OBJECT_BYTES', 5 * 1024 * 1024),
  };
}

/** The key given, else the one kept in the data folder, else a new one kept there. */
function apiKeyFor(options: LocalStackOptions): string {
  if (options.apiKey) return options.apiKey;
  const path = join(options.dataDir, 'api-key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = randomBytes(18).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
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
  adapters: ReturnType<typeof storageAdapters>;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts precis on this machine: s3rver as S3, dynalite as DynamoDB,
 * in-process queues with SQS semantics, and the HTTP API, wired to the same
 * handlers that run in Lambda. Uploads under `incoming/` reach the ingest
 * handler as SQS-wrapped S3 event records.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  mkdirSync(options.dataDir, { recursive: true });
  const apiKey = apiKeyFor(options);
  const stops: (() => Promise<void>)[] = [];
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
    await ensureTable(dynamodb, options.table);

    const deadLetter = (queue: string) => (m: QueuedMessage) =>
      options.log?.(
        `${queue}: message ${m.messageId} moved to the dead-letter list after ${m.receiveCount} receives (${m.lastError})`,
      );
    const ingestQueue = new LocalQueue({
      name: 'precis-ingest',
      visibilityTimeoutMs: options.ingestVisibilityMs,
      maxReceives: options.maxReceives,
      batchSize: 10,
      concurrency: 2,
      statePath: join(options.dataDir, 'queues', 'ingest.json'),
      onDeadLetter: deadLetter('ingest'),
    });
    const analyzeQueue = new LocalQueue({
      name: 'precis-analyze',
      visibilityTimeoutMs: options.analyzeVisibilityMs,
      maxReceives: options.maxReceives,
      batchSize: 1,
      concurrency: 2,
      statePath: join(options.dataDir, 'queues', 'analyze.json'),
      onDeadLetter: deadLetter('analyze'),
    });

    const s3Server = await startS3({
      port: options.s3Port,
      directory: join(options.dataDir, 's3'),
      bucket: options.bucket,
      onObjectCreated: (record) => ingestQueue.send(JSON.stringify({ Records: [record] })),
    });
    stops.push(s3Server.close);
    const s3 = new S3Client({
      endpoint: s3Server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    });

    const adapters = storageAdapters({ s3, dynamodb }, options.table);
    const clock = () => new Date();
    const ingest = createIngestHandler({
      ...adapters,
      ...observability('precis-ingest'),
      analyzeQueue: { send: async (message) => analyzeQueue.send(JSON.stringify(message)) },
      clock,
      maxReceives: options.maxReceives,
      config: { bucket: options.bucket, maxObjectBytes: options.maxObjectBytes, leaseMs: options.ingestLeaseMs },
    });
    const analyze = createAnalyzeHandler({
      ...adapters,
      ...observability('precis-analyze'),
      engine:
        options.engine ??
        selectEngine(options.analyzeConfig, { cache: new BlobAnalysisCache(adapters.blobs, options.bucket) }),
      clock,
      maxReceives: options.maxReceives,
      config: { bucket: options.bucket, targetLanguages: options.targetLanguages, leaseMs: options.analyzeLeaseMs },
    });
    const api = createApiHandler({
      ...adapters,
      logger: observability('precis-api').logger,
      config: { bucket: options.bucket },
    });

    ingestQueue.start((event) => ingest(event, lambdaContext('precis-ingest')));
    analyzeQueue.start((event) => analyze(event, lambdaContext('precis-analyze', options.analyzeLeaseMs)));
    stops.push(
      () => ingestQueue.stop(),
      () => analyzeQueue.stop(),
    );

    const http = await startHttpApi({ port: options.apiPort, apiKey, handler: api });
    stops.push(http.close);

    return {
      endpoints: { s3: s3Server.endpoint, dynamodb: dynamo.endpoint, api: http.endpoint },
      apiKey,
      bucket: options.bucket,
      dataDir: options.dataDir,
      s3,
      queues: { ingest: ingestQueue, analyze: analyzeQueue },
      adapters,
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
