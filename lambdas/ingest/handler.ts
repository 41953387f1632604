import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { Delivery } from '../../shared/usecases/delivery.js';
import { type IngestDeps, type IngestOutcome, ingestObject } from '../../shared/usecases/ingest-object.js';
import { METRICS } from '../metrics.js';
import type { Observability } from '../runtime.js';
import { sqsBatchHandler } from '../sqs-batch.js';
import { sourcesOf } from './s3-event.js';

export { decodeS3Key, encodeS3EventKey, s3EventBody, sourcesOf } from './s3-event.js';

export interface IngestHandlerDeps extends IngestDeps, Observability {
  maxReceives: number;
}

/** SQS batch of S3 notifications → one ingest per uploaded object, failures reported per message. */
export function createIngestHandler(deps: IngestHandlerDeps) {
  const { logger, metrics } = deps;

  const recordHandler = async (record: SQSRecord, delivery: Delivery) => {
    const outcomes: IngestOutcome[] = [];
    for (const source of sourcesOf(record.body)) {
      try {
        const result = await ingestObject(source, delivery, deps);
        outcomes.push(result);
        logger.info('ingest', { key: source.key, ...result });
        if (result.outcome === 'cleaned') {
          metrics.addMetric(METRICS.ingested, MetricUnit.Count, 1);
          metrics.addMetric(METRICS.latency.ingest, MetricUnit.Milliseconds, result.ingestMs);
        } else if (result.outcome === 'failed') {
          // Ended at ingest (bad input): as FAILED as one that fails its analysis.
          metrics.addMetric(METRICS.ended.FAILED, MetricUnit.Count, 1);
        }
      } catch (error) {
        logger.warn('ingest failed; the message will be redelivered', {
          key: source.key,
          attempt: delivery.attempt,
          error,
        });
        throw error;
      }
    }
    return outcomes;
  };

  return sqsBatchHandler(recordHandler, deps);
}
