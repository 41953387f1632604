import { articleIdFor, isFolderMarker, objectKeys } from '../article.js';
import { InvalidInputError, tooLargeMessage } from '../errors.js';
import { CLEAN_BUDGET_MS } from '../limits.js';
import type { ArticleEvents, ArticleRepository, BlobStore, Cleaner, Clock, MessageQueue, SourceRef } from '../ports.js';
import { type Delivery, failOrRethrow } from './delivery.js';

export interface IngestDeps {
  blobs: BlobStore;
  articles: ArticleRepository;
  analyzeQueue: MessageQueue;
  /** Cleans the bytes: in a worker with a heap cap at the edge, in process in unit tests. */
  cleaner: Cleaner;
  /** Told when an upload ends FAILED here. */
  events?: ArticleEvents;
  clock: Clock;
  config: {
    /** Bucket the cleaned text is written to. */
    bucket: string;
    maxObjectBytes: number;
    /** Longer articles end TOO_LONG. */
    maxWords?: number;
    /** How long a delivery owns the upload; cleaning must end well inside it (STAGE_TIMEOUT). */
    leaseMs: number;
    languages?: readonly string[];
  };
}

export type IngestOutcome =
  | { outcome: 'cleaned'; articleId: string; ingestMs: number }
  | { outcome: 'failed'; articleId: string; code: string }
  /** Already ingested (a duplicate event); the analysis message is sent again if it may have been lost. */
  | { outcome: 'duplicate'; articleId: string }
  /** A newer upload of the same key superseded this event. */
  | { outcome: 'stale'; articleId: string }
  /** Another live delivery holds this upload: the message must come back later, so a crashed holder is taken over. */
  | { outcome: 'busy'; articleId: string }
  /** Not under incoming/, or a folder marker (an empty key ending in `/`): not an article upload. */
  | { outcome: 'ignored'; articleId: null };

/** Time kept back from the lease for writing the cleaned text and the item after cleaning. */
const SAVE_MARGIN_MS = 10_000;

/**
 * Ingests one uploaded object.
 *
 * 1. Ignore keys outside `incoming/`, and folder markers (`incoming/x/` with no bytes, as the S3 console
 *    makes them). A key ending in `/` that holds bytes is an upload like any other (isFolderMarker).
 * 2. Claim the object version on the article item (RECEIVED); a duplicate or stale event stops here,
 *    and one whose version another delivery holds is `busy`. One whose attempts died twice while
 *    cleaning it (their process died on it) ends FAILED, INGEST_INTERRUPTED, instead of being
 *    cleaned again: an upload that kills its process must not go on killing the next ones. A death
 *    before cleaning started (a claim whose answer an outage lost) does not count.
 * 3. Refuse an empty or too-large object by its size, before reading it.
 * 4. Read the bytes; mark cleaning started; clean them with the cleaner (decode, format, main text, artifacts, metadata,
 *    language, hash), within CLEAN_BUDGET_MS once started and the lease less SAVE_MARGIN_MS.
 * 5. Write the cleaned text to `cleaned/<id>.txt`; set the item CLEANED with its metadata.
 * 6. Send `{articleId}` to the analyze queue.
 *
 * Bad input ends the article FAILED at once with its code (a worker that its upload stopped, by
 * the heap cap or the deadline, included). Other failures let go of the claim and are thrown for
 * the queue to redeliver; on the last receive the article is marked FAILED first.
 */
export async function ingestObject(source: SourceRef, delivery: Delivery, deps: IngestDeps): Promise<IngestOutcome> {
  if (!source.key.startsWith(objectKeys.incomingPrefix) || isFolderMarker(source)) {
    return { outcome: 'ignored', articleId: null };
  }
  const { blobs, articles, analyzeQueue, clock, config } = deps;
  const articleId = articleIdFor(source.bucket, source.key);
  const started = clock();

  const claim = await articles.claimIngest(articleId, source, started, config.leaseMs);
  if (claim.outcome === 'stale' || claim.outcome === 'busy') return { outcome: claim.outcome, articleId };
  if (claim.outcome === 'done') {
    // The first delivery may have died between CLEANED and sending the message.
    if (claim.status === 'CLEANED') await analyzeQueue.send({ articleId });
    return { outcome: 'duplicate', articleId };
  }

  try {
    if (claim.outcome === 'interrupted') {
      throw new InvalidInputError(
        'INGEST_INTERRUPTED',
        'Two attempts to clean this upload stopped without finishing: their process died (out of memory or time, or stopped) while cleaning it. It is not cleaned again; reprocess the article to try once more.',
      );
    }
    if (source.size === 0) throw new InvalidInputError('EMPTY_OBJECT', 'The uploaded object is empty (0 bytes).');
    if (source.size !== null && source.size > config.maxObjectBytes) {
      throw new InvalidInputError('TOO_LARGE', tooLargeMessage(source.size, config.maxObjectBytes));
    }
    const bytes = await blobs.get(source.bucket, source.key, { maxBytes: config.maxObjectBytes });
    // From here a death of the process counts against the upload (see step 2).
    if (!(await articles.startCleaning(articleId, source.sequencer, clock()))) return { outcome: 'stale', articleId };
    // The cleaner measures real time: what the delivery already spent is taken off the lease.
    const window = Math.max(config.leaseMs - SAVE_MARGIN_MS, config.leaseMs / 2);
    const cleaned = await deps.cleaner.clean(bytes, {
      name: source.key,
      languages: config.languages,
      maxWords: config.maxWords,
      maxBytes: config.maxObjectBytes,
      budgetMs: Math.min(CLEAN_BUDGET_MS, window),
      endBy: Date.now() + window - (clock().getTime() - started.getTime()),
    });
    const textKey = objectKeys.cleaned(articleId);
    await blobs.put(config.bucket, textKey, cleaned.text, 'text/plain; charset=utf-8');
    const { text: _text, cleanerVersion: _version, ...metadata } = cleaned;
    const ingestMs = clock().getTime() - started.getTime();
    const saved = await articles.saveCleaned(articleId, source.sequencer, { ...metadata, textKey, ingestMs }, clock());
    if (!saved) return { outcome: 'stale', articleId };
    await analyzeQueue.send({ articleId });
    return { outcome: 'cleaned', articleId, ingestMs };
  } catch (error) {
    const { code } = await failOrRethrow(error, {
      articleId,
      stage: 'ingest',
      delivery,
      articles,
      clock,
      sequencer: source.sequencer,
      events: deps.events,
      article: { sourceBucket: source.bucket, sourceKey: source.key },
    }).catch(async (rethrown: unknown) => {
      // Retried by the queue: this attempt ended, and the next one must not take it for one that died.
      await articles.releaseIngest(articleId, source.sequencer, clock()).catch(() => false);
      throw rethrown;
    });
    return { outcome: 'failed', articleId, code };
  }
}
