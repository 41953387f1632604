import { Readable } from 'node:stream';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAnalyzeHandler } from '../../lambdas/analyze/handler.js';
import { createApiHandler } from '../../lambdas/api/handler.js';
import { createIngestHandler, decodeS3Key, s3EventBody, sourcesOf } from '../../lambdas/ingest/handler.js';
import { observability, presigningS3Client, storageAdapters } from '../../lambdas/runtime.js';
import { sqsRedelivery } from '../../lambdas/sqs-redelivery.js';
import { LlmError } from '../../shared/analysis/llm/structured.js';
import { OfflineEngine } from '../../shared/analysis/offline-engine.js';
import { articleIdFor } from '../../shared/article.js';
import { inProcessCleaner } from '../../shared/cleaning/cleaner.js';
import type { ArticleRepository } from '../../shared/ports.js';
import { padSequencer } from '../../shared/storage/dynamo-article-repository.js';
import { S3UploadSigner } from '../../shared/storage/s3-upload-signer.js';
import { SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { context, restEvent, s3Notification, sqsEvent, sqsRecord } from '../helpers/events.js';
import { sample } from '../helpers/samples.js';

const s3Mock = mockClient(S3Client);
const ddbMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const BUCKET = 'precis-test';
const region = 'us-east-1';

const body = (bytes: Buffer | string) =>
  sdkStreamMixin(Readable.from([Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)]));

function adapters() {
  return storageAdapters({ s3: new S3Client({ region }), dynamodb: new DynamoDBClient({ region }) }, 'articles');
}

function ingestHandler() {
  return createIngestHandler({
    ...adapters(),
    ...observability('test-ingest'),
    analyzeQueue: new SqsMessageQueue(new SQSClient({ region }), 'https://sqs.local/analyze'),
    cleaner: inProcessCleaner,
    clock: () => new Date('2026-01-01T00:00:00Z'),
    maxReceives: 3,
    config: { bucket: BUCKET, maxObjectBytes: 5 * 1024 * 1024, leaseMs: 30_000 },
  });
}

const failedUpdates = () =>
  ddbMock
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((input) => input.ExpressionAttributeValues?.[':failed'] === 'FAILED');

beforeEach(() => {
  s3Mock.reset();
  ddbMock.reset();
  sqsMock.reset();
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(UpdateCommand).resolves({});
  s3Mock.on(PutObjectCommand).resolves({});
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'x' });
});

describe('S3 notifications', () => {
  it('reads back the event a sweep writes for an upload whose own event was lost', () => {
    const source = { bucket: BUCKET, key: 'incoming/dossier été+1.html', etag: '"abc"', size: 1234, sequencer: '0' };
    expect(sourcesOf(s3EventBody(source))).toEqual([source]);
  });

  it('decodes keys as S3 encodes them', () => {
    expect(decodeS3Key('incoming/my+report+%2B+notes+%C3%A9.txt')).toBe('incoming/my report + notes é.txt');
    expect(sourcesOf(JSON.stringify({ Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
  });
});

describe('ingest handler', () => {
  it('cleans a good upload and fails a bad one in the same batch without failing the batch', async () => {
    // Prepare
    s3Mock
      .on(GetObjectCommand, { Key: 'incoming/Basra report é.html' })
      .resolves({ Body: body(sample('basra-water.html')) });
    s3Mock.on(GetObjectCommand, { Key: 'incoming/scan.txt' }).resolves({ Body: body(Buffer.from('%PDF-1.7 binary')) });
    const good = sqsRecord(s3Notification('incoming/Basra+report+%C3%A9.html', 9000));
    const bad = sqsRecord(s3Notification('incoming/scan.txt', 15));

    // Act
    const response = await ingestHandler()(sqsEvent(good, bad), context());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const goodId = articleIdFor(BUCKET, 'incoming/Basra report é.html');
    expect(sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input.MessageBody)).toEqual([
      JSON.stringify({ articleId: goodId }),
    ]);
    const cleaned = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(cleaned?.Key).toBe(`cleaned/${goodId}.txt`);
    expect(String(cleaned?.Body)).toMatch(/^BASRA — Rising salinity/);
    expect(failedUpdates()).toHaveLength(1);
    expect(failedUpdates()[0]?.ExpressionAttributeValues?.[':error']).toMatchObject({
      code: 'BINARY_CONTENT',
      stage: 'ingest',
    });
  });

  it('refuses an object over the size limit by its size, without reading it', async () => {
    const response = await ingestHandler()(
      sqsEvent(sqsRecord(s3Notification('incoming/huge.html', 6 * 1024 * 1024))),
      context(),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(failedUpdates()[0]?.ExpressionAttributeValues?.[':error']).toMatchObject({ code: 'TOO_LARGE' });
  });

  it('ignores a folder marker (a zero-byte key ending in /, as the S3 console creates), making no article', async () => {
    const response = await ingestHandler()(sqsEvent(sqsRecord(s3Notification('incoming/2026/', 0))), context());
    expect(response.batchItemFailures).toEqual([]);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('ingests a key ending in / that holds bytes, its format told from its content, instead of dropping it', async () => {
    // Prepare: a tool that left the file name off the key put an article at incoming/2026/.
    s3Mock.on(GetObjectCommand, { Key: 'incoming/2026/' }).resolves({ Body: body(sample('basra-water.html')) });
    // Act
    const response = await ingestHandler()(sqsEvent(sqsRecord(s3Notification('incoming/2026/', 9000))), context());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const id = articleIdFor(BUCKET, 'incoming/2026/');
    expect(sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input.MessageBody)).toEqual([
      JSON.stringify({ articleId: id }),
    ]);
    expect(String(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Body)).toMatch(/^BASRA — Rising salinity/);
    expect(failedUpdates()).toHaveLength(0);
  });

  it('reports a storage outage as a batch item failure, and marks the article FAILED on the last receive', async () => {
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'InternalError',
        $fault: 'server',
        message: 'boom',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    const first = sqsRecord(s3Notification('incoming/a.txt', 100), { messageId: 'first', receiveCount: 1 });
    expect((await ingestHandler()(sqsEvent(first), context())).batchItemFailures).toEqual([
      { itemIdentifier: 'first' },
    ]);
    expect(failedUpdates()).toHaveLength(0);

    const last = sqsRecord(s3Notification('incoming/a.txt', 100), { messageId: 'last', receiveCount: 3 });
    expect((await ingestHandler()(sqsEvent(last), context())).batchItemFailures).toEqual([{ itemIdentifier: 'last' }]);
    expect(failedUpdates()[0]?.ExpressionAttributeValues?.[':error']).toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      attempts: 3,
    });
  });

  it('ends an upload whose attempts died twice while cleaning it (their process died on it) FAILED, without cleaning it again', async () => {
    // Prepare: the claim takes over a version whose earlier attempt is still marked cleaning, after one that died.
    ddbMock.on(PutCommand).resolves({
      Attributes: {
        id: 'x',
        status: 'RECEIVED',
        sourceSequencer: padSequencer('0062E99A88DC407460'),
        ingestStartedAt: '2025-12-31T23:50:00.000Z',
        cleaningDeaths: 1,
      },
    });
    // Act
    const response = await ingestHandler()(
      sqsEvent(sqsRecord(s3Notification('incoming/poison.html', 55_000))),
      context(),
    );
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(failedUpdates()[0]?.ExpressionAttributeValues?.[':error']).toMatchObject({
      code: 'INGEST_INTERRUPTED',
      stage: 'ingest',
      message: expect.stringMatching(/process died .* not cleaned again; reprocess/),
    });
  });

  it('lets go of its claim before the queue retries, so the retry is not taken for an attempt that died', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'SlowDown',
        $fault: 'server',
        message: 'slow',
        $metadata: { httpStatusCode: 503 },
      }),
    );
    // Act
    const response = await ingestHandler()(
      sqsEvent(sqsRecord(s3Notification('incoming/a.txt', 100), { messageId: 'm', receiveCount: 1 })),
      context(),
    );
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    const release = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(release?.UpdateExpression).toBe('SET leaseUntil = :expired REMOVE ingestStartedAt');
    expect(release?.ConditionExpression).toBe('sourceSequencer = :seq AND #status = :received');
  });

  it('fails a malformed message for the dead-letter queue instead of dropping it', async () => {
    const response = await ingestHandler()(sqsEvent(sqsRecord('not json', { messageId: 'junk' })), context());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'junk' }]);
  });
});

describe('analyze handler', () => {
  function analyzeHandler() {
    return createAnalyzeHandler({
      ...adapters(),
      ...observability('test-analyze'),
      engine: new OfflineEngine(),
      clock: () => new Date('2026-01-01T00:00:00Z'),
      maxReceives: 3,
      config: { bucket: BUCKET, targetLanguages: ['ar'], leaseMs: 60_000 },
    });
  }
  /** What an earlier delivery spent. */
  const earlier = {
    inputTokens: 500,
    outputTokens: 50,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    calls: 1,
    costUsd: 0.002,
  };
  const claimed = (textKey: string) => ({
    Attributes: { id: 'a1', status: 'ANALYZING', textKey, contentHash: 'h', language: 'en', title: 'T' },
  });

  it('analyses a cleaned article and sets DONE, the record being the result', async () => {
    ddbMock.on(UpdateCommand).resolvesOnce(claimed('cleaned/a1.txt')).resolves({});
    const text = 'Kirkuk police opened 12 new checkpoints on Monday, the police chief said. '.repeat(3);
    s3Mock.on(GetObjectCommand).resolves({ Body: body(text) });

    const response = await analyzeHandler()(sqsEvent(sqsRecord({ articleId: 'a1' })), context());

    expect(response.batchItemFailures).toEqual([]);
    // No copy of the result in the bucket: nothing read it.
    expect(s3Mock.commandCalls(PutObjectCommand)).toEqual([]);
    const save = ddbMock.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(save?.ExpressionAttributeValues).toMatchObject({
      ':status': 'DONE',
      ':translations': { ar: { status: 'unavailable' } },
      ':provenance': { engine: 'offline', cleanerVersion: expect.any(String) },
    });
    expect(save?.ConditionExpression).toBe('#status = :analyzing AND leaseToken = :token');
  });

  it('hands a message back when another delivery holds the article, without analysing it', async () => {
    // Prepare: the claim's condition fails and the article is ANALYZING under a live lease.
    ddbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    ddbMock.on(GetCommand).resolves({ Item: { id: 'a1', status: 'ANALYZING', leaseUntil: Date.now() + 60_000 } });
    // Act
    const response = await analyzeHandler()(sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'held' })), context());
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'held' }]);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(failedUpdates()).toHaveLength(0);
  });

  it('writes no empty-metrics warning for a message that publishes nothing', async () => {
    // Prepare: the article is held by another delivery, so this one stores no metric.
    ddbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    ddbMock.on(GetCommand).resolves({ Item: { id: 'a1', status: 'ANALYZING', leaseUntil: Date.now() + 60_000 } });
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    // Act
    const response = await analyzeHandler()(sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'held' })), context());
    vi.restoreAllMocks();
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'held' }]);
    expect(written.join('')).not.toMatch(/No application metrics/);
  });

  /** The analyze handler over an engine that spends in three stages (two of them translations) in 1234 ms. */
  function meteredHandler(observe: ReturnType<typeof observability>) {
    ddbMock
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { ...claimed('cleaned/a1.txt').Attributes, usage: { analysis: earlier } } })
      .resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: body('The council approved 14 new schools on Monday. '.repeat(8)) });
    const offline = new OfflineEngine();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    return createAnalyzeHandler({
      ...adapters(),
      ...observe,
      engine: {
        name: 'metered',
        analyze: async (input, options) => {
          options.meter?.add(
            'analysis',
            { inputTokens: 900, outputTokens: 90, cachedInputTokens: 0, reasoningTokens: 0 },
            0.004,
          );
          options.meter?.add(
            'translation:ar',
            { inputTokens: 300, outputTokens: 30, cachedInputTokens: 0, reasoningTokens: 0 },
            null,
          );
          options.meter?.add(
            'translation:fr',
            { inputTokens: 100, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0 },
            0.001,
          );
          clock += 1234;
          return {
            ...(await offline.analyze(input, { ...options, targetLanguages: [] })),
            usage: options.meter?.usage ?? {},
          };
        },
      },
      clock: () => new Date(clock),
      maxReceives: 3,
      config: { bucket: BUCKET, targetLanguages: [], leaseMs: 60_000 },
    });
  }

  it("publishes the ended status, the analysis time, and this delivery's tokens and USD by stage", async () => {
    // Prepare: metrics on, as in Lambda (the tests' environment turns them off).
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const observe = observability('test-analyze');
    vi.unstubAllEnvs();
    const added: [string, number][] = [];
    const byStage: Record<string, string | number>[] = [];
    vi.spyOn(observe.metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      added.push([name, value]);
      return observe.metrics;
    });
    vi.spyOn(observe.metrics, 'singleMetric').mockImplementation(() => {
      const entry: Record<string, string | number> = {};
      byStage.push(entry);
      return {
        addDimension: (key: string, value: string) => {
          entry[key] = value;
        },
        addMetric: (name: string, _unit: unknown, value: number) => {
          entry[name] = value;
        },
      } as never;
    });
    // Act
    await meteredHandler(observe)(sqsEvent(sqsRecord({ articleId: 'a1' })), context());
    // Assess
    expect(added).toEqual([
      ['ArticlesDone', 1],
      ['AnalyzeLatency', 1234],
    ]);
    // Only what this delivery spent (the earlier delivery's 500 tokens are not counted again); no USD for an unpriced call.
    const fields = (stage: string) =>
      byStage.filter((e) => e.stage === stage).reduce((a, e) => Object.assign(a, e), {});
    expect(fields('analysis')).toEqual({ stage: 'analysis', InputTokens: 900, OutputTokens: 90, CostUsd: 0.004 });
    // The languages add up to one translation stage; one unpriced call makes its USD unknown, so none is sent.
    expect(fields('translation')).toEqual({ stage: 'translation', InputTokens: 400, OutputTokens: 40 });
  });

  it("writes each stage's figure as an EMF line of its own where metrics are on", async () => {
    // Prepare: metrics on, as in Lambda; what Powertools writes is captured.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const observe = observability('test-analyze');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    // Act
    try {
      await meteredHandler(observe)(sqsEvent(sqsRecord({ articleId: 'a1' })), context());
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    // Assess: one line a stage's figure, with its stage, the service and its unit, as CloudWatch reads them.
    const lines = written
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });
    const staged = lines
      .filter((line) => 'stage' in line)
      .map(({ _aws, ...rest }) => ({ ...rest, metrics: _aws.CloudWatchMetrics }));
    const emf = (stage: string, name: string, value: number, unit: string) => ({
      service: 'test-analyze',
      stage,
      [name]: value,
      metrics: [{ Namespace: 'precis', Dimensions: [['service', 'stage']], Metrics: [{ Name: name, Unit: unit }] }],
    });
    expect(staged).toEqual([
      emf('analysis', 'InputTokens', 900, 'Count'),
      emf('analysis', 'OutputTokens', 90, 'Count'),
      emf('analysis', 'CostUsd', 0.004, 'None'),
      emf('translation', 'InputTokens', 400, 'Count'),
      emf('translation', 'OutputTokens', 40, 'Count'),
    ]);
  });

  it('builds no metric of its own for a stage where metrics are off (the local stack)', async () => {
    // Prepare: the tests' environment, as the local stack's, turns metrics off.
    const observe = observability('test-analyze');
    const single = vi.spyOn(observe.metrics, 'singleMetric');
    // Act
    const response = await meteredHandler(observe)(sqsEvent(sqsRecord({ articleId: 'a1' })), context());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(observe.metrics.publishing).toBe(false);
    expect(single).not.toHaveBeenCalled();
  });

  it('saves a partial result and hands the message back while deliveries are left', async () => {
    // Prepare: an engine whose Arabic translation fails.
    ddbMock.on(UpdateCommand).resolvesOnce(claimed('cleaned/a1.txt')).resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: body('The council approved 14 new schools on Monday. '.repeat(8)) });
    const offline = new OfflineEngine();
    const handler = createAnalyzeHandler({
      ...adapters(),
      ...observability('test-analyze'),
      engine: {
        name: 'partial',
        analyze: async (input, options) => ({
          ...(await offline.analyze(input, options)),
          status: 'PARTIAL' as const,
          translations: { ar: { status: 'failed' as const, reason: 'LLM_TIMEOUT' } },
        }),
      },
      clock: () => new Date('2026-01-01T00:00:00Z'),
      maxReceives: 3,
      config: { bucket: BUCKET, targetLanguages: ['ar'], leaseMs: 60_000 },
    });
    // Act
    const response = await handler(sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'partial' })), context());
    // Assess: saved with a retry pending, and the message comes back.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'partial' }]);
    const save = ddbMock.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(save?.ExpressionAttributeValues).toMatchObject({ ':status': 'PARTIAL', ':retryPending': true });
  });

  it('gives the lease up, keeps what was spent, and delays the message as long as the LLM server asked', async () => {
    // Prepare: an engine that paid for one call, then was told to wait 120 s.
    ddbMock
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { ...claimed('cleaned/a1.txt').Attributes, usage: { analysis: earlier } } })
      .resolves({});
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: body('The council approved 14 new schools on Monday. '.repeat(8)) });
    const observe = observability('test-analyze');
    const warned = vi.spyOn(observe.logger, 'warn');
    const handler = createAnalyzeHandler({
      ...adapters(),
      ...observe,
      engine: {
        name: 'limited',
        analyze: async (_input, options) => {
          options.meter?.add(
            'analysis',
            { inputTokens: 100, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0 },
            0.001,
          );
          throw new LlmError('LLM_RATE_LIMITED', 'wait', { permanent: false, retryAfterMs: 120_000 });
        },
      },
      redelivery: sqsRedelivery(new SQSClient({ region })),
      clock: () => new Date('2026-01-01T00:00:00Z'),
      maxReceives: 3,
      config: { bucket: BUCKET, targetLanguages: [], leaseMs: 60_000 },
    });
    // Act
    const response = await handler(sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'later' })), context());
    // Assess: the message comes back in 120 s, from the queue its record came from.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'later' }]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q',
      ReceiptHandle: 'r',
      VisibilityTimeout: 120,
    });
    const release = ddbMock.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(release?.ConditionExpression).toBe('#status = :analyzing AND leaseToken = :token');
    expect(release?.ExpressionAttributeValues?.[':usage']).toEqual({
      analysis: {
        inputTokens: 600,
        outputTokens: 60,
        cachedInputTokens: 0,
        reasoningTokens: 0,
        calls: 2,
        costUsd: 0.003,
      },
    });
    expect(failedUpdates()).toHaveLength(0);
    // The log says why, under a key of its own: the logger drops one named "message", which is its line's own.
    expect(warned).toHaveBeenCalledWith('analysis put off; the message comes back later', {
      outcome: 'retry-later',
      articleId: 'a1',
      delayMs: 120_000,
      code: 'LLM_RATE_LIMITED',
      reason: 'wait',
      spent: expect.anything(),
    });
  });

  it('brings a message back soon after the table was down at its claim, later at each receive, and not after the last', async () => {
    // Prepare: DynamoDB does not answer, so no delivery can claim the article.
    ddbMock.on(UpdateCommand).rejects(new Error('connect ECONNREFUSED 127.0.0.1:8000'));
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    const handler = createAnalyzeHandler({
      ...adapters(),
      ...observability('test-analyze'),
      engine: new OfflineEngine(),
      redelivery: sqsRedelivery(new SQSClient({ region })),
      clock: () => new Date('2026-01-01T00:00:00Z'),
      maxReceives: 3,
      config: { bucket: BUCKET, targetLanguages: [], leaseMs: 60_000 },
    });
    // Act: the first, second and last receive of the message.
    const responses = [];
    for (const receiveCount of [1, 2, 3]) {
      const record = sqsRecord({ articleId: 'a1' }, { messageId: `down-${receiveCount}`, receiveCount });
      responses.push(await handler(sqsEvent(record), context()));
    }
    // Assess: each failed; the first two come back in a tenth of the lease, then four times that, instead of
    // the queue's visibility timeout; the last is left to go to the dead-letter queue.
    expect(responses.map((r) => r.batchItemFailures)).toEqual([
      [{ itemIdentifier: 'down-1' }],
      [{ itemIdentifier: 'down-2' }],
      [{ itemIdentifier: 'down-3' }],
    ]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout)).toEqual([
      6, 24,
    ]);
  });

  it('ends a text too short to summarise FAILED with TEXT_TOO_SHORT', async () => {
    ddbMock.on(UpdateCommand).resolvesOnce(claimed('cleaned/a1.txt')).resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: body('Breaking: a short note.') });

    const response = await analyzeHandler()(sqsEvent(sqsRecord({ articleId: 'a1' })), context());

    expect(response.batchItemFailures).toEqual([]);
    expect(failedUpdates()[0]?.ExpressionAttributeValues?.[':error']).toMatchObject({
      code: 'TEXT_TOO_SHORT',
      stage: 'analyze',
    });
  });
});

/** What the api's write routes need besides storage: queues that take nothing, no target languages. */
const apiQueues = {
  ingestQueue: { send: async () => {} },
  ingestMessages: { sourcesOf: () => [], sendBody: async () => {} },
  analyzeQueue: { send: async () => {} },
  deadLetters: {
    ingest: { receive: async () => [], delete: async () => {} },
    analyze: { receive: async () => [], delete: async () => {} },
  },
  clock: () => new Date(),
  // A real presigner over a client built as the api function builds it, with fixed credentials:
  // nothing leaves the process to sign.
  uploads: new S3UploadSigner(
    presigningS3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
  ),
  config: { bucket: BUCKET, targetLanguages: [], maxObjectBytes: 5 * 1024 * 1024 },
};

describe('api handler', () => {
  const apiWith = (articles: ArticleRepository) =>
    createApiHandler({
      articles,
      blobs: adapters().blobs,
      logger: observability('test-api').logger,
      ...apiQueues,
    });
  const api = () => createApiHandler({ ...adapters(), logger: observability('test-api').logger, ...apiQueues });
  const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';

  it('returns an article as JSON', async () => {
    ddbMock.on(GetCommand).resolves({ Item: { id, status: 'DONE', listPk: 'ARTICLE', leaseToken: 'secret' } });
    const response = await api()(restEvent(`/articles/${id}`), context());
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ id, status: 'DONE' });
  });

  it('answers problem+json 404 for an unknown article and 400 for a bad parameter', async () => {
    ddbMock.on(GetCommand).resolves({});
    const missing = await api()(restEvent(`/articles/${id}`), context());
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(missing.body)).toMatchObject({
      status: 404,
      title: 'Article not found',
      code: 'ARTICLE_NOT_FOUND',
    });
    const bad = await api()(restEvent('/articles', { limit: '1000' }), context());
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'INVALID_PARAMETER', detail: expect.stringContaining('limit') });
    const cursor = await api()(restEvent('/articles', { cursor: 'not-a-cursor' }), context());
    expect(JSON.parse(cursor.body)).toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
  });

  it('echoes a long path in the problem document cut to 80 characters, in instance as in detail', async () => {
    ddbMock.on(GetCommand).resolves({});
    const long = `/articles/${'a'.repeat(5_000)}`;
    const response = await api()(restEvent(long), context());
    const problem = JSON.parse(response.body) as { code: string; instance: string; detail: string };
    expect(problem.code).toBe('ARTICLE_NOT_FOUND');
    expect([...problem.instance]).toHaveLength(80);
    expect(problem.instance).toBe(`${long.slice(0, 79)}…`);
    expect(response.body.length).toBeLessThan(500);
  });

  it('answers 409 for the summary of an article not yet analysed', async () => {
    ddbMock.on(GetCommand).resolves({ Item: { id, status: 'CLEANED' } });
    const response = await api()(restEvent(`/articles/${id}/summary`), context());
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'NOT_ANALYSED' });
  });

  it("answers 503 STORAGE_UNAVAILABLE when a reprocess's copy of the previous run cannot be read, and 409 once it is gone", async () => {
    // Prepare: an article a reprocess took the analysis off, its previous run kept under history/.
    const previousKey = `history/${id}/2026-11-01T00-05-00.000Z.json`;
    ddbMock.on(GetCommand).resolves({
      Item: {
        id,
        status: 'ANALYZING',
        reprocess: { scope: 'all', requestedAt: '2026-12-01T10:00:00.000Z', from: 'DONE', previousKey },
      },
    });
    s3Mock.on(GetObjectCommand, { Key: previousKey }).rejects(new Error('connect ECONNRESET 52.95.1.1:443'));

    // Act
    const down = await Promise.all(
      ['summary', 'claims'].map((view) => api()(restEvent(`/articles/${id}/${view}`), context())),
    );
    s3Mock
      .on(GetObjectCommand, { Key: previousKey })
      .rejects(new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 } }));
    const gone = await api()(restEvent(`/articles/${id}/summary`), context());

    // Assess: storage down is to be tried again, not an article with no analysis.
    for (const response of down) {
      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body)).toMatchObject({ status: 503, code: 'STORAGE_UNAVAILABLE' });
      expect(response.body).not.toContain('52.95.1.1');
    }
    expect(gone.statusCode).toBe(409);
    expect(JSON.parse(gone.body)).toMatchObject({
      code: 'NOT_ANALYSED',
      detail: `Article ${id} has no analysis: it is ANALYZING; try again when it is DONE. The previous run's analysis is no longer kept.`,
    });
  });

  it('never leaks internals in a 5xx', async () => {
    const broken = {
      get: async () => {
        throw new TypeError('secret table layout at /var/task/index.js:42');
      },
    } as unknown as ArticleRepository;
    const response = await apiWith(broken)(restEvent(`/articles/${id}`), context());
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/secret|var\/task|TypeError/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 500, title: 'Internal server error' });

    ddbMock.on(GetCommand).rejects(new Error('connect ECONNREFUSED 10.0.0.7:443'));
    const down = await api()(restEvent(`/articles/${id}`), context());
    expect(down.statusCode).toBe(503);
    expect(down.body).not.toContain('10.0.0.7');
  });
});

describe('api handler: HTTP semantics', () => {
  const api = () => createApiHandler({ ...adapters(), logger: observability('test-api').logger, ...apiQueues });
  const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const post = (path: string, body: unknown) => ({
    ...restEvent(path, {}, 'POST'),
    body: JSON.stringify(body),
  });

  it('refuses a query parameter a route does not take, naming it and those the route takes, rather than ignoring it', async () => {
    // Prepare
    ddbMock
      .on(GetCommand)
      .resolves({ Item: { id, status: 'DONE', summary: { headline: 'h', short: 's', bullets: [] } } });
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const misspelt = await api()(restEvent('/articles', { stauts: 'DONE' }), context());
    const summary = await api()(restEvent(`/articles/${id}/summary`, { language: 'ar', x: '1' }), context());
    const claims = await api()(restEvent(`/articles/${id}/claims`, { lang: 'ar' }, 'HEAD'), context());
    const record = await api()(restEvent(`/articles/${id}`, { fields: 'summary' }), context());
    const known = await api()(restEvent('/articles', { status: 'DONE', limit: '5' }), context());
    const page = await api()(restEvent('/', { code: 'abc', state: 'xyz' }), context());

    // Assess
    const detail = (response: { body: string }) => (JSON.parse(response.body) as { detail: string }).detail;
    expect(misspelt.statusCode).toBe(400);
    expect(JSON.parse(misspelt.body)).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(detail(misspelt)).toBe(
      'Unknown query parameter "stauts" for GET /articles: it takes limit, cursor, status, key.',
    );
    expect(detail(summary)).toBe(
      'Unknown query parameters "language", "x" for GET /articles/{id}/summary: it takes lang.',
    );
    expect(claims.statusCode).toBe(400);
    expect(detail(record)).toBe(
      'Unknown query parameter "fields" for GET /articles/{id}: it takes no query parameters.',
    );
    expect(known.statusCode).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(1);
    expect(page.statusCode).toBe(200);
  });

  it('shows bidi overrides and other hidden characters it echoes in a detail as escapes, so they reorder nothing', async () => {
    // Act: a parameter name and an id with a right-to-left override, a zero-width space and a C1 control.
    const named = await api()(restEvent('/articles', { '\u202eevil': '1' }), context());
    const path = await api()(restEvent('/nowhere\u200b\u0085/x\u2067'), context());

    // Assess: the escape is what the detail says, as text; the characters themselves are gone.
    const detail = (response: { body: string }) => (JSON.parse(response.body) as { detail: string }).detail;
    expect(detail(named)).toBe(
      'Unknown query parameter "\\u202eevil" for GET /articles: it takes limit, cursor, status, key.',
    );
    expect(detail(path)).toBe('There is no route /nowhere\\u200b\\u0085/x\\u2067.');
    expect(JSON.parse(path.body)).toMatchObject({ instance: '/nowhere%E2%80%8B%C2%85/x%E2%81%A7' });
    expect(`${named.body}${path.body}`).not.toMatch(/[\u0085\u200b\u202e\u2067]/);
  });

  it('refuses a query parameter given twice with different values, rather than reading the last as the only one', async () => {
    // Prepare: API Gateway's REST proxy (and the local stack) put the last value in queryStringParameters, all of them in the multi-value map.
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    const repeated = (path: string, query: Record<string, string[]>) => ({
      ...restEvent(
        path,
        Object.fromEntries(Object.entries(query).map(([name, values]) => [name, values.at(-1) ?? ''])),
      ),
      multiValueQueryStringParameters: query,
    });

    // Act
    const either = await api()(repeated('/articles', { status: ['DONE', 'FAILED'], limit: ['5'] }), context());
    const twice = await api()(repeated(`/articles/${id}/summary`, { lang: ['fr', 'ar', 'de'] }), context());
    const same = await api()(repeated('/articles', { status: ['DONE', 'DONE'] }), context());

    // Assess
    expect(either.statusCode).toBe(400);
    expect(JSON.parse(either.body)).toMatchObject({
      code: 'INVALID_PARAMETER',
      detail: 'Query parameter "status" given 2 values for GET /articles ("DONE", "FAILED"): give it once.',
    });
    expect(JSON.parse(twice.body).detail).toBe(
      'Query parameter "lang" given 3 values for GET /articles/{id}/summary ("fr", "ar", "de"): give it once.',
    );
    expect(same.statusCode).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('answers 405 with Allow for a method a path does not take, OPTIONS with 204, HEAD as GET without a body', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await api()(restEvent('/articles', {}, method), context());
      expect(response.statusCode).toBe(405);
      expect(response.headers?.allow).toBe('GET, HEAD, OPTIONS, POST');
      expect(JSON.parse(response.body)).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    }
    const options = await api()(restEvent(`/articles/${id}/claims`, {}, 'OPTIONS'), context());
    expect(options).toMatchObject({ statusCode: 204, headers: { allow: 'GET, HEAD, OPTIONS' } });
    ddbMock.on(GetCommand).resolves({ Item: { id, status: 'DONE' } });
    const head = await api()(restEvent(`/articles/${id}`, {}, 'HEAD'), context());
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers?.['content-length'])).toBe(JSON.stringify({ id, status: 'DONE' }).length);
    const none = await api()(restEvent('/nothing', {}, 'PUT'), context());
    expect(none.statusCode).toBe(404);
  });

  it('takes only decimal digits for an integer, and cuts long values it echoes', async () => {
    for (const limit of ['1e1', '0x10', ' 5', '5.0', '-1', '0', '101', '']) {
      const response = await api()(restEvent('/articles', { limit }), context());
      expect(response.statusCode, limit).toBe(400);
      expect(JSON.parse(response.body).detail).toMatch(/^limit: /);
    }
    const long = 'x'.repeat(5000);
    const missing = await api()(restEvent(`/articles/${long}`), context());
    expect(missing.statusCode).toBe(404);
    expect(missing.body.length).toBeLessThan(600);
    const route = await api()(restEvent(`/${long}`), context());
    expect(route.body.length).toBeLessThan(600);
    const keys = await api()(post(`/articles/${id}/reprocess`, { [long]: 1 }), context());
    expect(keys.statusCode).toBe(400);
    expect(keys.body.length).toBeLessThan(600);
  });

  it('gives records an ETag and answers 304 to If-None-Match', async () => {
    ddbMock.on(GetCommand).resolves({ Item: { id, status: 'DONE', updatedAt: '2026-11-30T10:00:00.000Z' } });
    const first = await api()(restEvent(`/articles/${id}`), context());
    const etag = first.headers?.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await api()(
      { ...restEvent(`/articles/${id}`), headers: { 'If-None-Match': `W/${etag}` } },
      context(),
    );
    expect(again).toMatchObject({ statusCode: 304, body: '', headers: { etag } });
    ddbMock.on(GetCommand).resolves({ Item: { id, status: 'DONE', updatedAt: '2026-11-30T11:00:00.000Z' } });
    const changed = await api()({ ...restEvent(`/articles/${id}`), headers: { 'if-none-match': etag } }, context());
    expect(changed.statusCode).toBe(200);
    expect(changed.headers?.etag).not.toBe(etag);
  });

  it('takes an upload: content at once under incoming/, or a PUT URL signed for the size and type', async () => {
    const direct = await api()(
      post('/articles', { filename: 'Rates rise.md', content: '# Rates\n\nThe bank raised rates.' }),
      context(),
    );
    expect(direct.statusCode).toBe(201);
    const ticket = JSON.parse(direct.body);
    expect(ticket.key).toMatch(/^incoming\/uploads\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{12}-Rates-rise\.md$/);
    expect(ticket.id).toBe(articleIdFor(BUCKET, ticket.key));
    expect(ticket.upload).toBeNull();
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: BUCKET, Key: ticket.key });

    const signed = await api()(
      post('/articles', { filename: '../x/page.html', contentType: 'text/html', size: 1234 }),
      context(),
    );
    expect(signed.statusCode).toBe(201);
    const { upload, key } = JSON.parse(signed.body);
    expect(key).toMatch(/-page\.html$/);
    const url = new URL(upload.url);
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/html' } });
    expect(url.pathname).toContain(encodeURIComponent(key.split('/').at(-1)));
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(300);
    // Signed before the file exists, the URL carries no checksum: one would be of no bytes, and S3 would refuse the file.
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);

    const tooBig = await api()(post('/articles', { filename: 'a.txt', size: 6 * 1024 * 1024 }), context());
    expect(tooBig.statusCode).toBe(413);
    expect(JSON.parse(tooBig.body).code).toBe('TOO_LARGE');
    const bigInline = await api()(post('/articles', { filename: 'a.txt', content: 'x'.repeat(350 * 1024) }), context());
    expect(bigInline.statusCode).toBe(413);
    expect(JSON.parse(bigInline.body).detail).toBe(
      'The object is 350 KB; the limit is 256 KB for content in the request. Give its size instead, for an upload URL, which takes up to the size limit.',
    );
    for (const body of [{ filename: 'a.txt' }, { filename: 'a.txt', size: 3, content: 'abc' }, { size: 3 }]) {
      const bad = await api()(post('/articles', body), context());
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('api handler: what it refuses at the upload edge', () => {
  const api = () => createApiHandler({ ...adapters(), logger: observability('test-api').logger, ...apiQueues });
  const post = (path: string, body: unknown, query: Record<string, string> = {}) => ({
    ...restEvent(path, query, 'POST'),
    body: JSON.stringify(body),
  });

  it('refuses a content type no header can carry with a 400 on both paths, and stores nothing', async () => {
    // Prepare
    const types = ['text/ħtml', 'text/html\r\nx-amz-acl: public-read', 'html', 'text/plain; charset=ütf-8'];
    // Act
    const answers = [];
    for (const contentType of types) {
      answers.push(
        await api()(post('/articles', { filename: 'a.txt', contentType, content: 'Some text.' }), context()),
      );
      answers.push(await api()(post('/articles', { filename: 'a.txt', contentType, size: 10 }), context()));
    }
    // Assess
    for (const answer of answers) {
      expect(answer.statusCode).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({
        code: 'INVALID_PARAMETER',
        detail: expect.stringMatching(/^contentType: a media type/),
      });
    }
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('names the body when a POST’s parameters come in the query string, instead of saying they are missing', async () => {
    const response = await api()(post('/articles/reprocess', undefined, { status: 'DONE', dryRun: 'true' }), context());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).detail).toBe(
      'POST /articles/reprocess takes its parameters in a JSON body, not in the query string: send {"status":"DONE","dryRun":true} as the body (content-type: application/json).',
    );
    const missing = await api()(post('/articles/reprocess', {}), context());
    expect(JSON.parse(missing.body).detail).toBe('status: required: one of "DONE", "PARTIAL" or "FAILED"');
  });

  it('refuses a window that ends before it starts (400, not the 500 of a query the table refuses), and reads an offset as the instant in UTC', async () => {
    // Prepare
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const reversed = await api()(
      post('/articles/reprocess', {
        status: 'DONE',
        receivedFrom: '2026-12-06T00:00:00Z',
        receivedBefore: '2026-12-01T00:00:00Z',
        dryRun: true,
      }),
      context(),
    );
    const queriedBefore = ddbMock.commandCalls(QueryCommand).length;
    const offset = await api()(
      post('/articles/reprocess', {
        status: 'DONE',
        receivedFrom: '2026-12-05T20:00:00+05:00',
        receivedBefore: '2026-12-06T00:00:00Z',
        dryRun: true,
      }),
      context(),
    );

    // Assess
    expect(reversed.statusCode).toBe(400);
    expect(JSON.parse(reversed.body)).toMatchObject({
      code: 'INVALID_PARAMETER',
      detail: 'receivedBefore: must be later than receivedFrom',
    });
    expect(queriedBefore).toBe(0);
    expect(offset.statusCode).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':from': '2026-12-05T15:00:00.000Z',
      ':before': '2026-12-06T00:00:00.000Z',
    });
  });
});

describe('api handler with CORS', () => {
  it('answers a listed origin with CORS headers, and an unlisted one without', async () => {
    ddbMock.on(GetCommand).resolves({ Item: { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', status: 'DONE' } });
    const handler = createApiHandler({
      ...adapters(),
      logger: observability('test-api').logger,
      ...apiQueues,
      corsOrigins: ['https://dash.example'],
    });
    const event = (origin: string) => ({
      ...restEvent('/articles/aaaaaaaaaaaaaaaaaaaaaaaa'),
      headers: { origin, Origin: origin },
    });
    const allowed = await handler(event('https://dash.example'), context());
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://dash.example');
    const other = await handler(event('https://evil.example'), context());
    expect(other.headers?.['Access-Control-Allow-Origin']).not.toBe('https://evil.example');
  });
});
