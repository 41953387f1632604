import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ArticleEvents } from '../shared/ports.js';
import type { CursorCodec } from '../shared/storage/cursor.js';
import { DynamoArticleRepository } from '../shared/storage/dynamo-article-repository.js';
import { EventBridgeArticleEvents } from '../shared/storage/eventbridge-events.js';
import { S3BlobStore } from '../shared/storage/s3-blob-store.js';
import { Tracing } from './tracing.js';

/**
 * The clients every function's composition takes. The Lambda entries build
 * them once per cold start (endpoints from the SDK's own `AWS_ENDPOINT_URL_*`
 * variables, so an emulator needs no special code path); the local stack
 * passes clients pointed at its emulators.
 */
export interface StorageClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
}

/**
 * The storage clients every function needs, configured by the environment;
 * each call traced as a subsegment when the function runs with tracing.
 */
export function defaultStorageClients(tracing?: Tracing): StorageClients {
  return { s3: traced(tracing, new S3Client({})), dynamodb: traced(tracing, new DynamoDBClient({})) };
}

/**
 * The S3 client that signs upload URLs. A presigned PUT is signed before its
 * body exists: a client that adds its default checksum (CRC32, since SDK
 * 3.729) signs the checksum of no bytes into the URL, and S3 then refuses
 * every real upload to it as BadDigest. This one adds a checksum only where
 * an operation requires one. The clients that read and write objects keep
 * the default: their checksums are computed over the bytes they send.
 */
export function presigningS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' });
}

/** An SDK client whose calls are X-Ray subsegments (a no-op outside Lambda, where tracing is off). */
export function traced<T extends object>(tracing: Tracing | undefined, client: T): T {
  return tracing ? tracing.client(client) : client;
}

export function documentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

/**
 * The blob store and the article repository over the given clients.
 * `documents` is the document client over `clients.dynamodb` the function's
 * other table adapters use, so that one is built (one is made when absent).
 */
export function storageAdapters(
  clients: StorageClients,
  tableName: string,
  options: { cursors?: CursorCodec; recordRetentionDays?: number; documents?: DynamoDBDocumentClient } = {},
) {
  return {
    blobs: new S3BlobStore(clients.s3),
    articles: new DynamoArticleRepository(
      options.documents ?? documentClient(clients.dynamodb),
      tableName,
      options.cursors,
      {
        recordRetentionDays: options.recordRetentionDays,
      },
    ),
  };
}

/**
 * The logger and tracing of a function that publishes no metrics (the api):
 * without Powertools' Metrics, which its cold start would otherwise import
 * and construct for nothing.
 */
export function logging(serviceName: string) {
  return {
    logger: new Logger({ serviceName }),
    /** Off outside Lambda (the local stack, tests); in Lambda with active tracing, each invocation is traced. */
    tracing: new Tracing(serviceName),
  };
}

export type Logging = ReturnType<typeof logging>;

/** Powertools' Metrics, saying whether what it is given is published. */
export class FunctionMetrics extends Metrics {
  /**
   * False where Powertools drops every metric (POWERTOOLS_METRICS_DISABLED, or
   * POWERTOOLS_DEV: the local stack, the tests), so that nothing is built for it.
   */
  get publishing(): boolean {
    return !this.isDisabled();
  }
}

export function observability(serviceName: string) {
  return { ...logging(serviceName), metrics: new FunctionMetrics({ namespace: 'precis', serviceName }) };
}

export type Observability = ReturnType<typeof observability>;

export const systemClock = () => new Date();

/**
 * Terminal states on the configured EventBridge bus; an event the bus
 * refuses is logged as a warning (the article is saved either way).
 */
export function eventBus(busName: string, logger: Logger, tracing?: Tracing): ArticleEvents {
  return new EventBridgeArticleEvents(traced(tracing, new EventBridgeClient({})), busName, (message, details) =>
    logger.warn(message, details),
  );
}
