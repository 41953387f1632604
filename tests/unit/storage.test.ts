import { Readable } from 'node:stream';
import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { presigningS3Client } from '../../lambdas/runtime.js';
import { PrecisError } from '../../shared/errors.js';
import type { ArticleFinished } from '../../shared/ports.js';
import { DynamoArticleRepository, padSequencer } from '../../shared/storage/dynamo-article-repository.js';
import { EventBridgeArticleEvents, EventNotPublishedError } from '../../shared/storage/eventbridge-events.js';
import { S3BlobStore } from '../../shared/storage/s3-blob-store.js';
import { S3UploadSigner } from '../../shared/storage/s3-upload-signer.js';
import { SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import { codeOfAsync } from '../helpers/errors.js';

const s3Mock = mockClient(S3Client);
const ddbMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);

beforeEach(() => {
  s3Mock.reset();
  ddbMock.reset();
  sqsMock.reset();
});

describe('S3BlobStore', () => {
  const store = () => new S3BlobStore(new S3Client({ region: 'us-east-1' }));

  it('reads an object whole', async () => {
    // Prepare
    s3Mock
      .on(GetObjectCommand)
      .resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from('héllo')])), ContentLength: 6 });
    // Act
    const bytes = await store().get('b', 'incoming/a.txt', { maxBytes: 100 });
    // Assess
    expect(Buffer.from(bytes).toString('utf8')).toBe('héllo');
    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'b', Key: 'incoming/a.txt' });
  });

  it('refuses an object by its size without reading its body', async () => {
    let read = false;
    const body = sdkStreamMixin(
      new Readable({
        read() {
          read = true;
          this.push(null);
        },
      }),
    );
    s3Mock.on(GetObjectCommand).resolves({ Body: body, ContentLength: 6 * 1024 * 1024 });
    expect(await codeOfAsync(store().get('b', 'k', { maxBytes: 5 * 1024 * 1024 }))).toBe('TOO_LARGE');
    expect(read).toBe(false);
  });

  it('says SOURCE_NOT_FOUND for a deleted object and STORAGE_UNAVAILABLE (retryable) for other failures', async () => {
    s3Mock
      .on(GetObjectCommand)
      .rejectsOnce(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(
        new S3ServiceException({
          name: 'SlowDown',
          $fault: 'server',
          message: 'slow',
          $metadata: { httpStatusCode: 503 },
        }),
      );
    expect(await codeOfAsync(store().get('b', 'k'))).toBe('SOURCE_NOT_FOUND');
    const error = await store()
      .get('b', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrecisError);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', permanent: false });
  });

  it('writes text with its content type', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    await store().put('b', 'cleaned/x.txt', 'text', 'text/plain; charset=utf-8');
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'b',
      Key: 'cleaned/x.txt',
      Body: 'text',
      ContentType: 'text/plain; charset=utf-8',
    });
  });
});

describe('DynamoArticleRepository', () => {
  const repo = () =>
    new DynamoArticleRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'articles');
  const source = { bucket: 'b', key: 'incoming/a.txt', etag: 'e1', size: 10, sequencer: 'ABC' };
  const now = new Date('2026-01-01T00:00:00Z');
  const conditionFailed = () => new ConditionalCheckFailedException({ message: 'no', $metadata: {} });

  it('claims an object version with a conditional put', async () => {
    ddbMock.on(PutCommand).resolves({});
    expect(await repo().claimIngest('id1', source, now, 1000)).toEqual({ outcome: 'claimed' });
    const input = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toContain('attribute_not_exists(id)');
    expect(input?.Item).toMatchObject({
      id: 'id1',
      status: 'RECEIVED',
      sourceSequencer: padSequencer('ABC'),
      listPk: 'ARTICLE',
      // It waits for its ingest: in the sweep's index until it moves on.
      pending: 'RECEIVED',
    });
  });

  it('tells a takeover of attempts that died twice while cleaning from one that died once, or before cleaning, or of an older version', async () => {
    // Prepare: what each put replaced.
    const received = { sourceSequencer: padSequencer('ABC'), status: 'RECEIVED' };
    ddbMock
      .on(PutCommand)
      .resolvesOnce({ Attributes: { ...received, ingestStartedAt: 'then', cleaningDeaths: 1 } })
      .resolvesOnce({ Attributes: { ...received, ingestStartedAt: 'then' } })
      .resolvesOnce({ Attributes: { ...received, sourceSequencer: padSequencer('AB0'), ingestStartedAt: 'then' } })
      .resolvesOnce({ Attributes: received });
    // Act
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await repo().claimIngest('id1', source, now, 1000)).outcome);
    // Assess: a second death on this version; a first one (cleaned once more, the death kept); a newer
    // upload of the key; an attempt let go for a retry, or whose claim's answer was lost before cleaning.
    expect(outcomes).toEqual(['interrupted', 'claimed', 'claimed', 'claimed']);
    const input = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ReturnValues).toBe('ALL_OLD');
    expect(input?.Item).not.toHaveProperty('ingestStartedAt');
    const kept = ddbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues);
    expect(kept).toEqual([{ ':deaths': 1 }]);
  });

  it('reports a duplicate event as done, an older event as stale, and a live claim as busy', async () => {
    ddbMock.on(PutCommand).rejects(conditionFailed());
    ddbMock
      .on(GetCommand)
      .resolvesOnce({ Item: { id: 'id1', sourceSequencer: padSequencer('ABC'), status: 'DONE' } })
      .resolvesOnce({ Item: { id: 'id1', sourceSequencer: padSequencer('ABD'), status: 'RECEIVED' } })
      .resolvesOnce({ Item: { id: 'id1', sourceSequencer: padSequencer('ABC'), status: 'RECEIVED' } });
    expect(await repo().claimIngest('id1', source, now, 1000)).toEqual({ outcome: 'done', status: 'DONE' });
    expect(await repo().claimIngest('id1', source, now, 1000)).toEqual({ outcome: 'stale' });
    expect(await repo().claimIngest('id1', source, now, 1000)).toEqual({ outcome: 'busy' });
  });

  it('claims an analysis under a lease, and skips a finished article', async () => {
    ddbMock
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { id: 'id1', status: 'ANALYZING', leaseToken: 't', listPk: 'ARTICLE' } })
      .rejectsOnce(conditionFailed());
    ddbMock.on(GetCommand).resolves({ Item: { id: 'id1', status: 'DONE' } });
    const claimed = await repo().claimAnalysis('id1', now, 5000);
    expect(claimed).toMatchObject({ outcome: 'claimed', article: { id: 'id1', status: 'ANALYZING' } });
    expect(claimed.outcome === 'claimed' && 'leaseToken' in claimed.article).toBe(false);
    expect(await repo().claimAnalysis('id1', now, 5000)).toEqual({ outcome: 'skip', reason: 'terminal' });
  });

  it('pages newest first through an index with a sealed cursor, good for its own query only', async () => {
    ddbMock.on(QueryCommand).resolves({
      Items: [
        { id: 'a', status: 'DONE', listPk: 'ARTICLE', receivedAt: 'x' },
        { id: 'b', status: 'DONE', listPk: 'ARTICLE', receivedAt: 'w' },
      ],
      LastEvaluatedKey: { id: 'b', listPk: 'ARTICLE', receivedAt: 'w' },
    });
    const articles = repo();
    const page = await articles.list({ limit: 1 });
    expect(page.items).toEqual([{ id: 'a', status: 'DONE', receivedAt: 'x' }]);
    // One more than the page is read, to know whether another page follows; the cursor starts after the last shown.
    const input = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ IndexName: 'listByReceived', ScanIndexForward: false, Limit: 2 });
    expect(page.nextCursor).not.toContain('listPk');
    await articles.list({ limit: 1, cursor: page.nextCursor as string });
    expect(ddbMock.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({
      IndexName: 'listByReceived',
      ExclusiveStartKey: { id: 'a', listPk: 'ARTICLE', receivedAt: 'x' },
    });
    // Another query, a forged cursor: a 400, and no query reaches the table.
    expect(await codeOfAsync(articles.list({ limit: 1, cursor: page.nextCursor as string, status: 'DONE' }))).toBe(
      'INVALID_CURSOR',
    );
    expect(await codeOfAsync(articles.list({ limit: 1, cursor: 'not-a-cursor' }))).toBe('INVALID_CURSOR');
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('gives the last page no cursor, even when it is full', async () => {
    ddbMock.on(QueryCommand).resolves({
      Items: [{ id: 'a', status: 'DONE', listPk: 'ARTICLE', receivedAt: 'x' }],
      // DynamoDB names a last key whenever it stopped at Limit; here Limit was 2 and one item came.
    });
    expect((await repo().list({ limit: 1 })).nextCursor).toBeNull();
    // Stopped by the 1 MB cap before the extra item: its key is the cursor.
    ddbMock.on(QueryCommand).resolves({
      Items: [{ id: 'a', status: 'DONE', listPk: 'ARTICLE', receivedAt: 'x' }],
      LastEvaluatedKey: { id: 'a', listPk: 'ARTICLE', receivedAt: 'x' },
    });
    expect((await repo().list({ limit: 5 })).nextCursor).toEqual(expect.any(String));
  });

  it('turns an unreachable table into a retryable STORAGE_UNAVAILABLE', async () => {
    ddbMock.on(GetCommand).rejects(new Error('socket hang up'));
    expect(await codeOfAsync(repo().get('id1'))).toBe('STORAGE_UNAVAILABLE');
  });

  it('turns a write DynamoDB refuses as invalid into a permanent STORAGE_REJECTED, not an outage', async () => {
    const refusal = new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Item size has exceeded the maximum allowed size',
    });
    ddbMock.on(UpdateCommand).rejects(refusal);
    const saving = repo().saveCleaned('id1', 'seq', { text: 'x' } as never, new Date('2026-01-01T00:00:00Z'));
    const error = await saving.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PrecisError);
    expect(error).toMatchObject({ code: 'STORAGE_REJECTED', permanent: true });
    expect((error as Error).message).toMatch(/Item size has exceeded/);
  });
});

describe('SqsMessageQueue', () => {
  it('sends {articleId} as the message body', async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    await new SqsMessageQueue(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q').send({ articleId: 'abc' });
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs/q',
      MessageBody: '{"articleId":"abc"}',
    });
  });
});

describe('EventBridgeArticleEvents', () => {
  const bus = mockClient(EventBridgeClient);
  beforeEach(() => bus.reset());
  const event: ArticleFinished = {
    articleId: 'a1',
    status: 'FAILED',
    sourceBucket: 'b',
    sourceKey: 'incoming/x.html',
    title: null,
    language: null,
    engine: null,
    error: { code: 'BINARY_CONTENT', message: 'A PDF.', stage: 'ingest' },
    finishedAt: '2026-11-30T10:00:00.000Z',
  };

  it('puts one entry on the bus with its source, detail-type and the event as detail', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const errors: unknown[] = [];
    await new EventBridgeArticleEvents(new EventBridgeClient({}), 'default', (...a) => errors.push(a)).finished(event);
    const entry = bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'default', Source: 'precis', DetailType: 'Article finished' });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual(event);
    expect(errors).toEqual([]);
  });

  it('reports a refused entry or an unreachable bus, and rejects, so the event stays pending for the sweep', async () => {
    const errors: unknown[][] = [];
    const events = new EventBridgeArticleEvents(new EventBridgeClient({}), 'default', (...a) => errors.push(a));
    bus
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    await expect(events.finished(event)).rejects.toBeInstanceOf(EventNotPublishedError);
    bus.on(PutEventsCommand).rejects(new Error('connect ETIMEDOUT'));
    await expect(events.finished(event)).rejects.toBeInstanceOf(EventNotPublishedError);
    expect(errors).toEqual([
      ['event not published', { articleId: 'a1', code: 'InternalFailure', reason: 'x' }],
      ['event not published', { articleId: 'a1', error: 'connect ETIMEDOUT' }],
    ]);
  });
});

describe('S3UploadSigner', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  const sign = (client: S3Client) =>
    new S3UploadSigner(client).signPut('bucket', 'incoming/a.html', {
      contentType: 'text/html',
      contentLength: 1234,
      expiresInSeconds: 300,
    });

  it('signs a URL with no checksum in it, the size and type as headers', async () => {
    const url = new URL(await sign(presigningS3Client({ region: 'eu-west-1', credentials })));
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
  });

  it('hands out no URL that signs the checksum of no bytes, as a client left with the SDK’s default would', async () => {
    await expect(sign(new S3Client({ region: 'eu-west-1', credentials }))).rejects.toThrow(/WHEN_REQUIRED/);
  });
});
