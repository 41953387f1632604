import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { Redelivery } from './sqs-batch.js';

/** SQS's limit on a message's visibility timeout. */
const MAX_VISIBILITY_S = 12 * 60 * 60;

/** The Redelivery of a real SQS queue: the queue URL is read from the record's ARN. */
export function sqsRedelivery(sqs: { send(command: ChangeMessageVisibilityCommand): Promise<unknown> }): Redelivery {
  return {
    async delay(record, delayMs) {
      const [, , , region, account, name] = record.eventSourceARN.split(':');
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: `https://sqs.${region}.amazonaws.com/${account}/${name}`,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: Math.min(MAX_VISIBILITY_S, Math.max(1, Math.ceil(delayMs / 1000))),
        }),
      );
    },
  };
}
