import { describe, expect, it } from 'vitest';
import { articleIdFor, type Status } from '../../shared/article.js';
import type { ArticleRepository, BlobStore, SourceRef } from '../../shared/ports.js';
import { sweep } from '../../shared/usecases/sweep.js';
import { articleRecord } from '../helpers/articles.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const BUCKET = 'precis-articles';

const article = (key: string, status: Status, updatedMinutesAgo: number) =>
  articleRecord(BUCKET, key, status, {
    receivedAt: minutesAgo(120).toISOString(),
    updatedAt: minutesAgo(updatedMinutesAgo).toISOString(),
  });

describe('the sweep', () => {
  it('sends uploads with no article to ingest, and stuck articles to their next stage; nothing else', async () => {
    const known = [
      article('incoming/known.txt', 'DONE', 90),
      article('incoming/stuck-received.txt', 'RECEIVED', 60),
      article('incoming/stuck-cleaned.txt', 'CLEANED', 45),
      article('incoming/stuck-analyzing.txt', 'ANALYZING', 31),
      article('incoming/busy.txt', 'ANALYZING', 2),
    ];
    const objects = [
      { key: 'incoming/lost.txt', size: 5, etag: '"l"', lastModified: minutesAgo(40) },
      { key: 'incoming/known.txt', size: 5, etag: '"k"', lastModified: minutesAgo(90) },
      { key: 'incoming/just-uploaded.txt', size: 5, etag: '"j"', lastModified: minutesAgo(1) },
      { key: 'incoming/folder/', size: 0, etag: null, lastModified: minutesAgo(100) },
    ];
    const ingested: SourceRef[] = [];
    const analyzed: string[] = [];
    const report = await sweep({
      blobs: {
        async *list() {
          yield* objects;
        },
      } as unknown as BlobStore,
      articles: {
        get: async (id: string) => known.find((a) => a.id === id),
        list: async ({ status }: { status?: Status }) => ({
          items: known.filter((a) => a.status === status),
          nextCursor: null,
        }),
      } as unknown as ArticleRepository,
      ingestQueue: { send: async (source) => void ingested.push(source) },
      analyzeQueue: { send: async ({ articleId }) => void analyzed.push(articleId) },
      clock: () => NOW,
      config: { bucket: BUCKET, staleAfterMs: 30 * 60_000 },
    });

    expect(ingested).toEqual([
      { bucket: BUCKET, key: 'incoming/lost.txt', etag: '"l"', size: 5, sequencer: '0' },
      { bucket: BUCKET, key: 'incoming/stuck-received.txt', etag: '"e"', size: 10, sequencer: '00ABC' },
    ]);
    expect(analyzed.sort()).toEqual(
      [articleIdFor(BUCKET, 'incoming/stuck-cleaned.txt'), articleIdFor(BUCKET, 'incoming/stuck-analyzing.txt')].sort(),
    );
    expect(report).toMatchObject({ objects: 3, unknown: [articleIdFor(BUCKET, 'incoming/lost.txt')] });
  });

  it('at the local start takes every upload with no article, but those whose event waits in the queue', async () => {
    const ingested: string[] = [];
    await sweep(
      {
        blobs: {
          async *list() {
            yield* [
              { key: 'incoming/a.txt', size: 1, etag: null, lastModified: minutesAgo(0) },
              { key: 'incoming/b.txt', size: 1, etag: null, lastModified: minutesAgo(0) },
            ];
          },
        } as unknown as BlobStore,
        articles: {
          get: async () => undefined,
          list: async () => ({ items: [], nextCursor: null }),
        } as unknown as ArticleRepository,
        ingestQueue: { send: async (source) => void ingested.push(source.key) },
        analyzeQueue: { send: async () => undefined },
        clock: () => NOW,
        config: { bucket: BUCKET, staleAfterMs: 30 * 60_000 },
      },
      { uploadsOlderThanMs: 0, queued: (key) => key === 'incoming/b.txt' },
    );
    expect(ingested).toEqual(['incoming/a.txt']);
  });
});
