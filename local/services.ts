import { join } from 'node:path';
import type { ApiConfig } from '../shared/config.js';
import type { ApiServiceOptions } from './api-service.js';
import type { LocalQueue } from './queue.js';
import type { S3ServiceOptions } from './s3-service.js';
import { startInWorker, type WorkerService } from './worker-host.js';

/** The local stack's servers, each in a worker thread of its own. */
export interface StackServices {
  s3: WorkerService;
  dynamodb: WorkerService;
  api: WorkerService;
}

export interface ServicesOptions {
  dataDir: string;
  bucket: string;
  ports: { s3: number; dynamodb: number; api: number };
  apiKey: string;
  api: ApiConfig;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The queues, held by this thread: S3's events go to `ingest`, and the API's reprocess and redrive use both. */
  queues: { ingest: LocalQueue; analyze: LocalQueue };
  /** Told when a worker stops on its own. */
  onExit: (why: string) => void;
}

/**
 * Starts S3 (s3rver), DynamoDB (dynalite) and the HTTP API with the api
 * function, each in a worker thread, all at once (the API's thread loads its
 * modules while the emulators start, then waits for their endpoints). What
 * crosses to this thread does so as messages: S3's ObjectCreated events, in
 * the ingest queue's journal as soon as they arrive (one on its way when the
 * process is killed is found by the sweep at the next start), and the API's
 * sends to the queues and reads of their dead letters. If one fails to
 * start, those that started are stopped and its error is thrown.
 */
export async function startServices(options: ServicesOptions): Promise<StackServices> {
  const { queues, onExit } = options;
  const module = (file: string) => new URL(file, import.meta.url);
  const dynamodb = startInWorker(
    { module: module('./dynamodb.ts'), start: 'startDynamo', name: 'DynamoDB' },
    { port: options.ports.dynamodb, directory: join(options.dataDir, 'dynamodb') },
    {},
    onExit,
  );
  // Known once the API listens: the reader page's origins, which the bucket's CORS lets PUT to presigned URLs.
  let listening: (endpoint: string) => void = () => undefined;
  const apiEndpoint = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const s3Options: Omit<S3ServiceOptions, 'onObjectCreated' | 'pageOrigins'> = {
    port: options.ports.s3,
    directory: join(options.dataDir, 's3'),
    bucket: options.bucket,
    credentials: options.credentials,
    corsOrigins: options.api.PRECIS_CORS_ORIGINS,
  };
  const s3 = startInWorker(
    { module: module('./s3-service.ts'), start: 'startS3Service', name: 'S3' },
    s3Options,
    {
      onObjectCreated: (record: Record<string, unknown>) => queues.ingest.send(JSON.stringify({ Records: [record] })),
      pageOrigins: async () => {
        const { port } = new URL(await apiEndpoint);
        return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
      },
    },
    onExit,
  );
  const endpoints = Promise.all([s3, dynamodb]).then(([s, d]) => ({ s3: s.endpoint, dynamodb: d.endpoint }));
  const apiOptions: Pick<ApiServiceOptions, 'port' | 'apiKey' | 'config' | 'credentials'> = {
    port: options.ports.api,
    apiKey: options.apiKey,
    config: options.api,
    credentials: options.credentials,
  };
  const api = startInWorker(
    { module: module('./api-service.ts'), start: 'startApiService', name: 'HTTP API' },
    apiOptions,
    {
      emulatorEndpoints: () => endpoints,
      sendIngestBody: (body: string) => queues.ingest.send(body),
      sendAnalyze: (message: { articleId: string }) => queues.analyze.send(JSON.stringify(message)),
      receiveDead: (queue: 'ingest' | 'analyze', max: number) => queues[queue].receiveDead(max),
      deleteDead: (queue: 'ingest' | 'analyze', handle: string) => queues[queue].deleteDead(handle),
    },
    onExit,
  );
  api.then((service) => listening(service.endpoint)).catch(() => undefined);
  const results = await Promise.allSettled([s3, dynamodb, api]);
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error & { code?: string }] : []));
  if (failed.length > 0) {
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    await Promise.all(started.map((service) => service.close().catch(() => undefined)));
    // The emulators' own error first: the API's only says it had no endpoints.
    throw failed.find((error) => error.code === 'EADDRINUSE') ?? failed[0];
  }
  return { s3: await s3, dynamodb: await dynamodb, api: await api };
}
