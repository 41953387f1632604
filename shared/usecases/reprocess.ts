import {
  type ArticleRecord,
  articleIdFor,
  isTerminal,
  type ReprocessScope,
  type Status,
  TERMINAL_STATUSES,
} from '../article.js';
import { PrecisError, toErrorInfo } from '../errors.js';
import { objectKeys } from '../layout.js';
import type {
  ArticleRepository,
  BlobStore,
  Clock,
  DeadLetterQueue,
  IngestQueue,
  MessageQueue,
  Reopen,
  SourceRef,
} from '../ports.js';
import { uploadOf } from './delivery.js';

export interface ReprocessDeps {
  articles: ArticleRepository;
  blobs: BlobStore;
  ingestQueue: IngestQueue;
  analyzeQueue: MessageQueue;
  clock: Clock;
  config: {
    bucket: string;
    /** The languages the analyze function translates into: what a `translations` reprocess can redo. */
    targetLanguages: readonly string[];
  };
}

/** One article sent on its way again. */
export interface Reprocessed {
  articleId: string;
  scope: ReprocessScope;
  /** `ingest`: cleaned again from its upload; `analysis`: analysed again; `translations`: those not done redone. */
  next: Reopen['to'];
  previousStatus: Status;
  /** Where the record as it was is kept, when its analysis is replaced. */
  previousKey: string | null;
  /** The languages a `translations` reprocess redoes. */
  languages?: string[];
}

/** Where a record is kept when a reprocess replaces its analysis. */
export const historyKey = objectKeys.history;

const isBusy = (article: ArticleRecord) =>
  `Article ${article.id} is ${article.status}; reprocess it once it ends ${TERMINAL_STATUSES.join(', ')}.`;

/** The languages a `translations` reprocess would redo: configured ones with no translation done. */
function untranslated(article: ArticleRecord, targetLanguages: readonly string[]): string[] {
  return targetLanguages.filter((lang) => lang !== article.language && article.translations?.[lang]?.status !== 'done');
}

/** Where an article goes for a scope, or why it cannot go: the check both the single and the bulk paths make. */
function planFor(article: ArticleRecord, scope: ReprocessScope, deps: ReprocessDeps): Omit<Reprocessed, 'previousKey'> {
  if (!isTerminal(article.status)) throw new PrecisError('ARTICLE_BUSY', isBusy(article));
  const base = { articleId: article.id, scope, previousStatus: article.status };
  if (scope === 'all') return { ...base, next: article.textKey ? 'analysis' : 'ingest' };
  if (!article.summary || !article.provenance) {
    throw new PrecisError(
      'NOT_ANALYSED',
      `Article ${article.id} has no analysis whose translations could be redone (it is ${article.status}); reprocess it with scope "all".`,
    );
  }
  const languages = untranslated(article, deps.config.targetLanguages);
  if (languages.length === 0) {
    throw new PrecisError(
      'NOTHING_TO_REPROCESS',
      `Every translation of article ${article.id} is done (${deps.config.targetLanguages.join(', ') || 'none configured'}); reprocess it with scope "all" to analyse it again.`,
    );
  }
  return { ...base, next: 'translations', languages };
}

/**
 * Sends one finished article (DONE, PARTIAL or FAILED) through the pipeline
 * again, read as `article`:
 *
 * - scope `all`: analysed again from its cleaned text, paid for anew (no
 *   earlier answer reused), or, if it never got a cleaned text, cleaned
 *   again from its upload. The record as it was is kept under `history/`
 *   first, so a run that goes worse loses nothing.
 * - scope `translations`: its summary and claims kept, the configured
 *   translations that are not done (failed, unavailable, or added since) are
 *   redone.
 *
 * With `batch`, its calls go through the provider's Batch API (batch mode).
 *
 * The change is a conditional write on the record as read: an article that
 * moved on meanwhile is ARTICLE_BUSY, as is one still being processed.
 */
async function reopenArticle(
  article: ArticleRecord,
  scope: ReprocessScope,
  deps: ReprocessDeps,
  batch = false,
): Promise<Reprocessed> {
  const plan = planFor(article, scope, deps);
  const now = deps.clock();
  let previousKey: string | null = null;
  if (plan.next === 'analysis' && article.summary) {
    previousKey = historyKey(article.id, article.updatedAt);
    await deps.blobs.put(deps.config.bucket, previousKey, JSON.stringify(article, null, 2), 'application/json');
  }
  const request = {
    scope,
    requestedAt: now.toISOString(),
    from: article.status,
    ...(batch ? { batch: true } : {}),
    ...(previousKey ? { previousKey } : {}),
  };
  const reopened = await deps.articles.reopen(article.id, article, { to: plan.next, request }, now);
  if (!reopened) {
    throw new PrecisError('ARTICLE_BUSY', `Article ${article.id} changed while it was being reopened; try again.`);
  }
  // Lost after the write (the queue down), the message is sent again by the sweep: the record says it was asked for.
  if (plan.next === 'ingest') {
    await deps.ingestQueue.send(uploadOf(article));
  } else {
    await deps.analyzeQueue.send({ articleId: article.id });
  }
  return { ...plan, previousKey };
}

/** Reprocesses one article by id (POST /articles/{id}/reprocess). */
export async function reprocessArticle(
  id: string,
  scope: ReprocessScope,
  deps: ReprocessDeps,
  options: { batch?: boolean } = {},
): Promise<Reprocessed> {
  const article = await deps.articles.get(id);
  if (!article) throw new PrecisError('ARTICLE_NOT_FOUND', `There is no article with id ${id}.`);
  return reopenArticle(article, scope, deps, options.batch);
}

/** Which articles a bulk reprocess takes: one status, a window of receipt times, the engine that analysed them. */
export interface ReprocessFilter {
  status: Status;
  /** Received at or after this instant (ISO 8601). */
  receivedFrom?: string;
  /** Received before this instant (ISO 8601). */
  receivedBefore?: string;
  /** Analysed by this engine (`offline` takes the offline fallbacks too), as `provenance.engine` says. */
  engine?: string;
  scope: ReprocessScope;
  /** Articles looked at in this call, at most; `nextCursor` continues. */
  limit: number;
  cursor?: string;
  /** List what would be reprocessed, change nothing. */
  dryRun?: boolean;
  /**
   * Through the provider's Batch API, at its batch price (half, on OpenAI and
   * Azure), answered within 24 hours: for backfills.
   */
  batch?: boolean;
}

export interface BulkReport {
  /** Articles of the page that matched the filter. */
  matched: number;
  reprocessed: Reprocessed[];
  /** Matched, but not taken: their code and why. */
  skipped: { articleId: string; code: string; message: string }[];
  /** Where the next call goes on from; null when every matching article was looked at. */
  nextCursor: string | null;
  dryRun: boolean;
}

/**
 * Reprocesses the articles a filter matches, a page at a time, so that no
 * call outlives its request however many match: the caller passes
 * `nextCursor` back until it is null. One article that cannot be taken is
 * skipped with its code; it never stops the others.
 */
export async function reprocessMatching(filter: ReprocessFilter, deps: ReprocessDeps): Promise<BulkReport> {
  const page = await deps.articles.list({
    status: filter.status,
    limit: filter.limit,
    cursor: filter.cursor,
    receivedFrom: filter.receivedFrom,
    receivedBefore: filter.receivedBefore,
  });
  const report: BulkReport = {
    matched: 0,
    reprocessed: [],
    skipped: [],
    nextCursor: page.nextCursor,
    dryRun: Boolean(filter.dryRun),
  };
  for (const listed of page.items) {
    // The list index holds the listing only; the record, read as it is now, is what a reopen is checked against.
    const article = await deps.articles.get(listed.id);
    if (!article || article.status !== filter.status) continue;
    if (filter.engine !== undefined && article.provenance?.engine !== filter.engine) continue;
    report.matched++;
    try {
      if (filter.dryRun) report.reprocessed.push({ ...planFor(article, filter.scope, deps), previousKey: null });
      else report.reprocessed.push(await reopenArticle(article, filter.scope, deps, filter.batch));
    } catch (error) {
      const { code, message } = toErrorInfo(error);
      if (!(error instanceof PrecisError && error.permanent)) throw error;
      report.skipped.push({ articleId: article.id, code, message });
    }
  }
  return report;
}

/** The ingest queue's messages as they are: S3 event bodies, read and sent again. */
export interface IngestMessages {
  /** The uploads a message names. */
  sourcesOf(body: string): SourceRef[];
  sendBody(body: string): Promise<void>;
}

export interface RedriveDeps extends ReprocessDeps {
  deadLetters: { ingest: DeadLetterQueue; analyze: DeadLetterQueue };
  ingestMessages: IngestMessages;
}

export interface RedriveReport {
  /** Dead messages read. */
  messages: number;
  /** Articles that had failed, reprocessed (scope all). */
  reprocessed: string[];
  /** Messages whose article never got as far as a record, or is still on its way: sent to their queue again. */
  resent: number;
  /** Articles that ended DONE or PARTIAL after all: nothing to redo. */
  finished: string[];
  /** Messages left in the dead-letter queue, with why. */
  failed: { queue: 'ingest' | 'analyze'; code: string; message: string }[];
  /** The call's time ran out with messages left: call again. */
  more: boolean;
}

/**
 * Drives the dead-letter queues' messages again. A message dies after its
 * last receive, when its article was marked FAILED: sending it back as it is
 * would change nothing, so each article it names is reprocessed (scope
 * all), a message whose article has no record (storage was down through
 * every receive) is sent to its queue again, and the dead message is
 * deleted. A message that cannot be driven stays, with its reason.
 */
export async function redrive(deps: RedriveDeps, options: { deadline: number; max?: number }): Promise<RedriveReport> {
  const report: RedriveReport = { messages: 0, reprocessed: [], resent: 0, finished: [], failed: [], more: false };
  const max = options.max ?? Number.POSITIVE_INFINITY;
  for (const queue of ['analyze', 'ingest'] as const) {
    for (;;) {
      if (deps.clock().getTime() >= options.deadline || report.messages >= max) {
        report.more = true;
        return report;
      }
      const batch = await deps.deadLetters[queue].receive(Math.min(10, max - report.messages));
      if (batch.length === 0) break;
      for (const message of batch) {
        report.messages++;
        try {
          await redriveMessage(queue, message.body, deps, report);
          await deps.deadLetters[queue].delete(message.handle);
        } catch (error) {
          report.failed.push({ queue, ...toErrorInfo(error) });
        }
      }
    }
  }
  return report;
}

async function redriveMessage(
  queue: 'ingest' | 'analyze',
  body: string,
  deps: RedriveDeps,
  report: RedriveReport,
): Promise<void> {
  const ids =
    queue === 'analyze'
      ? [String((JSON.parse(body) as { articleId?: unknown }).articleId ?? '')]
      : deps.ingestMessages.sourcesOf(body).map((source) => articleIdFor(source.bucket, source.key));
  let resend = false;
  for (const id of ids) {
    const article = await deps.articles.get(id);
    if (!article) resend ||= queue === 'ingest';
    else if (article.status === 'FAILED')
      report.reprocessed.push((await reopenArticle(article, 'all', deps)).articleId);
    else if (isTerminal(article.status)) report.finished.push(id);
    else resend = true;
  }
  if (!resend) return;
  if (queue === 'ingest') await deps.ingestMessages.sendBody(body);
  else await deps.analyzeQueue.send({ articleId: ids[0] ?? '' });
  report.resent++;
}
