import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { SourceRef } from '../../shared/ports.js';
import type { Delivery } from '../../shared/usecases/delivery.js';
import { type IngestDeps, type IngestOutcome, ingestObject } from '../../shared/usecases/ingest-object.js';
import type { Observability } from '../runtime.js';
import { sqsBatchHandler } from '../sqs-batch.js';

const s3Record = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

const notification = z.union([
  z.object({ Records: z.array(s3Record) }),
  // S3 sends one when the notification is configured; it carries no object.
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

/** S3 URL-encodes keys in event records ("my file.txt" arrives as "my+file.txt"). */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The uploads an SQS message carries: S3 ObjectCreated records, keys decoded. */
export function sourcesOf(body: string): SourceRef[] {
  const parsed = notification.parse(JSON.parse(body));
  if (!('Records' in parsed)) return [];
  return parsed.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeS3Key(r.s3.object.key),
    etag: r.s3.object.eTag ?? null,
    size: r.s3.object.size ?? null,
    sequencer: r.s3.object.sequencer ?? '0',
  }));
}

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
        if (result.outcome !== 'busy') {
          metrics.addMetric(result.outcome === 'failed' ? 'ArticlesRejected' : 'ObjectsIngested', MetricUnit.Count, 1);
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
