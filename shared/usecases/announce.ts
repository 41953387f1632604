import type { ArticleRecord } from '../article.js';
import type { ArticleEvents, ArticleFinished, ArticleRepository } from '../ports.js';

type Finished = Pick<ArticleRecord, 'id' | 'sourceBucket' | 'sourceKey' | 'title' | 'language' | 'error'> & {
  status: ArticleFinished['status'];
  /** The engine that analysed it; none for an article that failed. */
  engine?: string | null;
};

/** The event of an article that ended, from what the write that ended it saved, at `finishedAt` (its updatedAt). */
export function finishedEvent(article: Finished, finishedAt: string): ArticleFinished {
  const failed = article.status === 'FAILED';
  return {
    articleId: article.id,
    status: article.status,
    sourceBucket: article.sourceBucket,
    sourceKey: article.sourceKey,
    title: article.title ?? null,
    language: article.language ?? null,
    engine: failed ? null : (article.engine ?? null),
    error:
      failed && article.error
        ? { code: article.error.code, message: article.error.message, stage: article.error.stage }
        : null,
    finishedAt,
  };
}

/**
 * Tells other systems that an article ended, then marks its record
 * published. The write that ended it left the event pending, so a bus that
 * refuses it, or a process that dies before or between the two steps,
 * leaves it for the sweep to publish: an event is never lost, and at most
 * sent twice. Never throws: the article is saved either way. Returns
 * whether the event went out.
 */
export async function announce(
  deps: { events?: ArticleEvents; articles: Pick<ArticleRepository, 'markPublished'> },
  event: ArticleFinished,
): Promise<boolean> {
  if (!deps.events) return false;
  try {
    await deps.events.finished(event);
  } catch {
    return false;
  }
  // Lost (the table unreachable), the mark only means the sweep publishes the event again.
  await deps.articles.markPublished(event.articleId, event.finishedAt).catch(() => false);
  return true;
}
