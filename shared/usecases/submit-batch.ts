import type { BatchWait } from '../article.js';
import type { BatchApi, BatchFiles, BatchJob, BatchTable, DeferredCall } from '../batch/ports.js';
import type { Price } from '../config.js';
import type { ArticleRepository, Clock, MessageQueue } from '../ports.js';

/** What the batch function needs: the table, the bucket's batch files, the provider's Batch API, the analyze queue. */
export interface BatchDeps {
  articles: Pick<ArticleRepository, 'get'>;
  table: BatchTable;
  files: BatchFiles;
  api: BatchApi;
  /** Where an article whose batch ended is sent, for its next run. */
  analyzeQueue: MessageQueue;
  clock: Clock;
  /** A model's price (its batch share included), for what a batch's answers cost; null when unknown. */
  priceOf: (model: string) => Price | null;
  config: {
    /** Lines in one batch at most (OpenAI takes 50,000). */
    maxRequests: number;
    /** Queued articles one run submits at most; the next run takes the rest. */
    maxArticles: number;
  };
}

export interface SubmitReport {
  submitted: { batchId: string; job: string; model: string; requests: number; articles: number }[];
  /** Jobs a run that died left half done, finished now. */
  recovered: string[];
}

/** Where an article waits once its job's batch exists. */
const submittedWait = (wait: BatchWait, job: BatchJob, requests: number): BatchWait => ({
  ...wait,
  state: 'submitted',
  id: job.batchId,
  job: job.job,
  deadline: job.deadline,
  requests,
});

/**
 * Tells each article of a job that its calls are in the job's batch, only if
 * it is still in the round it was queued in; then the job is `submitted`.
 */
async function tellArticles(job: BatchJob, counts: Map<string, number>, deps: BatchDeps): Promise<void> {
  for (const { id, queuedAt } of job.articles) {
    const article = await deps.articles.get(id);
    if (!article?.batch || article.batch.queuedAt !== queuedAt) continue;
    const requests = counts.get(id) ?? article.batch.requests;
    await deps.table.markSubmitted(id, queuedAt, submittedWait(article.batch, job, requests), deps.clock());
  }
  await deps.table.updateJob(job.job, { state: 'submitted' }, deps.clock());
}

/**
 * Creates the job's batch. After a run that died (`recovering`), it is
 * first looked for by its input file: that run may have created it.
 */
async function ensureBatch(job: BatchJob, deps: BatchDeps, recovering: boolean): Promise<BatchJob> {
  const found = recovering ? await deps.api.findByInput(job.job) : null;
  const batch = found ?? (await deps.api.create(job.job, job.api));
  const created: BatchJob = { ...job, state: 'created', batchId: batch.id, deadline: batch.expiresAt };
  await deps.table.updateJob(job.job, { state: 'created', batchId: batch.id, deadline: batch.expiresAt }, deps.clock());
  return created;
}

/**
 * Submits the calls articles put off.
 *
 * 1. Finishes what a run that died left: a job whose batch may not exist
 *    is looked for by its input file among the provider's batches, and
 *    created only if it is not there; a job whose articles were not all
 *    told is told. So a run killed anywhere pays for no batch twice.
 * 2. Reads the queued articles, oldest first, and the calls each put off.
 * 3. Groups them by API and model (a batch takes one endpoint and one
 *    model). One run of an article puts off the calls of one stage
 *    (analysis, checks, translations), each asked of one model, so an
 *    article whose translations go to another model takes no extra round;
 *    were a run to mix them, its calls of another group would wait for
 *    its next round.
 * 4. Per group: uploads one JSONL file, records the job under the file's
 *    id, creates the batch (24-hour window), records its id and deadline.
 * 5. Marks each article submitted (the batch's id and deadline), only if it
 *    is still in the round it was queued in.
 */
export async function submitBatches(deps: BatchDeps): Promise<SubmitReport> {
  const report: SubmitReport = { submitted: [], recovered: [] };
  for (const job of await deps.table.openJobs(100)) {
    if (job.state === 'submitted') continue;
    const created = job.state === 'uploaded' ? await ensureBatch(job, deps, true) : job;
    await tellArticles(created, new Map(), deps);
    report.recovered.push(job.job);
  }

  const groups = new Map<string, { calls: DeferredCall[]; articles: { id: string; queuedAt: string }[] }>();
  const counts = new Map<string, number>();
  for (const id of await deps.table.queued(deps.config.maxArticles)) {
    const article = await deps.articles.get(id);
    const queuedAt = article?.batch?.state === 'queued' ? article.batch.queuedAt : null;
    if (!queuedAt) continue;
    const calls = await deps.files.requests(id, queuedAt);
    const first = calls[0];
    if (!first) continue;
    const name = `${first.api} ${first.model}`;
    const group = groups.get(name) ?? { calls: [], articles: [] };
    const mine = calls.filter((call) => call.api === first.api && call.model === first.model);
    if (group.calls.length > 0 && group.calls.length + mine.length > deps.config.maxRequests) continue;
    group.calls.push(...mine);
    group.articles.push({ id, queuedAt });
    counts.set(id, mine.length);
    groups.set(name, group);
  }

  for (const { calls, articles } of groups.values()) {
    const first = calls[0] as DeferredCall;
    const fileId = await deps.api.upload(calls, first.api);
    const job: BatchJob = {
      job: fileId,
      state: 'uploaded',
      batchId: null,
      api: first.api,
      model: first.model,
      articles,
      createdAt: deps.clock().toISOString(),
      deadline: null,
    };
    await deps.table.putJob(job, deps.clock());
    const created = await ensureBatch(job, deps, false);
    await tellArticles(created, counts, deps);
    report.submitted.push({
      batchId: created.batchId ?? '',
      job: fileId,
      model: first.model,
      requests: calls.length,
      articles: articles.length,
    });
  }
  return report;
}
