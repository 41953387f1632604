import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig, sweepEnvSchema } from '../../shared/config.js';
import { SqsBodyQueue, SqsDeadLetterQueue, SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { resendsOf, s3EventBody, sourcesOf } from '../ingest/s3-event.js';
import { defaultStorageClients, observability, traced } from '../runtime.js';
import { buildSweepDeps } from './deps.js';
import { createSweepHandler } from './handler.js';

const config = loadConfig(sweepEnvSchema);
const observe = observability('precis-sweep');
const sqs = traced(observe.tracing, new SQSClient({}));

export const handler = createSweepHandler(
  buildSweepDeps(
    config,
    {
      ...defaultStorageClients(observe.tracing),
      ingestQueue: new SqsBodyQueue(sqs, config.PRECIS_INGEST_QUEUE_URL),
      analyzeQueue: new SqsMessageQueue(sqs, config.PRECIS_ANALYZE_QUEUE_URL),
      ingestDeadLetters: {
        queue: new SqsDeadLetterQueue(sqs, config.PRECIS_INGEST_DLQ_URL),
        sourcesOf,
        resendsOf,
      },
    },
    s3EventBody,
    observe,
  ),
);
