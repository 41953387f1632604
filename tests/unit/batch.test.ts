import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createBatchHandler } from '../../lambdas/batch/handler.js';
import { METRICS } from '../../lambdas/metrics.js';
import { observability } from '../../lambdas/runtime.js';
import { costOf } from '../../shared/analysis/llm/prices.js';
import type { ArticleRecord, BatchWait, StageUsage } from '../../shared/article.js';
import type {
  BatchApi,
  BatchFiles,
  BatchJob,
  BatchResultLine,
  BatchStatus,
  BatchTable,
  BookEntry,
  DeferredCall,
} from '../../shared/batch/ports.js';
import type { Price } from '../../shared/config.js';
import { collectBatches } from '../../shared/usecases/collect-batch.js';
import { type BatchDeps, submitBatches } from '../../shared/usecases/submit-batch.js';
import { context } from '../helpers/events.js';

/** The batch use cases on ports held in memory: the table, the bucket's files, the provider's Batch API. */

const PRICE: Price = { input: 1, output: 4, cachedInput: 0.1, batch: 0.5 };
const NOW = new Date('2026-12-05T00:00:00Z');
const ids = ['a'.repeat(24), 'b'.repeat(24), 'c'.repeat(24)];

type Item = ArticleRecord & { pending?: string };

function memory() {
  const articles = new Map<string, Item>();
  const jobs = new Map<string, BatchJob & { open: boolean }>();
  const requests = new Map<string, DeferredCall[]>();
  const answers = new Map<string, BookEntry[]>();
  const sent: string[] = [];
  const table: BatchTable = {
    queue: async () => true,
    queued: async (limit) =>
      [...articles.values()]
        .filter((a) => a.pending === 'BATCH_QUEUED')
        .slice(0, limit)
        .map((a) => a.id),
    openJobs: async () =>
      [...jobs.values()].filter((j) => j.open).map(({ open: _open, ...job }) => structuredClone(job)),
    putJob: async (job) => void jobs.set(job.job, { ...structuredClone(job), open: true }),
    updateJob: async (job, change) => void Object.assign(jobs.get(job) ?? {}, change),
    closeJob: async (job) => void Object.assign(jobs.get(job) ?? {}, { open: false }),
    markSubmitted: async (id, queuedAt, wait) => {
      const a = articles.get(id);
      if (a?.pending !== 'BATCH_QUEUED' || a.batch?.queuedAt !== queuedAt) return false;
      Object.assign(a, { pending: 'BATCH_WAIT', batch: wait });
      return true;
    },
    markCollected: async (id, job, change) => {
      const a = articles.get(id);
      if (a?.pending !== 'BATCH_WAIT' || a.batch?.job !== job) return false;
      Object.assign(a, { pending: 'ANALYZING', batch: change.wait, usage: change.usage });
      return true;
    },
  };
  const files: BatchFiles = {
    putRequests: async (id, at, calls) => void requests.set(`${id} ${at}`, calls),
    requests: async (id, at) => requests.get(`${id} ${at}`) ?? [],
    putAnswers: async (id, job, entries) => void answers.set(`${id} ${job}`, entries),
    answers: async (id) => [...answers].filter(([k]) => k.startsWith(id)).flatMap(([, v]) => v),
  };
  const batches = new Map<string, BatchStatus>();
  const outputs = new Map<string, BatchResultLine[]>();
  const api: BatchApi & { uploads: DeferredCall[][]; created: number } = {
    uploads: [],
    created: 0,
    upload: async (calls) => {
      api.uploads.push(calls);
      return `file-${api.uploads.length}`;
    },
    create: async (inputFileId) => {
      api.created++;
      const status: BatchStatus = {
        id: `batch_${api.created}`,
        status: 'validating',
        inputFileId,
        outputFileId: null,
        errorFileId: null,
        expiresAt: '2026-12-06T00:00:00.000Z',
        counts: { total: 0, completed: 0, failed: 0 },
        errors: [],
      };
      batches.set(status.id, status);
      return { ...status };
    },
    findByInput: async (file) => [...batches.values()].find((b) => b.inputFileId === file) ?? null,
    retrieve: async (id) => ({ ...(batches.get(id) as BatchStatus) }),
    results: async (file) => ({ lines: outputs.get(file) ?? [], stub: false }),
  };
  const deps: BatchDeps = {
    articles: { get: async (id) => structuredClone(articles.get(id)) },
    table,
    files,
    api,
    analyzeQueue: { send: async ({ articleId }) => void sent.push(articleId) },
    clock: () => NOW,
    priceOf: () => PRICE,
    config: { maxRequests: 1000, maxArticles: 100 },
  };
  /** Articles that put one analysis call off each, waiting to be submitted. */
  const queueArticles = () => {
    for (const id of ids) {
      const queuedAt = NOW.toISOString();
      const wait: BatchWait = {
        state: 'queued',
        id: null,
        job: null,
        deadline: null,
        requests: 1,
        rounds: 0,
        queuedAt,
      };
      articles.set(id, { id, status: 'ANALYZING', pending: 'BATCH_QUEUED', batch: wait } as Item);
      const call: DeferredCall = {
        customId: `${id}/analysis/${'0'.repeat(31)}${ids.indexOf(id)}`,
        key: `${'0'.repeat(31)}${ids.indexOf(id)}`,
        stage: 'analysis',
        api: 'chat',
        model: 'gpt-5.4-mini',
        body: { model: 'gpt-5.4-mini', messages: [] },
      };
      requests.set(`${id} ${queuedAt}`, [call]);
    }
  };
  /** The batch ends as `status`, with a line per call: answered (1,000 in, 200 out) or failed with `code`. */
  const end = (status: BatchStatus['status'], failed: Record<string, string> = {}) => {
    for (const batch of batches.values()) {
      const calls = api.uploads[Number(batch.inputFileId.split('-')[1]) - 1] ?? [];
      const lines: BatchResultLine[] = calls.map((call) => {
        const code = failed[call.customId.slice(0, 24)];
        if (code) return { customId: call.customId, ok: false, code, message: code };
        const usage = { inputTokens: 1000, outputTokens: 200, cachedInputTokens: 0, reasoningTokens: 0, batch: true };
        return { customId: call.customId, ok: true, body: { choices: [] }, usage };
      });
      outputs.set(`out-${batch.id}`, lines);
      Object.assign(batch, { status, outputFileId: `out-${batch.id}` });
    }
  };
  return { articles, jobs, api, deps, sent, answers, queueArticles, end };
}

const realtime = (u: StageUsage) => costOf(PRICE, { ...u, batch: false }) ?? 0;

describe('submitting the calls put off', () => {
  it('sends one batch for the queued articles, and each article shows its batch and deadline', async () => {
    // Prepare
    const m = memory();
    m.queueArticles();

    // Act
    const report = await submitBatches(m.deps);

    // Assess
    expect(report.submitted).toEqual([expect.objectContaining({ batchId: 'batch_1', requests: 3, articles: 3 })]);
    expect(m.api.uploads[0]?.map((c) => c.customId.slice(0, 24))).toEqual(ids);
    for (const id of ids) {
      expect(m.articles.get(id)?.batch).toMatchObject({
        state: 'submitted',
        id: 'batch_1',
        deadline: '2026-12-06T00:00:00.000Z',
      });
    }
  });

  it('finds the batch a run that died after creating it made, and creates none again', async () => {
    // Prepare: the run dies between creating the batch and keeping its id.
    const m = memory();
    m.queueArticles();
    const create = m.api.create;
    m.api.create = async (file, api) => {
      await create(file, api);
      throw new Error('killed');
    };
    await expect(submitBatches(m.deps)).rejects.toThrow('killed');
    m.api.create = create;

    // Act
    const report = await submitBatches(m.deps);

    // Assess: one batch, paid once, and the articles wait on it.
    expect(m.api.created).toBe(1);
    expect(report.recovered).toEqual(['file-1']);
    expect(report.submitted).toEqual([]);
    expect(ids.map((id) => m.articles.get(id)?.batch?.id)).toEqual(['batch_1', 'batch_1', 'batch_1']);
  });
});

describe('collecting ended batches', () => {
  it('counts each answer once at the batch price when a run dies half-way and runs again, and loses no article', async () => {
    // Prepare: a completed batch, and a collect run that dies after moving the first article.
    const m = memory();
    m.queueArticles();
    await submitBatches(m.deps);
    m.end('completed');
    const markCollected = m.deps.table.markCollected;
    let moved = 0;
    m.deps.table.markCollected = async (...args) => {
      if (moved === 1) throw new Error('killed');
      moved++;
      return markCollected(...args);
    };
    await expect(collectBatches(m.deps)).rejects.toThrow('killed');
    m.deps.table.markCollected = markCollected;

    // Act
    const report = await collectBatches(m.deps);

    // Assess: every article sent on with one batch call counted, at half its real-time price.
    expect(report.collected[0]?.answered).toHaveLength(3);
    expect(new Set(m.sent)).toEqual(new Set(ids));
    for (const id of ids) {
      const usage = m.articles.get(id)?.usage?.analysis as StageUsage;
      expect(usage).toMatchObject({ calls: 1, batchCalls: 1, inputTokens: 1000, outputTokens: 200 });
      expect(usage.costUsd).toBeCloseTo(realtime(usage) / 2, 10);
      expect(m.articles.get(id)?.batch?.state).toBe('collected');
    }
    expect(await collectBatches(m.deps)).toEqual({ collected: [], waiting: [] });
  });

  it('counts a batch the stand-in server answered, costing nothing', async () => {
    // Prepare: the same batch, its results read from precis's stand-in (npm run stub:llm).
    const m = memory();
    m.queueArticles();
    await submitBatches(m.deps);
    m.end('completed');
    const results = m.deps.api.results;
    m.deps.api.results = async (file) => ({ ...(await results(file)), stub: true });

    // Act
    await collectBatches(m.deps);

    // Assess
    for (const id of ids) {
      const usage = m.articles.get(id)?.usage?.analysis as StageUsage;
      expect(usage).toMatchObject({ calls: 1, batchCalls: 1, inputTokens: 1000, outputTokens: 200, costUsd: 0 });
    }
  });

  it('sends the articles an expired batch did not answer back to the normal path, with why', async () => {
    // Prepare
    const m = memory();
    m.queueArticles();
    await submitBatches(m.deps);
    m.end('expired', { [ids[1] as string]: 'batch_expired', [ids[2] as string]: 'batch_expired' });

    // Act
    const report = await collectBatches(m.deps);

    // Assess
    expect(report.collected[0]).toMatchObject({ status: 'expired', answered: [ids[0]], realtime: [ids[1], ids[2]] });
    const back = m.articles.get(ids[1] as string);
    expect(back?.batch).toMatchObject({ state: 'realtime', reason: expect.stringContaining('expired') });
    expect(back?.usage?.analysis).toBeUndefined();
    expect(m.sent).toEqual(ids);
  });

  it('leaves a batch still in progress for a later run', async () => {
    // Prepare
    const m = memory();
    m.queueArticles();
    await submitBatches(m.deps);

    // Act
    const report = await collectBatches(m.deps);

    // Assess
    expect(report.waiting).toEqual([expect.objectContaining({ batchId: 'batch_1', status: 'validating' })]);
    expect(m.sent).toEqual([]);
  });
});

describe('the batch function', () => {
  it('publishes what each run did: batches submitted and collected, their lines, and the articles sent back', async () => {
    // Prepare: a batch of three lines, two of them expired.
    const m = memory();
    const observe = observability('precis-batch');
    const added: Record<string, number> = {};
    vi.spyOn(observe.metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      added[name] = (added[name] ?? 0) + value;
      return observe.metrics;
    });
    vi.spyOn(observe.metrics, 'publishStoredMetrics').mockImplementation(() => observe.metrics);
    const handler = createBatchHandler({ ...m.deps, ...observe });
    m.queueArticles();
    await handler({} as ScheduledEvent, context());
    m.end('expired', { [ids[1] as string]: 'batch_expired', [ids[2] as string]: 'batch_expired' });

    // Act
    await handler({} as ScheduledEvent, context());

    // Assess: over the two runs, one batch of three lines submitted, collected with one answered, two sent back.
    expect(added).toEqual({
      [METRICS.batch.submitted]: 1,
      [METRICS.batch.requests]: 3,
      [METRICS.batch.collected]: 1,
      [METRICS.batch.answered]: 1,
      [METRICS.batch.failed]: 2,
      [METRICS.batch.realtime]: 2,
    });
  });
});
