import { resolve } from 'node:path';
import { Aws, Duration, type Stack, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { CLEAN_WORKER } from '../lambdas/ingest/clean-worker-file.js';
import { DEFAULT_MAX_OBJECT_BYTES } from '../shared/config.js';
import { BUCKET_LAYOUT, type PrefixLayout } from '../shared/layout.js';
import { SWEEP_STATE_ID, TABLE_SCHEMA } from '../shared/storage/table.js';
import { analyzeConcurrencyFor } from './analyze-concurrency.js';
import { PrecisFunction } from './constructs/precis-function.js';
import type { PrecisContext } from './context.js';
import type { Storage } from './storage.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface Pipeline {
  ingest: PrecisFunction;
  analyze: PrecisFunction;
  sweep: PrecisFunction;
  queues: { ingest: Queue; analyze: Queue };
  deadLetters: { ingest: Queue; analyze: Queue };
}

/**
 * What turns an upload into an analysed article: uploads under `incoming/`
 * go to the ingest queue, the ingest function cleans them and sends each
 * article to the analyze queue, the analyze function analyses it; both
 * queues have a dead-letter queue after `maxReceives` receives (the
 * functions read it as PRECIS_MAX_RECEIVES).
 */
export function createPipeline(stack: Stack, storage: Storage, context: PrecisContext): Pipeline {
  const { bucket, bucketArn, table, secret } = storage;
  const maxReceives = context.maxReceives;
  const recordRetention = { PRECIS_RECORD_RETENTION_DAYS: String(context.recordRetentionDays) };
  const ingestTimeout = Duration.seconds(60);
  const analyzeTimeout = Duration.minutes(5);
  const dlq = (name: string) =>
    new Queue(stack, `${name}DeadLetters`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  // Six times the consumer's timeout, as AWS advises for a Lambda event source.
  const visibility = (consumerTimeout: Duration) => Duration.seconds(consumerTimeout.toSeconds() * 6);
  const queue = (name: string, deadLetterQueue: Queue, consumerTimeout: Duration) =>
    new Queue(stack, `${name}Queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: visibility(consumerTimeout),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: maxReceives },
    });
  const ingestDlq = dlq('Ingest');
  const ingestQueue = queue('Ingest', ingestDlq, ingestTimeout);
  const analyzeDlq = dlq('Analyze');
  const analyzeQueue = queue('Analyze', analyzeDlq, analyzeTimeout);

  // Each function is given what its code uses, and nothing else.
  const ingest = new PrecisFunction(stack, 'Ingest', {
    entry: resolve(ROOT, 'lambdas/ingest/index.ts'),
    serviceName: 'precis-ingest',
    languageModels: true,
    // Uploads are cleaned in a worker thread with a heap cap (lambdas/ingest/worker-cleaner.ts).
    workers: [CLEAN_WORKER],
    timeout: ingestTimeout,
    memorySize: 1024,
    environment: {
      PRECIS_MAX_RECEIVES: String(maxReceives),
      PRECIS_MAX_OBJECT_BYTES: String(DEFAULT_MAX_OBJECT_BYTES),
      PRECIS_INGEST_LEASE_MS: String(ingestTimeout.toMilliseconds()),
      ...recordRetention,
    },
  })
    .bindBucket(bucket, 'ingest')
    .bindTable(table, ['GetItem', 'PutItem', 'UpdateItem'])
    .bindAnalyzeQueue(analyzeQueue)
    .bindEventBus();

  const analyze = new PrecisFunction(stack, 'Analyze', {
    entry: resolve(ROOT, 'lambdas/analyze/index.ts'),
    serviceName: 'precis-analyze',
    languageModels: true,
    claimModel: true,
    timeout: analyzeTimeout,
    memorySize: 1024,
    environment: {
      PRECIS_MAX_RECEIVES: String(maxReceives),
      ...recordRetention,
      PRECIS_ENGINE: 'auto',
      PRECIS_MODEL: context.model,
      TARGET_LANGUAGES: context.targetLanguages.join(','),
      ...(context.openAiBaseUrl ? { OPENAI_BASE_URL: context.openAiBaseUrl } : {}),
      ...context.llmSettings,
      // The lease is the function's timeout; the LLM budget leaves time to save the result.
      PRECIS_ANALYZE_LEASE_MS: String(analyzeTimeout.toMilliseconds()),
      PRECIS_ARTICLE_BUDGET_MS: String(analyzeTimeout.toMilliseconds() - 30_000),
      // The sketch index's bands (table items) live as long as its entries (sketches/ in the bucket).
      PRECIS_SKETCH_RETENTION_DAYS: String(context[BUCKET_LAYOUT.sketches.contextKey]),
    },
  })
    .bindBucket(bucket, 'analyze')
    .bindTable(table, ['GetItem', 'BatchGetItem', 'UpdateItem', 'DeleteItem'])
    .bindOpenAiSecret(secret, context.openAiSecretKmsKeyArn || undefined)
    .bindEventBus();

  // ── Uploads under incoming/ → ingest queue ──────────────────────────────
  const s3CanSend = ingestQueue.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('s3.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [ingestQueue.queueArn],
      conditions: {
        ArnEquals: { 'aws:SourceArn': bucketArn },
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      },
    }),
  );
  const cfnBucket = bucket.node.defaultChild as CfnBucket;
  cfnBucket.notificationConfiguration = {
    queueConfigurations: [
      {
        event: 's3:ObjectCreated:*',
        queue: ingestQueue.queueArn,
        filter: { s3Key: { rules: [{ name: 'prefix', value: BUCKET_LAYOUT.incoming.prefix }] } },
      },
    ],
  };
  // S3 checks the destination when the configuration is set: the queue policy must come first.
  if (s3CanSend.policyDependable) cfnBucket.node.addDependency(s3CanSend.policyDependable);

  ingest.fn.addEventSource(
    new SqsEventSource(ingestQueue, {
      batchSize: 10,
      reportBatchItemFailures: true,
      maxConcurrency: context.ingestConcurrency,
    }),
  );
  analyze.fn.addEventSource(
    new SqsEventSource(analyzeQueue, {
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: analyzeConcurrencyFor(context),
    }),
  );

  for (const { prefix, readers, writers } of Object.values(BUCKET_LAYOUT as Record<string, PrefixLayout>)) {
    if (readers.length + writers.length === 0) continue;
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(cfnBucket)}.Arn>/${prefix}*]`,
      reason: `Object keys are known only at run time: one action on the ${prefix} prefix of the stack's own bucket.`,
    });
  }

  // ── The sweep: what lost events and messages left behind, every 15 minutes ──
  const sweepTimeout = Duration.minutes(5);
  const sweep = new PrecisFunction(stack, 'Sweep', {
    entry: resolve(ROOT, 'lambdas/sweep/index.ts'),
    serviceName: 'precis-sweep',
    timeout: sweepTimeout,
    memorySize: 512,
    environment: {
      PRECIS_INGEST_QUEUE_URL: ingestQueue.queueUrl,
      // Longer than the analyze lease and any visibility timeout: only what no delivery will pick up.
      PRECIS_SWEEP_STALE_MS: String(visibility(analyzeTimeout).plus(Duration.minutes(5)).toMilliseconds()),
      // A minute kept back from the timeout to save where the run stopped.
      PRECIS_SWEEP_BUDGET_MS: String(sweepTimeout.toMilliseconds() - 60_000),
    },
  })
    .bindBucket(bucket, 'sweep')
    .bindTable(table, ['GetItem', 'Query'], [TABLE_SCHEMA.byPending.indexName])
    .bindSweepWrites(table, SWEEP_STATE_ID, [TABLE_SCHEMA.partitionKey, 'pending', 'updatedAt'])
    .bindAnalyzeQueue(analyzeQueue)
    .bindEventBus();
  ingestQueue.grantSendMessages(sweep.fn);
  // An ingest message that died before its upload had a record is sent again from there.
  sweep.fn.addEnvironment('PRECIS_INGEST_DLQ_URL', ingestDlq.queueUrl);
  ingestDlq.grant(sweep.fn, 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility');
  new Rule(stack, 'SweepSchedule', {
    description: 'precis: drive again uploads whose S3 event was lost and articles a lost message left stuck',
    schedule: Schedule.rate(Duration.minutes(15)),
    targets: [new LambdaFunction(sweep.fn, { retryAttempts: 0 })],
  });

  return {
    ingest,
    analyze,
    sweep,
    queues: { ingest: ingestQueue, analyze: analyzeQueue },
    deadLetters: { ingest: ingestDlq, analyze: analyzeDlq },
  };
}
