import type { CallUsage } from '../analysis/usage.js';
import type { BatchWait, StageUsage } from '../article.js';

/**
 * The ports of batch mode: the provider's Batch API, where the table keeps
 * the batches and the articles that wait on them, and where the bucket keeps
 * the calls put off and the answers brought back.
 */

export type BatchApiName = 'chat' | 'responses';

/** A call put off: one line of a Batch API input file. */
export interface DeferredCall {
  /** `<article id>/<stage>/<request key>`: the article and the call kind travel with the line. */
  customId: string;
  /** The request's identity (its API and body): what finds its answer again in the book. */
  key: string;
  stage: string;
  api: BatchApiName;
  model: string;
  body: Record<string, unknown>;
}

/** One answer a batch brought, as the article's book keeps it. */
export interface BookEntry {
  key: string;
  stage: string;
  api: BatchApiName;
  /** The response body, as the API returns it from a call. */
  body: unknown;
  /** The answer came from precis's stand-in server. */
  stub?: boolean;
}

/** A batch's status, as the provider reports it. */
export type BatchState =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

/** The states after which a batch changes no more: its files are final. */
export const ENDED_BATCH_STATES: readonly BatchState[] = ['failed', 'completed', 'expired', 'cancelled'];

export interface BatchStatus {
  id: string;
  status: BatchState;
  inputFileId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  /** When the provider expires it (ISO 8601); null when it never does. */
  expiresAt: string | null;
  counts: { total: number; completed: number; failed: number };
  /** Why the batch as a whole failed (its validation errors). */
  errors: string[];
}

/** One line of a batch's output or error file, read. */
export type BatchResultLine =
  | { customId: string; ok: true; body: unknown; usage: CallUsage }
  | { customId: string; ok: false; code: string; message: string };

/** A provider's Batch API (OpenAI's, Azure's): a file of requests in, files of answers out. */
export interface BatchApi {
  /** Uploads the calls as a JSONL file of requests (purpose `batch`); returns the file's id. */
  upload(calls: DeferredCall[], api: BatchApiName): Promise<string>;
  /** Starts a batch over an uploaded file, to be done within 24 hours. */
  create(inputFileId: string, api: BatchApiName): Promise<BatchStatus>;
  /** The batch made from this input file, if one was (a submit that died may not have kept its id). */
  findByInput(inputFileId: string): Promise<BatchStatus | null>;
  retrieve(batchId: string): Promise<BatchStatus>;
  /** The lines of an output or error file; `stub` when precis's stand-in served them. */
  results(fileId: string): Promise<{ lines: BatchResultLine[]; stub: boolean }>;
}

/** A batch precis submitted, as the table keeps it until it is collected. */
export interface BatchJob {
  /** The input file's id: known before the batch is created, so a submit that died after creating it finds it. */
  job: string;
  /** `uploaded`: its batch may not exist yet; `created`: it does (`batchId`); `submitted`: its articles know it. */
  state: 'uploaded' | 'created' | 'submitted';
  batchId: string | null;
  api: BatchApiName;
  model: string;
  /** Each article in it, with the round it was queued in. */
  articles: { id: string; queuedAt: string }[];
  createdAt: string;
  deadline: string | null;
}

/** The article table's part in batch mode: articles that wait on batches, and the batches (jobs) themselves. */
export interface BatchTable {
  /**
   * An ANALYZING article whose run put calls off, under this lease: it waits
   * to be submitted (the lease is given up; no delivery takes it meanwhile).
   * False if the lease was lost.
   */
  queue(id: string, leaseToken: string, wait: BatchWait, now: Date): Promise<boolean>;
  /** Articles waiting to be submitted, oldest first. */
  queued(limit: number): Promise<string[]>;
  /** Jobs not yet collected, oldest first. */
  openJobs(limit: number): Promise<BatchJob[]>;
  putJob(job: BatchJob, now: Date): Promise<void>;
  updateJob(job: string, change: Partial<Pick<BatchJob, 'state' | 'batchId' | 'deadline'>>, now: Date): Promise<void>;
  /** A job collected: it waits for nothing more. */
  closeJob(job: string, now: Date): Promise<void>;
  /** A queued article is in this batch, if it is still in the round it was queued in (`queuedAt`). */
  markSubmitted(id: string, queuedAt: string, wait: BatchWait, now: Date): Promise<boolean>;
  /**
   * The batch an article waited on ended: its answers' usage counted and
   * where it goes next, once: only if it still waits on this job (false
   * otherwise). Its lease is free: the analyze message that follows takes it.
   */
  markCollected(
    id: string,
    job: string,
    change: { wait: BatchWait; usage: Record<string, StageUsage> },
    now: Date,
  ): Promise<boolean>;
}

/** Where the bucket keeps what an article's calls put off, and the answers its batches brought. */
export interface BatchFiles {
  putRequests(articleId: string, queuedAt: string, calls: DeferredCall[]): Promise<void>;
  /** The calls an article put off in the round queued at `queuedAt`; empty when there are none. */
  requests(articleId: string, queuedAt: string): Promise<DeferredCall[]>;
  /** The answers one job brought for an article (written again the same by a collect run again). */
  putAnswers(articleId: string, job: string, entries: BookEntry[]): Promise<void>;
  /** Every answer the article's batches brought. */
  answers(articleId: string): Promise<BookEntry[]>;
}
