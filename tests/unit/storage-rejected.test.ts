import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BatchJob } from '../../shared/batch/ports.js';
import { DynamoBatchTable } from '../../shared/storage/dynamo-batch-table.js';
import { DynamoSweepState } from '../../shared/storage/dynamo-sweep-state.js';
import { failure } from '../helpers/errors.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddbMock.reset());

const db = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const now = new Date('2026-01-01T00:00:00Z');

/** What DynamoDB answers to an item past 400 KB, or any request it finds malformed: the same every time. */
const refusal = () =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Item size has exceeded the maximum allowed size',
  });

const job: BatchJob = {
  job: 'file-1',
  state: 'uploaded',
  batchId: null,
  api: 'chat',
  model: 'm',
  articles: [{ id: 'a', queuedAt: now.toISOString() }],
  createdAt: now.toISOString(),
  deadline: null,
};
const batches = () => new DynamoBatchTable(db(), 'articles');
const sweep = () => new DynamoSweepState(db(), 'articles');
const position = {
  pending: {},
  passed: {},
  uploads: { startAfter: null, passStartedAt: null, previousPassStartedAt: null, datedUntil: null },
};

describe('a request the article table refuses as invalid', () => {
  it.each([
    ['recording a batch', PutCommand, () => batches().putJob(job, now)],
    ['marking an article submitted', UpdateCommand, () => batches().markSubmitted('a', 'q', {} as never, now)],
    ['saving where the sweep stopped', PutCommand, () => sweep().save(position as never)],
    ['reading where the sweep stopped', GetCommand, () => sweep().load()],
  ] as const)('is a permanent STORAGE_REJECTED when %s, not an outage to retry', async (_, command, act) => {
    // Prepare
    ddbMock.on(command as typeof PutCommand).rejects(refusal());
    // Act
    const error = await failure(act());
    // Assess
    expect(error).toMatchObject({ code: 'STORAGE_REJECTED', permanent: true });
    expect(error.message).toMatch(/Item size has exceeded/);
  });

  it.each([
    ['recording a batch', PutCommand, () => batches().putJob(job, now)],
    ['saving where the sweep stopped', PutCommand, () => sweep().save(position as never)],
  ] as const)('leaves a table it cannot reach a retryable STORAGE_UNAVAILABLE when %s', async (_, command, act) => {
    // Prepare
    ddbMock.on(command).rejects(new Error('socket hang up'));
    // Act
    const error = await failure(act());
    // Assess
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', permanent: false });
  });
});
