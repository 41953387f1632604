import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoArticleRepository } from '../shared/storage/dynamo-article-repository.js';
import { S3BlobStore } from '../shared/storage/s3-blob-store.js';

/**
 * What every function builds once per cold start. Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_*` variables, so an emulator needs no special
 * code path; the local stack passes its own clients instead.
 */
export interface AwsClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
}

/** The storage clients every function needs, configured by the environment. */
export function defaultStorageClients(): Pick<AwsClients, 's3' | 'dynamodb'> {
  return { s3: new S3Client({}), dynamodb: new DynamoDBClient({}) };
}

export function documentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

export function storageAdapters(clients: Pick<AwsClients, 's3' | 'dynamodb'>, tableName: string) {
  return {
    blobs: new S3BlobStore(clients.s3),
    articles: new DynamoArticleRepository(documentClient(clients.dynamodb), tableName),
  };
}

export function observability(serviceName: string) {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: 'precis', serviceName }),
  };
}

export type Observability = ReturnType<typeof observability>;
