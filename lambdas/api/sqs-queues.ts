import { SQSClient } from '@aws-sdk/client-sqs';
import type { ApiConfig } from '../../shared/config.js';
import { SqsBodyQueue, SqsDeadLetterQueue, SqsMessageQueue } from '../../shared/storage/sqs-queue.js';
import type { Observability } from '../runtime.js';
import type { ApiQueues } from './deps.js';

/**
 * The api's queues on SQS, from the configured URLs. Imported by deps.ts
 * with the first message sent or read (a chunk of its own): most requests
 * only read articles, and the SQS client would otherwise be parsed at every
 * cold start.
 */
export function sqsQueues(config: ApiConfig, tracing: Observability['tracing']): ApiQueues {
  const sqs = tracing.client(new SQSClient({}));
  return {
    ingest: new SqsBodyQueue(sqs, config.PRECIS_INGEST_QUEUE_URL),
    analyze: new SqsMessageQueue(sqs, config.PRECIS_ANALYZE_QUEUE_URL),
    deadLetters: {
      ingest: new SqsDeadLetterQueue(sqs, config.PRECIS_INGEST_DLQ_URL),
      analyze: new SqsDeadLetterQueue(sqs, config.PRECIS_ANALYZE_DLQ_URL),
    },
  };
}
