import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { type BatchReport, runBatches } from '../../shared/usecases/batch-run.js';
import type { BatchHandlerDeps } from './deps.js';

/** The scheduled batch function: collects the batches that ended, then submits the calls put off since. */
export function createBatchHandler(deps: BatchHandlerDeps) {
  const { logger, metrics } = deps;
  return middy<ScheduledEvent, BatchReport, Error, Context>()
    .use(captureLambdaHandler(deps.tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async () => {
      const report = await runBatches(deps);
      const requests = report.submit.submitted.reduce((sum, s) => sum + s.requests, 0);
      const back = report.collect.collected.reduce((sum, c) => sum + c.realtime.length, 0);
      metrics.addMetric('BatchRequestsSubmitted', MetricUnit.Count, requests);
      metrics.addMetric('BatchArticlesSentToRealtime', MetricUnit.Count, back);
      if (back > 0) logger.warn('batch articles sent back to the normal path', { ...report });
      else logger.info('batch run', { ...report });
      return report;
    });
}
