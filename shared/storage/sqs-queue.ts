import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TransientError } from '../errors.js';
import type { DeadLetterQueue, MessageQueue } from '../ports.js';

async function sent(what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new TransientError('QUEUE_UNAVAILABLE', `${what} failed.`, error);
  }
}

/** The analyze queue on SQS. */
export class SqsMessageQueue implements MessageQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: { articleId: string }): Promise<void> {
    await sent('Sending the article to the analyze queue', () =>
      this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) })),
    );
  }
}

/** A queue on SQS that takes bodies as they are (the ingest queue's S3 event bodies). */
export class SqsBodyQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendBody(body: string): Promise<void> {
    await sent('Sending to the ingest queue', () =>
      this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body })),
    );
  }
}

/** A dead-letter queue on SQS, read without waiting; a message read is hidden for the queue's visibility timeout. */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive(max: number): Promise<{ body: string; handle: string }[]> {
    let messages: { Body?: string; ReceiptHandle?: string }[] = [];
    await sent('Reading the dead-letter queue', async () => {
      const answer = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.min(10, max),
          WaitTimeSeconds: 0,
        }),
      );
      messages = answer.Messages ?? [];
    });
    return messages
      .filter((m): m is { Body: string; ReceiptHandle: string } => Boolean(m.ReceiptHandle))
      .map((m) => ({ body: m.Body ?? '', handle: m.ReceiptHandle }));
  }

  async delete(handle: string): Promise<void> {
    await sent('Deleting from the dead-letter queue', () =>
      this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: handle })),
    );
  }
}
