import { describe, expect, it } from 'vitest';
import { observability } from '../../lambdas/runtime.js';
import { sqsBatchHandler } from '../../lambdas/sqs-batch.js';
import { context, sqsRecord } from '../helpers/events.js';

describe('an SQS batch handler given two batches at once', () => {
  it('reports each batch its own failed messages, as the local stack runs a function on several batches at once', async () => {
    // Prepare: the first batch's failing message fails only once the second batch has started.
    let second: () => void = () => undefined;
    const secondStarted = new Promise<void>((resolve) => {
      second = resolve;
    });
    const handler = sqsBatchHandler(
      async (record) => {
        const { fail, wait } = JSON.parse(record.body) as { fail: boolean; wait: boolean };
        if (!wait) second();
        else await secondStarted;
        if (fail) throw new Error('the table is down');
        return [{ outcome: 'done' }];
      },
      { ...observability('test-batch'), maxReceives: 5 },
    );
    const a = [sqsRecord({ fail: true, wait: true }, { messageId: 'a-fails' }), sqsRecord({ fail: false, wait: true })];
    const b = [sqsRecord({ fail: false, wait: false }), sqsRecord({ fail: false, wait: false })];

    // Act
    const [first, other] = await Promise.all([
      handler({ Records: a }, context('batch')),
      handler({ Records: b }, context('batch')),
    ]);

    // Assess: the failure stays with its batch, so its message comes back instead of being deleted.
    expect(first?.batchItemFailures).toEqual([{ itemIdentifier: 'a-fails' }]);
    expect(other?.batchItemFailures).toEqual([]);
  });
});
