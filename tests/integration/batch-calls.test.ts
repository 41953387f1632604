import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../lambdas/analyze/deps.js';
import type { AnalysisInput } from '../../shared/analysis/engine.js';
import { OpenAiBatchApi } from '../../shared/analysis/llm/batch-api.js';
import { type BatchRun, parseCustomId, withinBatchRun } from '../../shared/analysis/llm/deferred.js';
import type { BookEntry, DeferredCall } from '../../shared/batch/ports.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import type { PrecisError } from '../../shared/errors.js';
import { failure } from '../helpers/errors.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

/**
 * An article's calls in batch mode, run by run, against the stand-in's
 * Batch API (as the batch function drives it, without the table): the
 * article's ceiling (PRECIS_MAX_COST_PER_ARTICLE) holds a call put off at
 * what the batch may bill it, so what one run puts off never passes the
 * ceiling and a call that fits only at the batch price is put off rather
 * than refused; and the rounds an article takes do not grow when its
 * translations are asked of another model.
 */

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());
beforeEach(() => stub.reset());

const ARTICLE_ID = 'a'.repeat(24);
const input = (): AnalysisInput => cleanDocument(sample('basra-water.html'), { name: 'basra-water.html' });

function engine(maxCostUsd: number, env: Record<string, string> = {}) {
  const config = stubLlmConfig(stub.baseURL, {
    PRECIS_MODEL: 'gpt-5.4-mini',
    PRECIS_LLM_TIMEOUT_MS: '120000',
    PRECIS_MAX_COST_PER_ARTICLE: String(maxCostUsd),
    ...env,
  });
  return createLlmEngine(config, 'sk-test', () => undefined);
}

/** One batch-mode run of the article with `book`'s answers: what it put off, and how it ended. */
async function batchRun(
  maxCostUsd: number,
  book: Map<string, BookEntry>,
  targetLanguages: string[],
  env: Record<string, string> = {},
) {
  const run: BatchRun = { articleId: ARTICLE_ID, answers: book, mode: 'defer', deferred: [] };
  const llm = engine(maxCostUsd, env);
  const outcome = await withinBatchRun(run, () => llm.analyze(input(), { targetLanguages })).then(
    (result) => ({ result, error: null }),
    (error: unknown) => ({ result: null, error }),
  );
  return { ...outcome, deferred: run.deferred };
}

const batchApi = () =>
  new OpenAiBatchApi(new OpenAI({ apiKey: 'sk-test', baseURL: stub.baseURL, maxRetries: 0 }), 'openai');

/** Sends what a run put off as one batch, runs it to its end, and keeps its answers in the book. */
async function answer(deferred: DeferredCall[], book: Map<string, BookEntry>): Promise<void> {
  const api = batchApi();
  const batch = await api.create(await api.upload(deferred, 'chat'), 'chat');
  stub.batches.finish();
  const ended = await api.retrieve(batch.id);
  for (const line of (await api.results(ended.outputFileId ?? '')).lines) {
    const id = parseCustomId(line.customId);
    if (line.ok && id) book.set(id.key, { key: id.key, stage: id.stage, api: 'chat', body: line.body });
  }
}

/** The worst case the ceiling named when it refused a call: "the next call may cost up to $X". */
const worstNamed = (message: string) => Number(/may cost up to \$([\d.]+)/.exec(message)?.[1] ?? Number.NaN);

describe('the per-article ceiling in batch mode', () => {
  it('puts off a call that fits at the batch price and not in real time, and refuses one that fits at neither', async () => {
    // Prepare: the analysis call's worst case in real time, as the ceiling names it when it refuses it.
    const refused = await failure(engine(0.000001).analyze(input(), { targetLanguages: [] }));
    const realtimeWorst = worstNamed(refused.message);
    expect(realtimeWorst).toBeGreaterThan(0);
    expect(stub.ledger.billed).toBe(0);

    // Act: a ceiling between the batch price (half) and the real-time price, in real time and in batch mode.
    const between = realtimeWorst * 0.75;
    const realtime = await failure(engine(between).analyze(input(), { targetLanguages: [] }));
    const batch = await batchRun(between, new Map(), []);
    const below = await batchRun(realtimeWorst * 0.4, new Map(), []);

    // Assess: refused in real time; put off in batch mode; refused in batch mode too under the batch price.
    expect(realtime.code).toBe('LLM_BUDGET_EXCEEDED');
    expect(batch.deferred.map((d) => d.stage)).toEqual(['analysis']);
    expect(below.deferred).toEqual([]);
    expect((below.error as PrecisError).code).toBe('LLM_BUDGET_EXCEEDED');
    expect(worstNamed((below.error as PrecisError).message)).toBeCloseTo(realtimeWorst / 2, 3);
    expect(stub.ledger.billed).toBe(0);
  });

  it('puts off only the translations that fit beside each other: the one past the ceiling fails as in real time', async () => {
    // Prepare: the analysis answered by a batch, so the next run goes on to the two translations.
    const book = new Map<string, BookEntry>();
    await answer((await batchRun(1, book, ['ar', 'fr'])).deferred, book);
    const both = await batchRun(1, book, ['ar', 'fr']);
    expect(both.deferred.map((d) => d.stage).sort()).toEqual(['translation:ar', 'translation:fr']);
    // Each translation's worst case at the batch price, as a ceiling too small for either names it;
    // the analysis, answered from the book, needs no room.
    const none = await batchRun(0.000001, book, ['ar', 'fr']);
    const [ar = 0, fr = 0] = ['ar', 'fr'].map((lang) => {
      const t = none.result?.translations[lang];
      return worstNamed(t?.status === 'failed' ? t.reason : '');
    });
    expect(none.deferred).toEqual([]);

    // Act: a ceiling room for one of them and not both.
    const room = Math.max(ar, fr) * 1.2;
    const one = await batchRun(room, book, ['ar', 'fr']);

    // Assess: one put off; the other failed on the ceiling, not put off.
    expect(room).toBeLessThan(ar + fr);
    expect(one.deferred).toHaveLength(1);
    const failed = Object.values(one.result?.translations ?? {}).filter(
      (t) => t.status === 'failed' && t.reason.startsWith('LLM_BUDGET_EXCEEDED'),
    );
    expect(failed).toHaveLength(1);
    // Nothing was sent in real time: the analysis came from the batch, the translations wait on the next.
    expect(stub.ledger.billed - stub.ledger.batch.billed).toBe(0);
  });

  it('takes as many rounds when the translations are asked of another model: each run puts off calls of one model', async () => {
    // Prepare: the same article with one model, and with its translations on another.
    const rounds = async (env: Record<string, string>) => {
      const book = new Map<string, BookEntry>();
      const models: string[][] = [];
      for (let round = 0; round < 6; round++) {
        const run = await batchRun(1, book, ['ar', 'fr'], env);
        if (run.deferred.length === 0) return { models, result: run.result };
        models.push([...new Set(run.deferred.map((d) => d.model))]);
        await answer(run.deferred, book);
      }
      throw new Error('the article did not end within 6 rounds');
    };

    // Act
    const one = await rounds({});
    const two = await rounds({ PRECIS_TRANSLATION_MODEL: 'gpt-5.4-nano' });

    // Assess: the analysis round, then the translations' round, whatever model each stage is asked of.
    expect(one.models).toEqual([['gpt-5.4-mini'], ['gpt-5.4-mini']]);
    expect(two.models).toEqual([['gpt-5.4-mini'], ['gpt-5.4-nano']]);
    expect([one.result?.status, two.result?.status]).toEqual(['DONE', 'DONE']);
  });

  it("forgets the stand-in's batches and files when it is reset", async () => {
    // Prepare: one batch on the stand-in.
    const api = batchApi();
    const first = await batchRun(1, new Map(), []);
    const file = await api.upload(first.deferred, 'chat');
    await api.create(file, 'chat');
    expect(stub.batches.list()).toHaveLength(1);

    // Act
    stub.reset();

    // Assess: no batch listed, and the file is gone.
    expect(stub.batches.list()).toEqual([]);
    expect(stub.batches.calls).toEqual([]);
    await expect(api.findByInput(file)).resolves.toBeNull();
  });
});
