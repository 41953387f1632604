import { SQSClient } from '@aws-sdk/client-sqs';
import { ingestEnvSchema, loadConfig } from '../../shared/config.js';
import { SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { defaultStorageClients } from '../runtime.js';
import { buildIngestDeps } from './deps.js';
import { createIngestHandler } from './handler.js';

const config = loadConfig(ingestEnvSchema);

export const handler = createIngestHandler(
  buildIngestDeps(config, {
    ...defaultStorageClients(),
    analyzeQueue: new SqsMessageQueue(new SQSClient({}), config.PRECIS_ANALYZE_QUEUE_URL),
  }),
);
