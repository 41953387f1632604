import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyzeHandler } from '../../../lambdas/analyze/handler.js';
import { observability, storageAdapters } from '../../../lambdas/runtime.js';
import { LocalQueue } from '../../../local/queue.js';
import { OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import { context } from '../../helpers/events.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const LEASE_MS = 60_000;
const VISIBILITY_MS = LEASE_MS + 5_000;

const queues: LocalQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
  ddbMock.reset();
});

/** Waits for the queue to get somewhere: a wait for progress, long enough for any slow spell. */
const until = async (check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the local analyze queue after an outage', () => {
  it('brings back a message that failed while the table was down in a tenth of the lease, not after its visibility timeout', async () => {
    // Prepare: the queue's clock moves only when the test moves it; the table is down until the test says.
    let now = 1_000_000;
    let down = true;
    const claims: boolean[] = [];
    ddbMock.on(UpdateCommand).callsFake(async () => {
      claims.push(down);
      if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
      // Up again: the article has ended meanwhile, so the delivery has nothing left to do.
      throw new ConditionalCheckFailedException({ message: 'ended', $metadata: {} });
    });
    ddbMock.on(GetCommand).resolves({ Item: { id: 'a1', status: 'DONE' } });
    const queue = new LocalQueue({
      name: 'precis-analyze',
      visibilityTimeoutMs: VISIBILITY_MS,
      maxReceives: 5,
      batchSize: 1,
      concurrency: 1,
      pollIntervalMs: 10,
      clock: () => now,
    });
    queues.push(queue);
    const region = 'us-east-1';
    const handler = createAnalyzeHandler({
      ...storageAdapters({ s3: new S3Client({ region }), dynamodb: new DynamoDBClient({ region }) }, 'articles'),
      ...observability('test-analyze'),
      engine: new OfflineEngine(),
      // As the local stack wires it.
      redelivery: { delay: async (record, delayMs) => queue.changeVisibility(record.receiptHandle, delayMs) },
      clock: () => new Date(now),
      maxReceives: 5,
      config: { bucket: 'precis-articles', targetLanguages: [], leaseMs: LEASE_MS },
    });
    queue.send(JSON.stringify({ articleId: 'a1' }));
    queue.start((event) => handler(event, context('precis-analyze')));

    // Act: the first delivery fails on the outage.
    await until(() => claims.length >= 1 && queue.stats().inFlight === 0);
    const after = queue.pending[0];
    // The outage ends; the clock moves on by a tenth of the lease.
    down = false;
    now += LEASE_MS / 10;

    // Assess: the message waited a tenth of the lease, not its visibility timeout, and came back once it passed.
    expect(after?.visibleAt).toBe(1_000_000 + LEASE_MS / 10);
    await until(() => queue.stats().deleted === 1);
    expect(claims).toEqual([true, false]);
  });
});
