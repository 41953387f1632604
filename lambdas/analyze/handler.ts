import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { type AnalyzeDeps, analyzeArticle } from '../../shared/usecases/analyze-article.js';
import type { Delivery } from '../../shared/usecases/delivery.js';
import type { Observability } from '../runtime.js';
import { type Redelivery, sqsBatchHandler } from '../sqs-batch.js';

const message = z.object({ articleId: z.string().min(1) });

export interface AnalyzeHandlerDeps extends AnalyzeDeps, Observability {
  maxReceives: number;
  /** Delays a message the LLM server asked to wait for (the analyze queue). */
  redelivery?: Redelivery;
}

/** SQS batch of `{articleId}` messages → one analysis each, failures reported per message. */
export function createAnalyzeHandler(deps: AnalyzeHandlerDeps) {
  const { logger, metrics } = deps;

  const recordHandler = async (record: SQSRecord, delivery: Delivery) => {
    const { articleId } = message.parse(JSON.parse(record.body));
    try {
      const result = await analyzeArticle(articleId, delivery, deps);
      logger.info('analyze', { ...result });
      if (result.outcome === 'analyzed' || result.outcome === 'failed') {
        metrics.addMetric(result.outcome === 'failed' ? 'ArticlesFailed' : 'ArticlesAnalyzed', MetricUnit.Count, 1);
      }
      return [result];
    } catch (error) {
      logger.warn('analysis failed; the message will be redelivered', { articleId, attempt: delivery.attempt, error });
      throw error;
    }
  };

  return sqsBatchHandler(recordHandler, deps);
}
