import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../shared/article.js';
import { DynamoArticleRepository } from '../../shared/storage/dynamo-article-repository.js';
import { DynamoSweepState } from '../../shared/storage/dynamo-sweep-state.js';
import { S3BlobStore } from '../../shared/storage/s3-blob-store.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);
beforeEach(() => {
  ddbMock.reset();
  s3Mock.reset();
});

const db = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const repo = (recordRetentionDays?: number) =>
  new DynamoArticleRepository(db(), 'articles', undefined, { recordRetentionDays });
const now = new Date('2026-01-01T00:00:00Z');
const result: AnalysisResult = {
  status: 'DONE',
  summary: { headline: 'h', short: 's', bullets: [] },
  claims: [],
  translations: {},
  usage: {},
  provenance: { engine: 'offline', model: null, promptVersion: null },
};
const updates = () => ddbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input);

describe('what an article waits for (the sweep index)', () => {
  it('is set by every transition to what comes next, and taken off once its event is out', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).resolves({ Attributes: { id: 'a', status: 'ANALYZING' } });
    const articles = repo();
    // Act
    await articles.saveCleaned(
      'a',
      'ABC',
      {
        format: 'text',
        encoding: 'utf-8',
        contentHash: 'h',
        wordCount: 40,
        textKey: 'cleaned/a.txt',
        ingestMs: 5,
        title: null,
        byline: null,
        publishedAt: null,
        site: null,
        url: null,
        language: 'en',
      },
      now,
    );
    await articles.claimAnalysis('a', now, 1000);
    await articles.saveAnalysis('a', 't', { result, cleanerVersion: 'c', analyzeMs: 1, retryPending: false }, now);
    await articles.saveAnalysis('a', 't', { result, cleanerVersion: 'c', analyzeMs: 1, retryPending: true }, now);
    await articles.markFailed('a', { code: 'NO_ARTICLE_TEXT', message: 'x', stage: 'ingest', attempts: 1 }, now);
    await articles.reopen(
      'a',
      { status: 'DONE', updatedAt: 'u' },
      { to: 'translations', request: { scope: 'translations', requestedAt: 'r', from: 'DONE' } },
      now,
    );
    await articles.reopen(
      'a',
      { status: 'DONE', updatedAt: 'u' },
      { to: 'analysis', request: { scope: 'all', requestedAt: 'r', from: 'DONE' } },
      now,
    );
    await articles.markPublished('a', '2026-01-01T00:00:00.000Z');
    // Assess
    const [cleaned, claimed, done, retry, failed, translations, analysis, published] = updates();
    expect(cleaned?.ExpressionAttributeValues?.[':pending']).toBe('CLEANED');
    expect(claimed?.UpdateExpression).toContain('pending = :analyzing');
    expect(done?.ExpressionAttributeValues?.[':pending']).toBe('EVENT');
    expect(retry?.ExpressionAttributeValues?.[':pending']).toBe('RETRY');
    expect(failed?.UpdateExpression).toContain('pending = :event');
    expect(failed?.ExpressionAttributeValues?.[':event']).toBe('EVENT');
    expect(translations?.ExpressionAttributeValues?.[':pending']).toBe('PARTIAL');
    expect(analysis?.ExpressionAttributeValues?.[':pending']).toBe('CLEANED');
    expect(published).toMatchObject({
      UpdateExpression: 'REMOVE pending',
      ConditionExpression: 'pending IN (:event, :retry) AND updatedAt = :at',
      ExpressionAttributeValues: { ':at': '2026-01-01T00:00:00.000Z' },
    });
  });

  it('is read keys only, oldest change first, within a window whose end is left to the next', async () => {
    // Prepare
    ddbMock.on(QueryCommand).resolves({
      Items: [
        { id: 'a', pending: 'CLEANED', updatedAt: '2026-01-01T00:00:00.000Z' },
        { id: 'b', pending: 'CLEANED', updatedAt: '2026-01-01T00:10:00.000Z' },
      ],
      LastEvaluatedKey: { id: 'b', pending: 'CLEANED', updatedAt: '2026-01-01T00:10:00.000Z' },
    });
    // Act
    const page = await repo().pending({
      pending: 'CLEANED',
      from: '2026-01-01T00:00:00.000Z',
      before: '2026-01-01T00:10:00.000Z',
      limit: 100,
    });
    await repo().pending({ pending: 'CLEANED', before: 'z', limit: 100, after: page.next });
    // Assess
    expect(page.items).toEqual([{ id: 'a', updatedAt: '2026-01-01T00:00:00.000Z' }]);
    const [first, second] = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({
      IndexName: 'pendingByUpdated',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :before',
      ScanIndexForward: true,
    });
    expect(second?.ExclusiveStartKey).toEqual({ id: 'b', pending: 'CLEANED', updatedAt: '2026-01-01T00:10:00.000Z' });
    expect(second?.KeyConditionExpression).toBe('#pk = :pk AND #sk < :before');
  });

  it('says until when another delivery holds an article, so its message can come back then', async () => {
    ddbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    ddbMock.on(GetCommand).resolves({ Item: { id: 'a', status: 'ANALYZING', leaseUntil: 1234 } });
    expect(await repo().claimAnalysis('a', now, 1000)).toEqual({ outcome: 'busy', leaseUntil: 1234 });
  });
});

describe('the record retention (the table TTL)', () => {
  it('sets when a finished article expires only when a retention is given, and takes it off an article on its way again', async () => {
    ddbMock.on(UpdateCommand).resolves({ Attributes: { id: 'a' } });
    const error = { code: 'NO_ARTICLE_TEXT', message: 'x', stage: 'ingest', attempts: 1 } as const;
    await repo(30).saveAnalysis('a', 't', { result, cleanerVersion: 'c', analyzeMs: 1, retryPending: false }, now);
    await repo(30).markFailed('a', error, now);
    await repo().saveAnalysis('a', 't', { result, cleanerVersion: 'c', analyzeMs: 1, retryPending: false }, now);
    await repo().markFailed('a', error, now);
    await repo(30).claimAnalysis('a', now, 1000);
    const [kept, failedKept, forever, failedForever, claimed] = updates();
    const in30Days = now.getTime() / 1000 + 30 * 86_400;
    expect(kept?.ExpressionAttributeValues?.[':expiresAt']).toBe(in30Days);
    expect(failedKept?.ExpressionAttributeValues?.[':expires']).toBe(in30Days);
    expect(JSON.stringify(forever)).not.toContain('expires');
    expect(JSON.stringify(failedForever)).not.toContain('expires');
    expect(claimed?.UpdateExpression).toContain('REMOVE expiresAt');
  });
});

describe('DynamoSweepState', () => {
  it('keeps where the sweep stopped as one item outside every index, and starts afresh without one', async () => {
    const state = new DynamoSweepState(db(), 'articles');
    ddbMock.on(GetCommand).resolvesOnce({});
    expect(await state.load()).toBeNull();
    const position = {
      pending: {},
      passed: {},
      uploads: { startAfter: 'incoming/x', passStartedAt: null, previousPassStartedAt: null, datedUntil: null },
    };
    ddbMock.on(PutCommand).resolves({});
    await state.save(position);
    expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'articles',
      Item: { id: 'sweep#state', position },
    });
    ddbMock.on(GetCommand).resolves({ Item: { id: 'sweep#state', position } });
    expect(await state.load()).toEqual(position);
  });
});

describe('S3BlobStore listing', () => {
  it('starts after a key when asked, and goes on with the continuation token alone', async () => {
    s3Mock
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'incoming/b', Size: 1 }], IsTruncated: true, NextContinuationToken: 't' })
      .resolvesOnce({ Contents: [{ Key: 'incoming/c', Size: 1 }], IsTruncated: false });
    const keys: string[] = [];
    for await (const o of new S3BlobStore(new S3Client({ region: 'us-east-1' })).list('b', 'incoming/', {
      startAfter: 'incoming/a',
    })) {
      keys.push(o.key);
    }
    expect(keys).toEqual(['incoming/b', 'incoming/c']);
    const [first, second] = s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(first).toMatchObject({ Prefix: 'incoming/', StartAfter: 'incoming/a' });
    expect(second).toEqual({ Bucket: 'b', Prefix: 'incoming/', ContinuationToken: 't' });
  });
});
