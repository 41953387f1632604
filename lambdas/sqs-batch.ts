import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Delivery } from '../shared/usecases/delivery.js';
import type { Observability } from './runtime.js';

/** Which receive of its message a record is, for the use cases' last-delivery rules. */
export function deliveryOf(record: SQSRecord, maxReceives: number): Delivery {
  return { attempt: Number(record.attributes.ApproximateReceiveCount) || 1, maxAttempts: maxReceives };
}

/**
 * Outcomes after which a message must come back: another delivery holds the
 * article (so a crashed holder is taken over after its lease), or a partial
 * result has work left for the next delivery.
 */
const REDELIVER = new Set(['busy', 'retry-pending']);

/** A record reported back to SQS because of its outcome, not because it failed. */
class Redeliver extends Error {
  override readonly name = 'Redeliver';
}

/**
 * An SQS-triggered handler, and the one place that decides what the queue
 * does with each message: a record whose handling threw, or whose outcome is
 * `busy` or `retry-pending`, is reported as a batch item failure, so SQS
 * brings it back after its visibility timeout (and moves it to the
 * dead-letter queue after the receive limit); every other record is done and
 * deleted. One bad message never fails the others (the event source mapping
 * needs `reportBatchItemFailures`).
 */
export function sqsBatchHandler(
  handleRecord: (record: SQSRecord, delivery: Delivery) => Promise<readonly { outcome: string }[]>,
  deps: Observability & { maxReceives: number },
) {
  const { logger, metrics } = deps;
  const processor = new BatchProcessor(EventType.SQS);
  const process = async (record: SQSRecord) => {
    const outcomes = await handleRecord(record, deliveryOf(record, deps.maxReceives));
    const back = outcomes.find((o) => REDELIVER.has(o.outcome));
    if (back) throw new Redeliver(`${back.outcome}: the message comes back after its visibility timeout`);
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler((event, context) =>
      processPartialResponse(event, process, processor, { context, throwOnFullBatchFailure: false }),
    );
}
