import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { UsageMeter } from '../../shared/analysis/usage.js';
import type { StageUsage } from '../../shared/article.js';
import {
  type AnalyzeDeps,
  type AnalyzeOutcome,
  analyzeArticle,
  redeliveryDelayMs,
} from '../../shared/usecases/analyze-article.js';
import type { Delivery } from '../../shared/usecases/delivery.js';
import { METRICS } from '../metrics.js';
import type { Observability } from '../runtime.js';
import { type Redelivery, sqsBatchHandler } from '../sqs-batch.js';

const message = z.object({ articleId: z.string().check(z.minLength(1)) });

export interface AnalyzeHandlerDeps extends AnalyzeDeps, Observability {
  maxReceives: number;
  /** Delays a message the LLM server asked to wait for (the analyze queue). */
  redelivery?: Redelivery;
}

/**
 * An ended article by its status and the analysis's time, and what this
 * delivery's calls spent by stage (tokens, and USD when the price is known).
 */
function recordMetrics(result: AnalyzeOutcome, metrics: Observability['metrics']): void {
  if (result.outcome === 'analyzed') {
    metrics.addMetric(METRICS.ended[result.status], MetricUnit.Count, 1);
    metrics.addMetric(METRICS.latency.analyze, MetricUnit.Milliseconds, result.analyzeMs);
  } else if (result.outcome === 'failed') {
    metrics.addMetric(METRICS.ended.FAILED, MetricUnit.Count, 1);
  }
  // Each stage's figure is a Metrics of its own (Powertools reads its configuration again and makes a
  // console for it), about eight an article: none is built where metrics are off (the local stack, the
  // tests), whose output Powertools would drop.
  if (!metrics.publishing) return;
  const spent = 'spent' in result ? result.spent : undefined;
  // Stages as the dashboard shows them: `translation:ar` and `translation:fr` add up to `translation`.
  const byStage = new Map<string, Record<string, StageUsage>>();
  for (const [name, usage] of Object.entries(spent ?? {})) {
    const stage = name.split(':')[0] ?? name;
    byStage.set(stage, { ...byStage.get(stage), [name]: usage });
  }
  for (const [stage, usages] of byStage) {
    const total = UsageMeter.sum(usages);
    // Each stage's figures with their own dimension: a metric of its own, flushed at once.
    for (const [field, name] of Object.entries(METRICS.byStage) as [keyof typeof METRICS.byStage, string][]) {
      const value = total[field];
      if (value === null) continue;
      const single = metrics.singleMetric();
      single.addDimension('stage', stage);
      single.addMetric(name, field === 'costUsd' ? MetricUnit.NoUnit : MetricUnit.Count, value);
    }
  }
}

/** SQS batch of `{articleId}` messages → one analysis each, failures reported per message. */
export function createAnalyzeHandler(deps: AnalyzeHandlerDeps) {
  const { logger, metrics } = deps;

  const recordHandler = async (record: SQSRecord, delivery: Delivery) => {
    const { articleId } = message.parse(JSON.parse(record.body));
    try {
      const result = await analyzeArticle(articleId, delivery, deps);
      if (result.outcome === 'retry-later') {
        // Why, as `reason`: Powertools' logger drops a field named "message" (the line's own) with a warning.
        const { message: reason, ...rest } = result;
        logger.warn('analysis put off; the message comes back later', {
          ...rest,
          ...(reason === undefined ? {} : { reason }),
        });
      } else logger.info('analyze', { ...result });
      recordMetrics(result, metrics);
      return [result];
    } catch (error) {
      logger.warn('analysis failed; the message will be redelivered', { articleId, attempt: delivery.attempt, error });
      throw error;
    }
  };

  // A delivery that threw before it held the article (the table down at its claim) comes back as one whose
  // lease was given up does: soon, then later each time, so the receives still span an outage.
  return sqsBatchHandler(recordHandler, {
    ...deps,
    retryDelayMs: (attempt) => redeliveryDelayMs(attempt, deps.config.leaseMs),
  });
}
