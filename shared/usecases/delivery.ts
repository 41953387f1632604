import type { ArticleError, ArticleRecord, StageUsage } from '../article.js';
import { PrecisError, type Stage, toErrorInfo } from '../errors.js';
import type { ArticleEvents, ArticleRepository, Clock, SourceRef } from '../ports.js';
import { announce, finishedEvent } from './announce.js';

/** Which receive of a queue message this is: the last one decides what a failure means. */
export interface Delivery {
  attempt: number;
  maxAttempts: number;
}

export const isLastAttempt = (delivery: Delivery) => delivery.attempt >= delivery.maxAttempts;

/** The upload an article was made from, as an ingest message names it: to clean it again. */
export const uploadOf = (article: ArticleRecord): SourceRef => ({
  bucket: article.sourceBucket,
  key: article.sourceKey,
  etag: article.sourceEtag,
  size: article.sourceSize,
  sequencer: article.sourceSequencer,
});

/**
 * The error stored on an article: its code and sentence (see toErrorInfo),
 * and, for a failure that could have passed, how many attempts it was given.
 */
export function articleError(error: unknown, stage: Stage, attempts: number): ArticleError {
  const { code, message } = toErrorInfo(error);
  const exhausted = !(error instanceof PrecisError && error.permanent);
  return { code, message: exhausted ? `${message} Gave up after ${attempts} attempts.` : message, stage, attempts };
}

/**
 * What a stage does with an error: bad input ends the article FAILED at once
 * (returns its code); anything else is thrown for the queue to redeliver,
 * after marking the article FAILED when this was the last delivery.
 */
export async function failOrRethrow(
  error: unknown,
  context: {
    articleId: string;
    stage: Stage;
    delivery: Delivery;
    articles: ArticleRepository;
    clock: Clock;
    /** Only this upload of the key may be marked (ingest). */
    sequencer?: string;
    /** What the stage spent, kept on the failed article. */
    usage?: Record<string, StageUsage>;
    /** Told when the article is marked FAILED, with what is known of it. */
    events?: ArticleEvents;
    article: { sourceBucket: string; sourceKey: string; title?: string | null; language?: string | null };
  },
): Promise<{ code: string }> {
  const permanent = error instanceof PrecisError && error.permanent;
  if (permanent || isLastAttempt(context.delivery)) {
    const info = articleError(error, context.stage, context.delivery.attempt);
    const options = {
      ...(context.sequencer === undefined ? {} : { sequencer: context.sequencer }),
      ...(context.usage ? { usage: context.usage } : {}),
    };
    const at = context.clock();
    const marked = await context.articles.markFailed(context.articleId, info, at, options);
    if (marked) {
      const failed = { ...context.article, id: context.articleId, status: 'FAILED' as const, error: info };
      await announce(context, finishedEvent(failed, at.toISOString()));
    }
    if (permanent) return { code: info.code };
  }
  throw error;
}
