import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { type BatchReport, runBatches } from '../../shared/usecases/batch-run.js';
import { METRICS } from '../metrics.js';
import type { BatchHandlerDeps } from './deps.js';

/** The scheduled batch function: collects the batches that ended, then submits the calls put off since. */
export function createBatchHandler(deps: BatchHandlerDeps) {
  const { logger, metrics } = deps;
  return middy<ScheduledEvent, BatchReport, Error, Context>()
    .use(deps.tracing.middleware())
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async () => {
      const report = await runBatches(deps);
      const { submitted, collected } = { ...report.submit, ...report.collect };
      const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);
      const back = sum(collected, (c) => c.realtime.length);
      const counts: [string, number][] = [
        [METRICS.batch.submitted, submitted.length],
        [METRICS.batch.requests, sum(submitted, (s) => s.requests)],
        [METRICS.batch.collected, collected.length],
        [METRICS.batch.answered, sum(collected, (c) => c.lines.answered)],
        [METRICS.batch.failed, sum(collected, (c) => c.lines.failed)],
        [METRICS.batch.realtime, back],
      ];
      // Every run says all six, zeros included: a graph of them shows an idle function as idle, not as missing.
      for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
      if (back > 0) logger.warn('batch articles sent back to the normal path', { ...report });
      else logger.info('batch run', { ...report });
      return report;
    });
}
