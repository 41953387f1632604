import type { AnalysisEngine } from '../analysis/engine.js';
import type { BatchRun } from '../analysis/llm/deferred.js';
import { UsageMeter } from '../analysis/usage.js';
import type { AnalysisResult, ArticleRecord, StageUsage } from '../article.js';
import { countWords } from '../cleaning/normalize.js';
import { CLEANER_VERSION } from '../cleaning/version.js';
import { InvalidInputError, PrecisError, toErrorInfo } from '../errors.js';
import type { ArticleEvents, ArticleRepository, BlobStore, Clock } from '../ports.js';
import { announce, finishedEvent } from './announce.js';
import { type BatchModeDeps, batchRunFor, putOff, withinBatchRun } from './batch-round.js';
import { type Delivery, failOrRethrow, isLastAttempt } from './delivery.js';

/** Fewer words than this cannot be summarised. */
export const MIN_WORDS = 30;

/** Throws TEXT_TOO_SHORT for a text with too few words for a summary. */
export function assertSummarisable(text: string, language: string | null | undefined): void {
  const words = countWords(text, language);
  if (words < MIN_WORDS) {
    throw new InvalidInputError(
      'TEXT_TOO_SHORT',
      `The article has ${words} words; at least ${MIN_WORDS} are needed for a summary.`,
    );
  }
}

export interface AnalyzeDeps {
  articles: ArticleRepository;
  blobs: BlobStore;
  engine: AnalysisEngine;
  /** Told when an article ends DONE, PARTIAL or FAILED. */
  events?: ArticleEvents;
  /** Batch mode: where calls put off wait, and the answers batches brought; absent, every call is made at once. */
  batch?: BatchModeDeps;
  clock: Clock;
  config: {
    bucket: string;
    targetLanguages: readonly string[];
    /** How long this delivery owns the article; the analysis is aborted past it. */
    leaseMs: number;
  };
}

/**
 * How long a message whose article is free again waits before it comes
 * back, by the receive that failed: a tenth of the lease, then four times
 * longer each time, three leases at most (with AWS's 5-minute lease: 30 s,
 * 2 min, 8 min, then 15 min). Without it the message waits out its whole
 * visibility timeout (six leases in AWS, 30 min; the lease and 5 s locally),
 * though the lease was given up at once; growing, so that the receives still
 * span an outage of the provider.
 */
export function redeliveryDelayMs(attempt: number, leaseMs: number): number {
  return Math.min((leaseMs / 10) * 4 ** Math.max(0, attempt - 1), 3 * leaseMs);
}

/** A message held back by a live lease comes back this long after the lease ends. */
const AFTER_LEASE_MS = 1_000;

/** What one delivery took and spent, for metrics: its time, and its billed calls by stage. */
export interface DeliveryCost {
  analyzeMs: number;
  spent: Record<string, StageUsage>;
}

export type AnalyzeOutcome =
  | ({ outcome: 'analyzed'; articleId: string; status: 'DONE' | 'PARTIAL' } & DeliveryCost)
  | ({ outcome: 'failed'; articleId: string; code: string } & Partial<DeliveryCost>)
  | { outcome: 'skipped'; articleId: string; reason: string }
  /** Batch mode: the run put `requests` calls off; the article waits for the batch function. */
  | { outcome: 'batched'; articleId: string; requests: number }
  /**
   * Another live delivery holds the article: the message must come back, when
   * the holder's lease ends (`delayMs`), so a crashed holder is taken over then.
   */
  | { outcome: 'busy'; articleId: string; delayMs?: number }
  /**
   * A PARTIAL result was saved with deliveries left: the message must come
   * back, and only these failed translations are redone.
   */
  | ({ outcome: 'retry-pending'; articleId: string; languages: string[]; delayMs: number } & Partial<DeliveryCost>)
  /**
   * The lease is given up and the message must come back after `delayMs`:
   * the LLM server asked to wait longer than the delivery may, or the
   * delivery failed in a way that may pass (`message` says how).
   */
  | ({
      outcome: 'retry-later';
      articleId: string;
      delayMs: number;
      code: string;
      message?: string;
    } & Partial<DeliveryCost>);

/** The earlier result kept on an article, for an engine to build on. */
function previousResult(article: ArticleRecord): AnalysisResult | undefined {
  if (!article.summary || !article.provenance || !article.translations) return undefined;
  const { cleanerVersion: _cleaner, ...provenance } = article.provenance;
  return {
    status: 'PARTIAL',
    summary: article.summary,
    claims: article.claims ?? [],
    translations: article.translations,
    usage: article.usage ?? {},
    provenance,
    checks: article.checks,
  };
}

/**
 * Analyses one cleaned article.
 *
 * 1. Claim the article under a lease (CLEANED, or PARTIAL with translations
 *    to retry → ANALYZING); a finished or missing article is skipped, one
 *    held by a live delivery is `busy`.
 * 2. Read the cleaned text; refuse a text too short to summarise.
 * 3. Run the engine: summary, claims, translations (only the failed ones on
 *    a retry, or those a delivery that died had not paid for yet). What it
 *    has paid for is kept on the article as it arrives. On the last delivery
 *    the engine may fall back.
 * 4. Set DONE or PARTIAL, if the lease is still ours; the record is the
 *    result. A PARTIAL result with deliveries left is `retry-pending`.
 * 5. Publish the article's event (not for `retry-pending`: its retry does),
 *    and mark it published; an event not published is the sweep's.
 *
 * In batch mode the run takes the answers the article's batches brought,
 * and a call with none is put off: the article then waits to be submitted
 * (`batched`), and runs again, further each time, when its batch ends.
 *
 * Bad input ends the article FAILED at once. A server that asks to wait past
 * the lease gets its wait: the lease is given up and the outcome is
 * `retry-later` with the delay. Other failures are thrown for the queue to
 * redeliver; on the last receive the article is marked FAILED. Whatever
 * happens, every billed call's usage is kept on the article, added to what
 * earlier deliveries spent.
 */
export async function analyzeArticle(
  articleId: string,
  delivery: Delivery,
  deps: AnalyzeDeps,
): Promise<AnalyzeOutcome> {
  const { articles, blobs, engine, clock, config } = deps;
  const started = clock();
  const claim = await articles.claimAnalysis(articleId, started, config.leaseMs);
  if (claim.outcome === 'skip') return { outcome: 'skipped', articleId, reason: claim.reason };
  if (claim.outcome === 'busy') {
    const delayMs =
      claim.leaseUntil === null ? undefined : Math.max(0, claim.leaseUntil - started.getTime()) + AFTER_LEASE_MS;
    return { outcome: 'busy', articleId, delayMs };
  }
  const { article, leaseToken } = claim;
  const meter = new UsageMeter(article.usage ?? {});
  let batch: BatchRun | null = null;
  const putOffIfDeferred = async (): Promise<AnalyzeOutcome | null> => {
    if (!batch || batch.deferred.length === 0 || !deps.batch) return null;
    const queued = await putOff(article, leaseToken, batch, deps.batch, clock());
    if (!queued) return { outcome: 'skipped', articleId, reason: 'superseded' };
    return { outcome: 'batched', articleId, requests: batch.deferred.length };
  };

  try {
    if (!article.textKey || !article.contentHash) {
      throw new InvalidInputError('INTERNAL_ERROR', 'The article has no cleaned text.');
    }
    const text = new TextDecoder().decode(await blobs.get(config.bucket, article.textKey));
    assertSummarisable(text, article.language);
    const contentHash = article.contentHash;
    batch = await batchRunFor(article, deps.batch);
    const run = () =>
      engine.analyze(
        {
          text,
          title: article.title ?? null,
          language: article.language ?? null,
          publishedAt: article.publishedAt ?? null,
          contentHash,
        },
        {
          targetLanguages: config.targetLanguages,
          signal: AbortSignal.timeout(config.leaseMs),
          deadline: started.getTime() + config.leaseMs,
          meter,
          // What is paid for is kept on the article at once: a delivery that dies after paying is resumed, not repaid.
          onProgress: async (partial) => {
            await articles.saveProgress(
              articleId,
              leaseToken,
              { result: partial, cleanerVersion: CLEANER_VERSION },
              clock(),
            );
          },
          lastAttempt: isLastAttempt(delivery),
          previous: previousResult(article),
          // A reprocess of everything pays anew: no earlier run's answer is reused, only this run's own.
          fresh: article.reprocess?.scope === 'all' ? article.reprocess.requestedAt : undefined,
        },
      );
    const result = batch ? await withinBatchRun(batch, run) : await run();
    const deferred = await putOffIfDeferred();
    if (deferred) return deferred;
    // Only a failed translation is worth another delivery: one `unavailable` (no room in the record, no LLM) would be again.
    const retryPending =
      result.status === 'PARTIAL' &&
      Object.values(result.translations).some((t) => t.status === 'failed') &&
      !isLastAttempt(delivery) &&
      !result.provenance.fallback;
    const finished = clock();
    const analyzeMs = finished.getTime() - started.getTime();
    const saved = await articles.saveAnalysis(
      articleId,
      leaseToken,
      { result, cleanerVersion: CLEANER_VERSION, analyzeMs, retryPending },
      finished,
    );
    if (!saved) return { outcome: 'skipped', articleId, reason: 'superseded' };
    if (!retryPending) {
      const ended = { ...article, status: result.status, engine: result.provenance.engine, error: undefined };
      await announce(deps, finishedEvent(ended, finished.toISOString()));
    }
    if (retryPending) {
      const languages = Object.entries(result.translations)
        .filter(([, t]) => t.status === 'failed')
        .map(([lang]) => lang);
      const delayMs = redeliveryDelayMs(delivery.attempt, config.leaseMs);
      return { outcome: 'retry-pending', articleId, languages, delayMs, analyzeMs, spent: meter.spent };
    }
    return { outcome: 'analyzed', articleId, status: result.status, analyzeMs, spent: meter.spent };
  } catch (error) {
    // A call put off to a batch stops the run: the article waits for the batch, it has not failed.
    const deferred = await putOffIfDeferred();
    if (deferred) return deferred;
    const usage = meter.usage;
    const permanent = error instanceof PrecisError && error.permanent;
    if (!permanent && !isLastAttempt(delivery)) {
      // The next delivery claims the article at once and adds to what this one spent: it comes back as soon
      // as the server asked, or after a delay that grows with each receive.
      await articles.releaseAnalysis(articleId, leaseToken, usage, clock()).catch(() => false);
      const asked = (error as { retryAfterMs?: number }).retryAfterMs;
      const { code, message } = toErrorInfo(error);
      const delayMs =
        error instanceof PrecisError && asked !== undefined
          ? asked
          : redeliveryDelayMs(delivery.attempt, config.leaseMs);
      return { outcome: 'retry-later', articleId, delayMs, code, message, spent: meter.spent };
    }
    const { code } = await failOrRethrow(error, {
      articleId,
      stage: 'analyze',
      delivery,
      articles,
      clock,
      usage,
      events: deps.events,
      article,
    });
    return { outcome: 'failed', articleId, code, spent: meter.spent };
  }
}
