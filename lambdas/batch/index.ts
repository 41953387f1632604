import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { batchEnvSchema, loadConfig } from '../../shared/config.js';
import { SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { defaultStorageClients, observability, traced } from '../runtime.js';
import { buildBatchDeps } from './deps.js';
import { createBatchHandler } from './handler.js';

const config = loadConfig(batchEnvSchema);
const observe = observability('precis-batch');

export const handler = createBatchHandler(
  buildBatchDeps(
    config,
    {
      ...defaultStorageClients(observe.tracing),
      analyzeQueue: new SqsMessageQueue(traced(observe.tracing, new SQSClient({})), config.PRECIS_ANALYZE_QUEUE_URL),
      secrets: traced(observe.tracing, new SecretsManagerClient({})),
    },
    { observe },
  ),
);
