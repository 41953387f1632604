import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { buildApiDeps } from '../lambdas/api/deps.js';
import { createApiHandler } from '../lambdas/api/handler.js';
import { presigningS3Client } from '../lambdas/runtime.js';
import type { ApiConfig } from '../shared/config.js';
import { startHttpApi } from './http-api.js';
import type { Service } from './worker-host.js';

/** The local queues' operations the api function uses (a reprocess, a redrive), answered by the thread that holds them. */
export interface ApiQueueCalls {
  sendIngestBody(body: string): Promise<void>;
  sendAnalyze(message: { articleId: string }): Promise<void>;
  receiveDead(queue: 'ingest' | 'analyze', max: number): Promise<{ body: string; handle: string }[]>;
  deleteDead(queue: 'ingest' | 'analyze', handle: string): Promise<void>;
}

export interface ApiServiceOptions extends ApiQueueCalls {
  port: number;
  apiKey: string;
  /** The api function's configuration, with the cursor key the stack keeps. */
  config: ApiConfig;
  /** Where the emulators listen, once they do (they start at the same time as the API). */
  emulatorEndpoints(): Promise<{ s3: string; dynamodb: string }>;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The HTTP API with the api function behind it, as API Gateway and Lambda
 * serve it, on clients of the local emulators. The local stack runs it in a
 * worker thread of its own, so that the API and the page answer at once
 * while the pipeline works through a backlog.
 */
export async function startApiService(options: ApiServiceOptions): Promise<Service> {
  const region = 'us-east-1';
  const { credentials } = options;
  const endpoints = await options.emulatorEndpoints();
  const s3Config = { endpoint: endpoints.s3, region, forcePathStyle: true, credentials };
  const s3 = new S3Client(s3Config);
  const presign = presigningS3Client(s3Config);
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials });
  const deadLetters = (queue: 'ingest' | 'analyze') => ({
    receive: (max: number) => options.receiveDead(queue, max),
    delete: (handle: string) => options.deleteDead(queue, handle),
  });
  const handler = createApiHandler(
    buildApiDeps(options.config, {
      s3,
      dynamodb,
      presign,
      queues: {
        ingest: { sendBody: (body) => options.sendIngestBody(body) },
        analyze: { send: (message) => options.sendAnalyze(message) },
        deadLetters: { ingest: deadLetters('ingest'), analyze: deadLetters('analyze') },
      },
    }),
  );
  const http = await startHttpApi({ port: options.port, apiKey: options.apiKey, handler });
  return {
    endpoint: http.endpoint,
    close: async () => {
      await http.close();
      s3.destroy();
      presign.destroy();
      dynamodb.destroy();
    },
  };
}
