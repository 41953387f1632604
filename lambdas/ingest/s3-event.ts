import * as z from 'zod/mini';
import { once } from '../../shared/lazily.js';
import type { SourceRef } from '../../shared/ports.js';

/**
 * S3 event notifications as they reach the ingest queue: read by the ingest
 * function, written by the sweep for an upload whose own event was lost. No
 * heavier import here: the sweep's bundle takes this file alone, and the
 * api's (which sends uploads to be cleaned again) at every cold start, hence
 * zod/mini rather than classic zod. The schema is built with the first body
 * read: the api reads one only in a redrive, and its cold start would
 * otherwise build twenty schemas that every other request leaves unused.
 */

const s3Record = () =>
  z.object({
    eventName: z.string(),
    s3: z.object({
      bucket: z.object({ name: z.string() }),
      object: z.object({
        key: z.string(),
        size: z.optional(z.number().check(z.int(), z.nonnegative())),
        eTag: z.optional(z.string()),
        sequencer: z.optional(z.string()),
      }),
    }),
  });

const notification = once(() =>
  z.union([
    z.object({ Records: z.array(s3Record()) }),
    // S3 sends one when the notification is configured; it carries no object.
    z.object({ Event: z.literal('s3:TestEvent') }),
  ]),
);

/**
 * Encodes an object key as S3 does in event notifications: URL-encoded,
 * with spaces as '+', slashes kept. `decodeS3Key` reads it back.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The SQS body S3 would send for an upload: what a sweep sends for one whose
 * event was lost. One the sweep sends again from the dead letters says how
 * many times it has (`precisResends`, which S3 never sends; see resendsOf).
 */
export function s3EventBody(source: SourceRef, resends = 0): string {
  return JSON.stringify({
    ...(resends > 0 ? { precisResends: resends } : {}),
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: source.bucket },
          object: {
            key: encodeS3EventKey(source.key),
            ...(source.size === null ? {} : { size: source.size }),
            ...(source.etag === null ? {} : { eTag: source.etag }),
            sequencer: source.sequencer,
          },
        },
      },
    ],
  });
}

/** S3 URL-encodes keys in event records ("my file.txt" arrives as "my+file.txt"). */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The uploads an SQS message carries: S3 ObjectCreated records, keys decoded. */
export function sourcesOf(body: string): SourceRef[] {
  const parsed = notification().parse(JSON.parse(body));
  if (!('Records' in parsed)) return [];
  return parsed.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeS3Key(r.s3.object.key),
    etag: r.s3.object.eTag ?? null,
    size: r.s3.object.size ?? null,
    sequencer: r.s3.object.sequencer ?? '0',
  }));
}

/** How many times the sweep has sent this body's upload again from the dead letters (0 for S3's own event). */
export function resendsOf(body: string): number {
  try {
    const { precisResends } = JSON.parse(body) as { precisResends?: unknown };
    return typeof precisResends === 'number' && Number.isInteger(precisResends) && precisResends > 0
      ? precisResends
      : 0;
  } catch {
    return 0;
  }
}
