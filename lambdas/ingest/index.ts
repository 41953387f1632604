import { SQSClient } from '@aws-sdk/client-sqs';
import { ingestEnvSchema, loadConfig } from '../../shared/config.js';
import { SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { defaultStorageClients, observability, traced } from '../runtime.js';
import { buildIngestDeps } from './deps.js';
import { createIngestHandler } from './handler.js';

const config = loadConfig(ingestEnvSchema);
const observe = observability('precis-ingest');

export const handler = createIngestHandler(
  buildIngestDeps(
    config,
    {
      ...defaultStorageClients(observe.tracing),
      analyzeQueue: new SqsMessageQueue(traced(observe.tracing, new SQSClient({})), config.PRECIS_ANALYZE_QUEUE_URL),
    },
    observe,
  ),
);
