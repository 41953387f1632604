import { type BatchRun, withinBatchRun } from '../analysis/llm/deferred.js';
import type { ArticleRecord } from '../article.js';
import type { BatchFiles, BatchTable } from '../batch/ports.js';

export { withinBatchRun };

/** What the analyze function needs for batch mode. */
export interface BatchModeDeps {
  /** PRECIS_LLM_MODE: `batch` puts every article's calls off; `realtime` only those a batch reprocess asked for. */
  mode: 'realtime' | 'batch';
  table: BatchTable;
  files: BatchFiles;
}

/**
 * The batch-mode run an article's analysis is, or null for a real-time one:
 * in batch mode (the stack's, a batch reprocess's, or the article's own
 * while it goes through batches), with the answers its batches brought. An
 * article a batch sent back to the normal path (`realtime`) makes the calls
 * the batch did not answer at once; the others it takes from its book.
 */
export async function batchRunFor(article: ArticleRecord, deps: BatchModeDeps | undefined): Promise<BatchRun | null> {
  if (!deps) return null;
  const wanted = deps.mode === 'batch' || article.reprocess?.batch === true || article.batch !== undefined;
  if (!wanted) return null;
  const entries = await deps.files.answers(article.id);
  return {
    articleId: article.id,
    answers: new Map(entries.map((entry) => [entry.key, entry])),
    mode: article.batch?.state === 'realtime' ? 'realtime' : 'defer',
    deferred: [],
  };
}

/**
 * Puts off the calls a run could not make: they are kept in the bucket, and
 * the article, its lease given up, waits to be submitted (BATCH_QUEUED).
 * False if the lease was lost meanwhile.
 */
export async function putOff(
  article: ArticleRecord,
  leaseToken: string,
  run: BatchRun,
  deps: BatchModeDeps,
  now: Date,
): Promise<boolean> {
  const queuedAt = now.toISOString();
  await deps.files.putRequests(article.id, queuedAt, run.deferred);
  return deps.table.queue(
    article.id,
    leaseToken,
    {
      state: 'queued',
      id: null,
      job: null,
      deadline: null,
      requests: run.deferred.length,
      rounds: article.batch?.rounds ?? 0,
      queuedAt,
    },
    now,
  );
}
