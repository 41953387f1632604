import { type ArticleRecord, articleIdFor, objectKeys } from '../article.js';
import type { ArticleRepository, BlobStore, Clock, IngestQueue, MessageQueue } from '../ports.js';
import { uploadOf } from './delivery.js';

export interface SweepDeps {
  blobs: BlobStore;
  articles: ArticleRepository;
  ingestQueue: IngestQueue;
  analyzeQueue: MessageQueue;
  clock: Clock;
  config: {
    /** The article bucket, whose `incoming/` is swept. */
    bucket: string;
    /** An article untouched for longer than this in a state that should move is taken as stuck. */
    staleAfterMs: number;
  };
}

export interface SweepReport {
  /** Uploads under incoming/ looked at. */
  objects: number;
  /** Uploads with no article (their S3 event never arrived), sent to ingest. */
  unknown: string[];
  /** Articles stuck in RECEIVED, sent to ingest again. */
  reingested: string[];
  /** Articles stuck in CLEANED or ANALYZING, or reopened for their translations, sent to analyze again. */
  reanalyzed: string[];
}

/**
 * The statuses an article only leaves when a message drives it, and where
 * that message goes. A PARTIAL article moves only when a reprocess of its
 * translations reopened it (see `waitsForMessage`).
 */
const MOVING = { RECEIVED: 'ingest', CLEANED: 'analyze', ANALYZING: 'analyze', PARTIAL: 'analyze' } as const;

/** A PARTIAL article reopened for its translations and untouched since: its message was lost. */
const waitsForMessage = (article: ArticleRecord) =>
  article.status !== 'PARTIAL' || article.reprocess?.requestedAt === article.updatedAt;

/**
 * Drives again what a lost or delayed message left behind, so that no upload
 * stays unknown and no article stays stuck. Safe to run at any time and
 * twice at once: every stage claims its work with a conditional write, so a
 * message sent for an article another delivery is working on is a no-op.
 *
 * 1. Every object under `incoming/` (folder markers aside) older than its
 *    event could still be on the way, that has no article, is sent to the
 *    ingest queue as its S3 event would have been, with the lowest
 *    sequencer: any real event for the key supersedes it.
 * 2. Every article RECEIVED, CLEANED or ANALYZING that has not changed for
 *    `staleAfterMs` (longer than any lease and visibility timeout) is sent
 *    again to the queue of its next stage; so is a PARTIAL article a
 *    reprocess reopened for its translations and nothing touched since.
 *    (Otherwise PARTIAL is an end state: a queue retry of its translations
 *    whose message was lost leaves it PARTIAL, for a reprocess to redo.)
 */
export async function sweep(
  deps: SweepDeps,
  options: {
    /**
     * Uploads younger than this may still have their event on the way, and
     * are left alone (default: staleAfterMs). The local stack at start passes
     * 0, with `queued` telling the uploads whose event waits in its queue.
     */
    uploadsOlderThanMs?: number;
    queued?: (key: string) => boolean;
  } = {},
): Promise<SweepReport> {
  const { blobs, articles, ingestQueue, analyzeQueue, clock, config } = deps;
  const report: SweepReport = { objects: 0, unknown: [], reingested: [], reanalyzed: [] };
  const uploadedBefore = clock().getTime() - (options.uploadsOlderThanMs ?? config.staleAfterMs);

  for await (const object of blobs.list(config.bucket, objectKeys.incomingPrefix)) {
    if (object.key.endsWith('/')) continue;
    report.objects++;
    if ((object.lastModified?.getTime() ?? 0) > uploadedBefore || options.queued?.(object.key)) continue;
    const id = articleIdFor(config.bucket, object.key);
    if (await articles.get(id)) continue;
    await ingestQueue.send({
      bucket: config.bucket,
      key: object.key,
      etag: object.etag,
      size: object.size,
      sequencer: '0',
    });
    report.unknown.push(id);
  }

  const staleBefore = clock().getTime() - config.staleAfterMs;
  for (const [status, next] of Object.entries(MOVING) as [keyof typeof MOVING, 'ingest' | 'analyze'][]) {
    let cursor: string | undefined;
    do {
      const page = await articles.list({ status, limit: 100, cursor });
      for (const article of page.items) {
        if (Date.parse(article.updatedAt) > staleBefore || !waitsForMessage(article)) continue;
        if (next === 'ingest') {
          await ingestQueue.send(uploadOf(article));
          report.reingested.push(article.id);
        } else {
          await analyzeQueue.send({ articleId: article.id });
          report.reanalyzed.push(article.id);
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return report;
}
