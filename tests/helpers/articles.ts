import { type ArticleRecord, articleIdFor, type Status } from '../../shared/article.js';

/** An article record as the table holds it, uploaded under `key` to `bucket`; `fields` fill in the rest. */
export function articleRecord(
  bucket: string,
  key: string,
  status: Status,
  fields: Partial<ArticleRecord> = {},
): ArticleRecord {
  return {
    id: articleIdFor(bucket, key),
    sourceBucket: bucket,
    sourceKey: key,
    sourceEtag: '"e"',
    sourceSize: 10,
    sourceSequencer: '00ABC',
    status,
    receivedAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:05:00.000Z',
    ...fields,
  };
}
