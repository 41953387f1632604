import type {
  AnalysisResult,
  ArticleError,
  ArticleListing,
  ArticleMetadata,
  ArticleRecord,
  ReprocessRequest,
  SourceFormat,
  StageUsage,
  Status,
} from './article.js';
import type { CleanedArticle } from './cleaning/index.js';
import type { ErrorCode, Stage } from './errors.js';

/** Object storage (S3 in AWS, s3rver locally). */
export interface BlobStore {
  /**
   * Reads an object whole. Refuses it by its size, before reading the body,
   * when it is larger than `maxBytes` (throws TOO_LARGE); throws
   * SOURCE_NOT_FOUND when it does not exist.
   */
  get(bucket: string, key: string, options?: { maxBytes?: number }): Promise<Uint8Array>;
  put(bucket: string, key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /**
   * The objects under `prefix` in key order (after `startAfter` when given),
   * fetched a page of 1,000 at a time as they are read: a reader that stops
   * early has paid for the pages it read.
   */
  list(
    bucket: string,
    prefix: string,
    options?: { startAfter?: string },
  ): AsyncIterable<{ key: string; size: number; etag: string | null; lastModified: Date | null }>;
}

/** A queue that hands messages to a consumer (SQS in AWS, an in-process queue locally). */
export interface MessageQueue {
  send(message: { articleId: string }): Promise<void>;
}

/** The ingest queue, as a sweep drives an upload whose S3 event was lost. */
export interface IngestQueue {
  /** `resends`: how many times the sweep has sent this upload again from the dead letters (carried by the message). */
  send(source: SourceRef, options?: { resends?: number }): Promise<void>;
}

/** What identifies one version of an uploaded object. */
export interface SourceRef {
  bucket: string;
  key: string;
  etag: string | null;
  size: number | null;
  /** Orders the events of one key: a later upload has a greater sequencer. */
  sequencer: string;
}

export type IngestClaim =
  /** This delivery owns the ingest of this version. */
  | { outcome: 'claimed' }
  /**
   * This delivery owns it, taken over from earlier ones that started
   * cleaning and never ended (no CLEANED, no FAILED, not let go), twice:
   * their processes died on this upload, and would again. After one such
   * death the upload is cleaned once more (`claimed`): the process may have
   * died of something else (stopped, killed).
   */
  | { outcome: 'interrupted' }
  /** This version is already cleaned (or further); nothing to redo. */
  | { outcome: 'done'; status: Status }
  /** A newer upload of the key superseded this event. */
  | { outcome: 'stale' }
  /** Another live delivery holds this version: try again after it. */
  | { outcome: 'busy' };

export type AnalysisClaim =
  | { outcome: 'claimed'; article: ArticleRecord; leaseToken: string }
  /** `batch`: it waits on the Batch API; the batch function sends it on when its batch ends. */
  | { outcome: 'skip'; reason: 'missing' | 'terminal' | 'not-cleaned' | 'batch' }
  /** Another live delivery holds the article's lease, until `leaseUntil` (epoch ms): try again after it. */
  | { outcome: 'busy'; leaseUntil: number | null };

export interface CleanedFields extends ArticleMetadata {
  format: SourceFormat;
  encoding: string;
  contentHash: string;
  wordCount: number;
  textKey: string;
  ingestMs: number;
}

export interface AnalyzedFields {
  result: AnalysisResult;
  cleanerVersion: string;
  analyzeMs: number;
  /** A PARTIAL result whose failed translations are retried on redelivery. */
  retryPending: boolean;
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  status?: Status;
  /** Only articles received at or after this instant (ISO 8601). */
  receivedFrom?: string;
  /** Only articles received before this instant (ISO 8601). */
  receivedBefore?: string;
}

export interface ArticlePage {
  items: ArticleListing[];
  nextCursor: string | null;
}

/**
 * What an article waits for, while it waits: a message to its next stage
 * (its status: RECEIVED, CLEANED, ANALYZING, or PARTIAL when a reprocess
 * reopened its translations), or, once finished, its event to be published
 * (EVENT; RETRY for a PARTIAL article whose message comes back to retry its
 * translations). A finished article whose event is out waits for nothing.
 */
export type Pending =
  | 'RECEIVED'
  | 'CLEANED'
  | 'ANALYZING'
  | 'PARTIAL'
  | 'EVENT'
  | 'RETRY'
  /** Batch mode: calls put off, waiting to be submitted to the Batch API (the batch function's, not the sweep's). */
  | 'BATCH_QUEUED'
  /** Batch mode: waiting on a submitted batch. */
  | 'BATCH_WAIT'
  /** A batch job (not an article) that is not collected yet. */
  | 'BATCH';

export interface PendingQuery {
  pending: Pending;
  /** Only articles whose last change is at or after this instant (ISO 8601), when given. */
  from?: string | null;
  /** Only articles whose last change is before this instant (ISO 8601). */
  before: string;
  limit: number;
  /** Where the previous page stopped (its `next`). */
  after?: string | null;
}

export interface PendingPage {
  items: { id: string; updatedAt: string }[];
  /** Where the next page starts; null when this one ended the query. */
  next: string | null;
}

/**
 * The article table. Every state change is a conditional write, so duplicate
 * or concurrent deliveries cannot analyse an article twice (the local
 * DynamoDB has no transactions, and none are needed).
 */
export interface ArticleRepository extends ContentClaims {
  get(id: string): Promise<ArticleRecord | undefined>;
  /**
   * Starts (or restarts) the ingest of one object version; `busy` while another live delivery holds it,
   * `interrupted` when the attempts before died while cleaning it (see IngestClaim).
   */
  claimIngest(id: string, source: SourceRef, now: Date, leaseMs: number): Promise<IngestClaim>;
  /**
   * Marks this version's cleaning under way, until the attempt ends (CLEANED, FAILED, or let go): only a
   * death while cleaning counts against the upload, not one before (a claim whose answer an outage lost).
   * False when a newer upload superseded it.
   */
  startCleaning(id: string, sequencer: string, now: Date): Promise<boolean>;
  /** Lets go of this version after a failure the queue retries: free to claim, no attempt under way. */
  releaseIngest(id: string, sequencer: string, now: Date): Promise<boolean>;
  /** RECEIVED → CLEANED, only for the same object version. Returns false if superseded. */
  saveCleaned(id: string, sequencer: string, fields: CleanedFields, now: Date): Promise<boolean>;
  /** CLEANED (or PARTIAL with a retry pending) → ANALYZING under a lease; `busy` while another delivery holds one. */
  claimAnalysis(id: string, now: Date, leaseMs: number): Promise<AnalysisClaim>;
  /**
   * Keeps what an analysis has paid for so far on the ANALYZING article
   * (summary, claims, translations, usage), while this lease is held, so a
   * later delivery resumes from it. Returns false if the lease was lost.
   */
  saveProgress(
    id: string,
    leaseToken: string,
    progress: { result: AnalysisResult; cleanerVersion: string },
    now: Date,
  ): Promise<boolean>;
  /** ANALYZING → DONE | PARTIAL, only while this lease is held. Returns false if it was lost. */
  saveAnalysis(id: string, leaseToken: string, fields: AnalyzedFields, now: Date): Promise<boolean>;
  /**
   * Ends the article in FAILED, unless it already reached a terminal state or
   * (when `sequencer` is given) a newer upload replaced it.
   */
  markFailed(
    id: string,
    error: ArticleError,
    now: Date,
    options?: { sequencer?: string; usage?: Record<string, StageUsage> },
  ): Promise<boolean>;
  /**
   * Gives up this delivery's lease (the article stays ANALYZING, free for the
   * next delivery to claim at once) and keeps what the attempt spent. Returns
   * false if the lease was already lost.
   */
  releaseAnalysis(id: string, leaseToken: string, usage: Record<string, StageUsage>, now: Date): Promise<boolean>;
  /** Ends every live lease on articles in `status`, when their holders are known to be dead; returns their ids. */
  expireLeases(status: 'RECEIVED' | 'ANALYZING', now: Date): Promise<string[]>;
  /**
   * Puts a finished article (DONE, PARTIAL or FAILED) back on the path
   * `reopen.to` names, only if it is still as it was read (`expected`):
   * false when it has moved on since. See Reopen.
   */
  reopen(
    id: string,
    expected: Pick<ArticleRecord, 'status' | 'updatedAt'>,
    reopen: Reopen,
    now: Date,
  ): Promise<boolean>;
  /** Newest first, each article's listing fields. Throws INVALID_CURSOR for a cursor it did not return. */
  list(query: ListQuery): Promise<ArticlePage>;
  /** Articles waiting as `pending` says since before `before`, oldest first, by key only: the sweep's view. */
  pending(query: PendingQuery): Promise<PendingPage>;
  /**
   * A finished article's event is out: it waits for nothing more. Only if it
   * is still the change that ended it (`finishedAt`, its updatedAt then);
   * false otherwise.
   */
  markPublished(id: string, finishedAt: string): Promise<boolean>;
}

/**
 * Where the sweep keeps how far it got, so that a run that stops on its
 * time budget resumes there, and uploads it has looked at are not looked at
 * again.
 */
export interface SweepPosition {
  /**
   * By what the articles wait for: the pass under way (the window of last
   * changes it covers, and where it stopped), and the last one that ended
   * (the window's end, and when the last pass over every waiting one ended).
   */
  pending: Partial<Record<Pending, { from: string | null; before: string; after: string | null }>>;
  passed: Partial<Record<Pending, { before: string; fullAt: string }>>;
  uploads: {
    /** The last key the rolling pass over the uploads looked at; null at the start of a pass. */
    startAfter: string | null;
    /** When the pass under way started, and the one before it (ISO 8601). */
    passStartedAt: string | null;
    previousPassStartedAt: string | null;
    /** Dated uploads modified before this instant have been looked at (ISO 8601). */
    datedUntil: string | null;
  };
}

export interface SweepState {
  load(): Promise<SweepPosition | null>;
  save(position: SweepPosition): Promise<void>;
}

/** Where a reopened article goes, and what it keeps. */
export type Reopen =
  /** RECEIVED, free to claim at once: it is cleaned again from its upload (it was never cleaned). */
  | { to: 'ingest'; request: ReprocessRequest }
  /** CLEANED with its analysis removed (its usage kept): analysed again, paid for anew. */
  | { to: 'analysis'; request: ReprocessRequest }
  /** PARTIAL with a retry pending: its summary and claims kept, the translations not done redone. */
  | { to: 'translations'; request: ReprocessRequest };

/**
 * Claims on a text being analysed, so that the same content uploaded twice at
 * once is paid for once: a claim is a conditional write that holds until
 * released or until its lease ends.
 */
export interface ContentClaims {
  /** True when `holder` now holds `key` (it was free, expired, or already its own). */
  claim(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean>;
  release(key: string, holder: string): Promise<void>;
  /** Ends every claim, when all their holders are known to be dead (the local stack at start). */
  releaseAllContentClaims(): Promise<number>;
}

/** Monotonic time source, injectable for tests. */
export type Clock = () => Date;

/**
 * A dead-letter queue, read to drive its messages again: SQS in AWS, the
 * local queue's dead-letter list locally.
 */
export interface DeadLetterQueue {
  /** Up to `max` dead messages, each hidden from other readers until deleted or a while passes. */
  receive(max: number): Promise<{ body: string; handle: string }[]>;
  delete(handle: string): Promise<void>;
}

/** Signs uploads a client makes itself, straight to the bucket (an S3 presigned PUT). */
export interface UploadSigner {
  /**
   * A URL that takes one PUT of exactly `contentLength` bytes of `contentType`
   * to `key`, until `expiresInSeconds` have passed.
   */
  signPut(
    bucket: string,
    key: string,
    options: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<string>;
}

/** An article reached DONE, PARTIAL or FAILED: what other systems are told (README, "Events"). */
export interface ArticleFinished {
  articleId: string;
  status: 'DONE' | 'PARTIAL' | 'FAILED';
  sourceBucket: string;
  sourceKey: string;
  title: string | null;
  language: string | null;
  /** The engine that analysed it (`openai`, `offline`); null when it failed before. */
  engine: string | null;
  error: { code: ErrorCode; message: string; stage: Stage } | null;
  finishedAt: string;
}

/**
 * Where terminal states are published: EventBridge in AWS, a file locally.
 * `finished` resolves once the event is out and rejects when it is not; the
 * record keeps the event pending (see Pending) until it is, so a caller
 * that could not publish, or died before it did, leaves it to the sweep.
 * Publishing never fails the article.
 */
export interface ArticleEvents {
  finished(event: ArticleFinished): Promise<void>;
}

/** One cleaning: the upload's name (its extension tells the format), the language and word limits, and its time. */
export interface CleanRequest {
  name: string;
  /** Languages to choose among (ISO 639-1); the default list when omitted. */
  languages?: readonly string[];
  /** More words than this is TOO_LONG; no limit when omitted. */
  maxWords?: number;
  /** The most bytes a compressed (gzip) upload may have once uncompressed; the default size limit when omitted. */
  maxBytes?: number;
  /** How long the cleaning may run once it has started: past it, STAGE_TIMEOUT. */
  budgetMs: number;
  /**
   * Epoch ms by which it must have ended whatever its budget (the delivery's lease): a cleaning that
   * waited behind others and is cut short by it, or never started, throws a TransientError, so that
   * the queue brings the upload back to be cleaned with its whole budget.
   */
  endBy: number;
}

/**
 * Turns an upload's bytes into an article (shared/cleaning): in this thread
 * (unit tests), or in workers each with a heap cap and stopped at its
 * deadline, so that a hostile upload costs a worker, never the process.
 * Throws what cleaning throws (bad input with its code); a worker stopped by
 * its heap cap, or killed by what it was cleaning, is TOO_COMPLEX; one
 * stopped at its deadline, STAGE_TIMEOUT.
 */
export interface Cleaner {
  clean(bytes: Uint8Array, request: CleanRequest): Promise<CleanedArticle>;
  /** Gets what cleaning needs ready (a worker, the language models), so that the first upload does not wait for it. */
  warm(): Promise<void>;
  /** Stops what it holds (its workers); a cleaning still under way is refused, for the queue to bring back. */
  close(): Promise<void>;
}
