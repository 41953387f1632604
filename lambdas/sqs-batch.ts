import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PrecisError } from '../shared/errors.js';
import { loadOnce } from '../shared/lazily.js';
import type { Delivery } from '../shared/usecases/delivery.js';
import { publishMetrics } from './metrics.js';
import type { Observability } from './runtime.js';

/** Which receive of its message a record is, for the use cases' last-delivery rules. */
export function deliveryOf(record: SQSRecord, maxReceives: number): Delivery {
  return { attempt: Number(record.attributes.ApproximateReceiveCount) || 1, maxAttempts: maxReceives };
}

/**
 * Outcomes after which a message must come back: another delivery holds the
 * article (so a crashed holder is taken over after its lease), a partial
 * result has work left for the next delivery, or a server asked to wait.
 */
const REDELIVER = new Set(['busy', 'retry-pending', 'retry-later']);

/** Makes a received message visible again after a delay (SQS ChangeMessageVisibility). */
export interface Redelivery {
  delay(record: SQSRecord, delayMs: number): Promise<void>;
}

/**
 * A Redelivery loaded when a record is first delayed (`load`, a dynamic
 * import): most deliveries never ask for a delay, and the SQS client that
 * sends one would otherwise be parsed at every cold start of the function.
 */
export function redeliveryOnFirstUse(load: () => Promise<Redelivery>): Redelivery {
  const loaded = loadOnce(load);
  return {
    async delay(record, delayMs) {
      await (await loaded()).delay(record, delayMs);
    },
  };
}

/** A record reported back to SQS because of its outcome, not because it failed. */
class Redeliver extends Error {
  override readonly name = 'Redeliver';
}

/**
 * An SQS-triggered handler, and the one place that decides what the queue
 * does with each message: a record whose handling threw, or whose outcome is
 * `busy`, `retry-pending` or `retry-later`, is reported as a batch item
 * failure, so SQS brings it back (and moves it to the dead-letter queue after
 * the receive limit): after the delay the outcome asks, when it asks one
 * (its article is free again by then: a lease ends, or was given up), else
 * after its visibility timeout. A record whose handling threw an error that
 * may pass (storage or a queue down: a transient PrecisError) comes back
 * after `retryDelayMs` of its receive when given, sooner than its
 * visibility timeout, which outlasts a whole delivery (six times the
 * function's timeout in AWS). Every other record is done and deleted. One
 * bad message never fails the others (the event source mapping needs
 * `reportBatchItemFailures`).
 */
export function sqsBatchHandler(
  handleRecord: (record: SQSRecord, delivery: Delivery) => Promise<readonly { outcome: string; delayMs?: number }[]>,
  deps: Observability & {
    maxReceives: number;
    redelivery?: Redelivery;
    /** How long a record whose handling threw a transient error waits, by its receive (1, 2, …). */
    retryDelayMs?: (attempt: number) => number;
  },
) {
  const { logger, metrics } = deps;
  const delay = async (record: SQSRecord, delayMs: number) => {
    try {
      await deps.redelivery?.delay(record, delayMs);
    } catch (error) {
      logger.warn('could not delay the message; it comes back after its visibility timeout', { error });
    }
  };
  const process = async (record: SQSRecord) => {
    const delivery = deliveryOf(record, deps.maxReceives);
    let outcomes: readonly { outcome: string; delayMs?: number }[];
    try {
      outcomes = await handleRecord(record, delivery);
    } catch (error) {
      // The failure passes with its cause (an outage ends): the message comes back when it may have, not after a
      // whole visibility timeout. Not after the last receive: the message goes to the dead-letter queue then.
      const transient = error instanceof PrecisError && !error.permanent;
      if (transient && deps.retryDelayMs && deps.redelivery && delivery.attempt < delivery.maxAttempts)
        await delay(record, deps.retryDelayMs(delivery.attempt));
      throw error;
    }
    const back = outcomes.find((o) => REDELIVER.has(o.outcome));
    if (!back) return;
    if (back.delayMs !== undefined && deps.redelivery) {
      await delay(record, back.delayMs);
      throw new Redeliver(`${back.outcome}: the message comes back in ${Math.ceil(back.delayMs / 1000)} s`);
    }
    throw new Redeliver(`${back.outcome}: the message comes back after its visibility timeout`);
  };
  return (
    middy<SQSEvent, SQSBatchResponse, Error, Context>()
      .use(deps.tracing.middleware())
      .use(injectLambdaContext(logger))
      .use(publishMetrics(metrics))
      // A processor per batch: it keeps the batch's failures as state, and the local stack hands one handler
      // several batches at once (a function's concurrency), which would report each other's failures.
      .handler((event, context) =>
        processPartialResponse(event, process, new BatchProcessor(EventType.SQS), {
          context,
          throwOnFullBatchFailure: false,
        }),
      )
  );
}
