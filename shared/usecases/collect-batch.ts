import { parseCustomId } from '../analysis/llm/deferred.js';
import { costOf } from '../analysis/llm/prices.js';
import { UsageMeter } from '../analysis/usage.js';
import type { BatchWait } from '../article.js';
import {
  type BatchJob,
  type BatchResultLine,
  type BatchStatus,
  type BookEntry,
  ENDED_BATCH_STATES,
} from '../batch/ports.js';
import { truncate } from '../truncate.js';
import type { BatchDeps } from './submit-batch.js';

export interface CollectReport {
  /** Batches that ended, and what became of their articles. */
  collected: {
    batchId: string;
    status: BatchStatus['status'];
    /** Sent on with every call answered. */
    answered: string[];
    /** Sent back to the normal path: the batch expired, failed or was cancelled, or some of their calls failed. */
    realtime: string[];
    /** The batch's lines: answered, and ended without an answer (expired, failed). */
    lines: { answered: number; failed: number };
  }[];
  /** Batches still under way. */
  waiting: { batchId: string; status: BatchStatus['status']; counts: BatchStatus['counts'] }[];
}

/** A file's lines, or none when the batch has no such file. */
async function linesOf(fileId: string | null, deps: BatchDeps): Promise<{ lines: BatchResultLine[]; stub: boolean }> {
  return fileId ? deps.api.results(fileId) : { lines: [], stub: false };
}

/** Why an article whose batch ended goes back to the normal path; null when every call of it was answered. */
function shortfall(status: BatchStatus, mine: BatchResultLine[], expected: number): string | null {
  const failed = mine.filter((line) => !line.ok);
  const answered = mine.length - failed.length;
  if (answered >= expected && failed.length === 0) return null;
  const codes = [...new Set(failed.map((line) => (line.ok ? '' : line.code)))].join(', ');
  if (status.status !== 'completed') {
    const why = status.errors.length > 0 ? `: ${truncate(status.errors.join('; '), 300)}` : '';
    return `The batch ${status.status}${why}; ${answered} of ${expected} calls answered.`;
  }
  return `${expected - answered} of ${expected} calls failed in the batch${codes ? ` (${codes})` : ''}.`;
}

/**
 * Takes one article's part of an ended batch: keeps its answers (written
 * again the same by a run again), then counts their usage on the article at
 * the batch price and frees it, once (a conditional write on the job), and
 * sends it to its next run. An article already moved on by a run that died
 * after the write is only sent again.
 */
async function collectArticle(
  job: BatchJob,
  entry: BatchJob['articles'][number],
  status: BatchStatus,
  lines: { lines: BatchResultLine[]; stub: boolean },
  deps: BatchDeps,
): Promise<'answered' | 'realtime' | 'gone'> {
  const mine = lines.lines.filter((line) => parseCustomId(line.customId)?.articleId === entry.id);
  const answers: BookEntry[] = mine.flatMap((line) => {
    const id = parseCustomId(line.customId);
    if (!line.ok || !id) return [];
    return [{ key: id.key, stage: id.stage, api: job.api, body: line.body, ...(lines.stub ? { stub: true } : {}) }];
  });
  await deps.files.putAnswers(entry.id, job.job, answers);

  const article = await deps.articles.get(entry.id);
  const wait = article?.batch;
  if (!article || !wait || wait.job !== job.job) return 'gone';
  if (wait.state === 'submitted') {
    const meter = new UsageMeter(article.usage ?? {});
    const price = deps.priceOf(job.model);
    for (const line of mine) {
      const id = parseCustomId(line.customId);
      if (!line.ok || !id) continue;
      // A batch the stand-in server answered costs nothing, as its other answers do.
      const usage = lines.stub ? { ...line.usage, standIn: true } : line.usage;
      meter.add(id.stage, usage, costOf(price, usage));
    }
    const reason = shortfall(status, mine, wait.requests);
    const next: BatchWait = {
      ...wait,
      state: reason ? 'realtime' : 'collected',
      rounds: wait.rounds + 1,
      ...(reason ? { reason } : {}),
    };
    const moved = await deps.table.markCollected(entry.id, job.job, { wait: next, usage: meter.usage }, deps.clock());
    if (!moved) return 'gone';
    await deps.analyzeQueue.send({ articleId: entry.id });
    return reason ? 'realtime' : 'answered';
  }
  // Moved on by a run that died before sending it: sent again (a second message finds it taken, or busy).
  if (article.status !== 'ANALYZING') return 'gone';
  await deps.analyzeQueue.send({ articleId: entry.id });
  return wait.state === 'realtime' ? 'realtime' : 'answered';
}

/**
 * Collects the batches that ended.
 *
 * 1. Reads each open, submitted job's batch; one still validating, in
 *    progress, finalizing or cancelling is left for a later run.
 * 2. For an ended one (completed, expired, failed, cancelled), reads its
 *    output and error files: an answer is a line of status 200; a line with
 *    an error (an expired request's `batch_expired`), or a call with no
 *    line, is not answered.
 * 3. Per article: keeps its answers in its book, counts their usage at the
 *    batch price, and sends it on: to its next run with every answer
 *    (`collected`), or back to the normal path (`realtime`), where only the
 *    calls the batch did not answer are made, at once and paid once.
 * 4. Closes the job.
 *
 * Every step can be run again: a run killed half-way and run again writes
 * the same answers, counts no usage twice (the article's change is
 * conditional on the job it waits on), and loses no article.
 */
export async function collectBatches(deps: BatchDeps): Promise<CollectReport> {
  const report: CollectReport = { collected: [], waiting: [] };
  for (const job of await deps.table.openJobs(100)) {
    if (job.state !== 'submitted' || !job.batchId) continue;
    const status = await deps.api.retrieve(job.batchId);
    if (!ENDED_BATCH_STATES.includes(status.status)) {
      report.waiting.push({ batchId: job.batchId, status: status.status, counts: status.counts });
      continue;
    }
    const output = await linesOf(status.outputFileId, deps);
    const errors = await linesOf(status.errorFileId, deps);
    const lines = { lines: [...output.lines, ...errors.lines], stub: output.stub || errors.stub };
    const failed = lines.lines.filter((line) => !line.ok).length;
    const done = {
      batchId: job.batchId,
      status: status.status,
      answered: [] as string[],
      realtime: [] as string[],
      lines: { answered: lines.lines.length - failed, failed },
    };
    for (const entry of job.articles) {
      const outcome = await collectArticle(job, entry, status, lines, deps);
      if (outcome !== 'gone') done[outcome].push(entry.id);
    }
    await deps.table.closeJob(job.job, deps.clock());
    report.collected.push(done);
  }
  return report;
}
