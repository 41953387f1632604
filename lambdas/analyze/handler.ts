import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { InProgressError } from '../../shared/errors.js';
import { type AnalyzeDeps, analyzeArticle, RetryLaterError } from '../../shared/usecases/analyze-article.js';
import type { Observability } from '../runtime.js';
import { deliveryOf, sqsBatchHandler } from '../sqs-batch.js';

const message = z.object({ articleId: z.string().min(1) });

export interface AnalyzeHandlerDeps extends AnalyzeDeps, Observability {
  maxReceives: number;
}

/** SQS batch of `{articleId}` messages → one analysis each, failures reported per message. */
export function createAnalyzeHandler(deps: AnalyzeHandlerDeps) {
  const { logger, metrics } = deps;

  const recordHandler = async (record: SQSRecord) => {
    const { articleId } = message.parse(JSON.parse(record.body));
    const delivery = deliveryOf(record, deps.maxReceives);
    try {
      const result = await analyzeArticle(articleId, delivery, deps);
      logger.info('analyze', { ...result });
      if (result.outcome !== 'skipped') {
        metrics.addMetric(result.outcome === 'failed' ? 'ArticlesFailed' : 'ArticlesAnalyzed', MetricUnit.Count, 1);
      }
    } catch (error) {
      if (error instanceof InProgressError) {
        logger.info('article held by another delivery; retried later', { articleId });
      } else if (error instanceof RetryLaterError) {
        logger.info('partial result saved; the failed translations are retried later', {
          articleId,
          languages: error.languages,
        });
      } else {
        logger.warn('analysis failed; the message will be redelivered', {
          articleId,
          attempt: delivery.attempt,
          error,
        });
      }
      throw error;
    }
  };

  return sqsBatchHandler(recordHandler, deps);
}
