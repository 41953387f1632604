import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig, sweepEnvSchema } from '../../shared/config.js';
import { SqsBodyQueue, SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { s3EventBody } from '../ingest/s3-event.js';
import { defaultStorageClients } from '../runtime.js';
import { buildSweepDeps } from './deps.js';
import { createSweepHandler } from './handler.js';

const config = loadConfig(sweepEnvSchema);
const sqs = new SQSClient({});

export const handler = createSweepHandler(
  buildSweepDeps(
    config,
    {
      ...defaultStorageClients(),
      ingestQueue: new SqsBodyQueue(sqs, config.PRECIS_INGEST_QUEUE_URL),
      analyzeQueue: new SqsMessageQueue(sqs, config.PRECIS_ANALYZE_QUEUE_URL),
    },
    s3EventBody,
  ),
);
