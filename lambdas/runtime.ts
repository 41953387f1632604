import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CursorCodec } from '../shared/storage/cursor.js';
import { DynamoArticleRepository } from '../shared/storage/dynamo-article-repository.js';
import { S3BlobStore } from '../shared/storage/s3-blob-store.js';

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

/** The storage clients every function needs, configured by the environment. */
export function defaultStorageClients(): StorageClients {
  return { s3: new S3Client({}), dynamodb: new DynamoDBClient({}) };
}

export function documentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

export function storageAdapters(clients: StorageClients, tableName: string, options: { cursors?: CursorCodec } = {}) {
  return {
    blobs: new S3BlobStore(clients.s3),
    articles: new DynamoArticleRepository(documentClient(clients.dynamodb), tableName, options.cursors),
  };
}

export function observability(serviceName: string) {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'precis', serviceName }),
  };
}

export type Observability = ReturnType<typeof observability>;

export const systemClock = () => new Date();
