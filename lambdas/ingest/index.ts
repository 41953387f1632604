import { SQSClient } from '@aws-sdk/client-sqs';
import { ingestEnvSchema, loadConfig } from '../../shared/config.js';
import { SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { defaultStorageClients, observability, storageAdapters } from '../runtime.js';
import { createIngestHandler } from './handler.js';

const config = loadConfig(ingestEnvSchema);
const clients = defaultStorageClients();

export const handler = createIngestHandler({
  ...storageAdapters(clients, config.PRECIS_TABLE),
  ...observability('precis-ingest'),
  analyzeQueue: new SqsMessageQueue(new SQSClient({}), config.PRECIS_ANALYZE_QUEUE_URL),
  clock: () => new Date(),
  maxReceives: config.PRECIS_MAX_RECEIVES,
  config: {
    bucket: config.PRECIS_BUCKET,
    maxObjectBytes: config.PRECIS_MAX_OBJECT_BYTES,
    leaseMs: config.PRECIS_INGEST_LEASE_MS,
    languages: config.PRECIS_LANGUAGES.length > 0 ? config.PRECIS_LANGUAGES : undefined,
  },
});
