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
 * An SQS-triggered handler that runs `handleRecord` on each record and
 * reports the records that threw as batch item failures, so one bad message
 * never fails the others (the event source mapping needs
 * `reportBatchItemFailures`).
 */
export function sqsBatchHandler(
  handleRecord: (record: SQSRecord) => Promise<void>,
  { logger, metrics }: Observability,
) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler((event, context) =>
      processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
    );
}
