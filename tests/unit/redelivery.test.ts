import { Readable } from 'node:stream';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAnalyzeHandler } from '../../lambdas/analyze/handler.js';
import { observability, storageAdapters } from '../../lambdas/runtime.js';
import { redeliveryOnFirstUse } from '../../lambdas/sqs-batch.js';
import { sqsRedelivery } from '../../lambdas/sqs-redelivery.js';
import type { AnalysisEngine } from '../../shared/analysis/engine.js';
import { LlmError } from '../../shared/analysis/llm/structured.js';
import { redeliveryDelayMs } from '../../shared/usecases/analyze-article.js';
import { context, sqsEvent, sqsRecord } from '../helpers/events.js';

const s3Mock = mockClient(S3Client);
const ddbMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const region = 'us-east-1';
const NOW = new Date('2026-01-01T00:00:00Z');
const TEXT = 'The council approved 14 new schools on Monday, the mayor said. '.repeat(8);

beforeEach(() => {
  s3Mock.reset();
  ddbMock.reset();
  sqsMock.reset();
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(TEXT)])) }));
});

function handler(engine: AnalysisEngine) {
  return createAnalyzeHandler({
    ...storageAdapters({ s3: new S3Client({ region }), dynamodb: new DynamoDBClient({ region }) }, 'articles'),
    ...observability('test-analyze'),
    engine,
    // As the analyze function builds it: the SQS client loaded with the first delay asked for.
    redelivery: redeliveryOnFirstUse(async () => sqsRedelivery(new SQSClient({ region }))),
    clock: () => NOW,
    maxReceives: 5,
    config: { bucket: 'b', targetLanguages: [], leaseMs: 300_000 },
  });
}

const claimed = {
  Attributes: { id: 'a1', status: 'ANALYZING', textKey: 'cleaned/a1.txt', contentHash: 'h', language: 'en' },
};
const visibility = () =>
  sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout);

/**
 * The tail after a crash: a message whose article is free again (its lease
 * given up, or ended) waited out its whole visibility timeout, 30 minutes in
 * AWS and the lease and 5 s locally, however soon the article could be taken.
 */
describe('a message whose article is free again', () => {
  it('comes back soon after a failure that may pass, later after each next one, not after the visibility timeout', async () => {
    // Prepare: the provider fails through every retry of the call.
    ddbMock.on(UpdateCommand).resolvesOnce(claimed).resolves({});
    const failing: AnalysisEngine = {
      name: 'failing',
      analyze: async () => {
        throw new LlmError('LLM_UNAVAILABLE', 'The server answered 503.', { permanent: false });
      },
    };
    // Act
    const first = await handler(failing)(
      sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'm', receiveCount: 1 })),
      context(),
    );
    ddbMock.reset();
    ddbMock.on(UpdateCommand).resolvesOnce(claimed).resolves({});
    await handler(failing)(sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'm', receiveCount: 2 })), context());
    // Assess: handed back, its lease given up, and back in 30 s, then in 2 minutes.
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    const release = ddbMock.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(release?.UpdateExpression).toContain('leaseUntil = :now');
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(2);
    expect(visibility()).toEqual([30, 120]);
    expect([1, 2, 3, 4, 5].map((n) => redeliveryDelayMs(n, 300_000))).toEqual([
      30_000, 120_000, 480_000, 900_000, 900_000,
    ]);
  });

  it('comes back when the lease holding it ends, so a holder that died is taken over then', async () => {
    // Prepare: another delivery holds the article for 40 s more.
    ddbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    ddbMock.on(GetCommand).resolves({ Item: { id: 'a1', status: 'ANALYZING', leaseUntil: NOW.getTime() + 40_000 } });
    // Act
    const response = await handler({ name: 'unused', analyze: async () => Promise.reject(new Error('not called')) })(
      sqsEvent(sqsRecord({ articleId: 'a1' }, { messageId: 'held' })),
      context(),
    );
    // Assess: 41 s, not the 30 minutes of the queue's visibility timeout.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'held' }]);
    expect(visibility()).toEqual([41]);
  });
});
