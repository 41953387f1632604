import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { type SweepReport, sweep } from '../../shared/usecases/sweep.js';
import type { SweepHandlerDeps } from './deps.js';

/** The scheduled sweep: drives again what lost events and messages left behind, and says what it found. */
export function createSweepHandler(deps: SweepHandlerDeps) {
  const { logger, metrics } = deps;
  return middy<ScheduledEvent, SweepReport, Error, Context>()
    .use(deps.tracing.middleware())
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async () => {
      const report = await sweep(deps);
      metrics.addMetric('UnknownUploadsDriven', MetricUnit.Count, report.unknown.length + report.deadLettered.length);
      metrics.addMetric('StuckArticlesDriven', MetricUnit.Count, report.reingested.length + report.reanalyzed.length);
      metrics.addMetric('EventsPublishedBySweep', MetricUnit.Count, report.published.length);
      const driven = report.unknown.length + report.deadLettered.length;
      if (driven + report.reingested.length + report.reanalyzed.length + report.published.length > 0) {
        logger.warn('sweep drove lost work again', { ...report });
      } else {
        logger.info('sweep found nothing lost', { objects: report.objects, stopped: report.stopped });
      }
      return report;
    });
}
