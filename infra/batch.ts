import { resolve } from 'node:path';
import { Duration, type Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { TABLE_SCHEMA } from '../shared/storage/table.js';
import { PrecisFunction } from './constructs/precis-function.js';
import type { PrecisContext } from './context.js';
import type { Pipeline } from './pipeline.js';
import type { Storage } from './storage.js';

const ROOT = resolve(import.meta.dirname, '..');

/** How often the batch function runs: a batch takes minutes to hours, and its deadline is 24 hours. */
export const BATCH_SCHEDULE_MINUTES = 10;

/**
 * Batch mode's scheduled function: every ten minutes it collects the
 * provider's batches that ended (their articles go on to their next run)
 * and submits the calls articles put off since. Idle, it reads one index
 * query and nothing else, so a stack that never uses batch mode pays for
 * a few requests a day.
 */
export function createBatchFunction(stack: Stack, storage: Storage, pipeline: Pipeline, context: PrecisContext) {
  const { bucket, table, secret } = storage;
  const batch = new PrecisFunction(stack, 'Batch', {
    entry: resolve(ROOT, 'lambdas/batch/index.ts'),
    serviceName: 'precis-batch',
    timeout: Duration.minutes(5),
    memorySize: 1024,
    environment: {
      PRECIS_ENGINE: 'auto',
      PRECIS_MODEL: context.model,
      TARGET_LANGUAGES: context.targetLanguages.join(','),
      ...(context.openAiBaseUrl ? { OPENAI_BASE_URL: context.openAiBaseUrl } : {}),
      ...context.llmSettings,
    },
  })
    .bindBucket(bucket, 'batch')
    // Jobs are items of their own (PutItem); articles and jobs waiting are found through the pending index.
    .bindTable(table, ['GetItem', 'PutItem', 'UpdateItem', 'Query'], [TABLE_SCHEMA.byPending.indexName])
    .bindAnalyzeQueue(pipeline.queues.analyze)
    .bindOpenAiSecret(secret, context.openAiSecretKmsKeyArn || undefined);
  new Rule(stack, 'BatchSchedule', {
    description: "precis: collect the Batch API's ended batches and submit the calls put off (batch mode)",
    schedule: Schedule.rate(Duration.minutes(BATCH_SCHEDULE_MINUTES)),
    targets: [new LambdaFunction(batch.fn, { retryAttempts: 0 })],
  });
  return batch;
}
