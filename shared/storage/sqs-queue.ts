import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TransientError } from '../errors.js';
import type { MessageQueue } from '../ports.js';

/** The analyze queue on SQS. */
export class SqsMessageQueue implements MessageQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: { articleId: string }): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
    } catch (error) {
      throw new TransientError('QUEUE_UNAVAILABLE', 'Sending the article to the analyze queue failed.', error);
    }
  }
}
