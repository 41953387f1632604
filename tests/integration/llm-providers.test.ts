import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine, selectEngine } from '../../lambdas/analyze/deps.js';
import type { AnalysisInput } from '../../shared/analysis/engine.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import type { StageUsage } from '../../shared/article.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import { PrecisError } from '../../shared/errors.js';
import { failure } from '../helpers/errors.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubOptions, type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

/**
 * The LLM engine against the stub server answering as each provider's
 * documentation says (see tests/helpers/stub-openai.ts). Every test checks
 * that what the record says was spent is what the server billed.
 */

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());
beforeEach(() => stub.reset());

function engine(env: Record<string, string> = {}, warnings: string[] = []) {
  const config = stubLlmConfig(stub.baseURL, {
    PRECIS_LLM_RETRIES: '1',
    // Minutes: a call a busy machine answers slowly is not a timeout (tests of timeouts set their own).
    PRECIS_LLM_TIMEOUT_MS: '120000',
    ...env,
  });
  return createLlmEngine(config, config.OPENAI_API_KEY, (m) => warnings.push(m));
}

const article = (name: string): AnalysisInput => cleanDocument(sample(name), { name });
/** The three English samples as one long article (about 2,000 tokens). */
function longArticle(times = 1): AnalysisInput {
  const text = Array.from({ length: times }, () =>
    ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md'].map((n) => article(n).text).join('\n\n'),
  ).join('\n\n');
  return { text, title: 'Three stories', language: 'en', publishedAt: null, contentHash: `long-${times}` };
}

/** The record's totals equal what the stub billed: every answered call counted, nothing else. */
function expectBilled(usage: Record<string, StageUsage>) {
  const total = UsageMeter.sum(usage);
  expect({
    calls: total.calls,
    inputTokens: total.inputTokens,
    outputTokens: total.outputTokens,
    cachedInputTokens: total.cachedInputTokens,
    reasoningTokens: total.reasoningTokens,
  }).toEqual({
    calls: stub.ledger.billed,
    inputTokens: stub.ledger.inputTokens,
    outputTokens: stub.ledger.outputTokens,
    cachedInputTokens: stub.ledger.cachedInputTokens,
    reasoningTokens: stub.ledger.reasoningTokens,
  });
}

/** Runs `analyze` with a meter, so a failure's spending can be checked too. */
async function spent(run: (meter: UsageMeter) => Promise<unknown>) {
  const meter = new UsageMeter();
  const error = await run(meter).then(
    () => null,
    (e: unknown) => e,
  );
  return { meter, error: error instanceof PrecisError ? error : null };
}

describe('requests each provider accepts', () => {
  it('sends reasoning_effort only to models that take it, as a value they take, with an output cap on every call', async () => {
    for (const [model, wanted, sent] of [
      ['gpt-4.1-mini', 'low', undefined],
      ['gpt-4o-mini', 'high', undefined],
      ['gpt-5.1', 'minimal', 'low'],
      ['gpt-5', 'none', 'minimal'],
      ['o3', 'none', 'low'],
      ['o4-mini', 'medium', 'medium'],
      ['gpt-5.4-mini', 'xhigh', 'xhigh'],
    ] as const) {
      stub.reset();
      const warnings: string[] = [];
      const result = await engine(
        { PRECIS_MODEL: model, PRECIS_REASONING_EFFORT: wanted, PRECIS_TRANSLATION_EFFORT: 'default' },
        warnings,
      ).analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: ['fr'] });
      expect(result.status, model).toBe('DONE');
      expect(stub.ledger.refused, model).toBe(0);
      for (const r of stub.requests) {
        expect(r.body.reasoning_effort, model).toBe(sent);
        expect(r.body.max_completion_tokens, model).toBeGreaterThan(0);
        expect(r.body.max_tokens, model).toBeUndefined();
      }
      expect(result.provenance.llm?.reasoningEffort ?? undefined, model).toBe(sent);
      if (sent !== wanted) expect(warnings.join(' '), model).toContain(model);
      expectBilled(result.usage);
    }
  });

  it('counts reasoning tokens as output, leaves room for them in the cap, and prices them', async () => {
    // gpt-5-mini reasons at medium by default: 800 reasoning tokens per call at the stub.
    const result = await engine({ PRECIS_MODEL: 'gpt-5-mini' }).analyze(article('kirkuk-checkpoints.txt'), {
      targetLanguages: [],
    });
    expect(result.usage.analysis?.reasoningTokens).toBe(800);
    expect(stub.requests[0]?.body.max_completion_tokens).toBeGreaterThan(4096 + 800);
    const u = result.usage.analysis as StageUsage;
    expect(u.costUsd).toBeCloseTo((u.inputTokens * 0.25 + u.outputTokens * 2) / 1e6, 8);
    expectBilled(result.usage);
  });

  it('names the output cap max_tokens for a compatible server, and sends reasoning as OpenRouter wants it', async () => {
    stub.setOptions({ profile: 'vllm' });
    await engine({
      PRECIS_LLM_PROVIDER: 'auto',
      PRECIS_MODEL: 'Qwen/Qwen3-8B',
      PRECIS_REASONING_EFFORT: 'low',
    }).analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(stub.requests[0]?.body).toMatchObject({ max_tokens: expect.any(Number) });
    expect(stub.requests[0]?.body.max_completion_tokens).toBeUndefined();
    // A model precis does not know gets no reasoning parameter.
    expect(stub.requests[0]?.body.reasoning_effort).toBeUndefined();
    expect(stub.ledger.billed).toBe(1);

    stub.reset();
    stub.setOptions({ profile: 'openrouter' });
    const result = await engine({
      PRECIS_LLM_PROVIDER: 'openrouter',
      PRECIS_MODEL: 'openai/gpt-5-mini',
      PRECIS_REASONING_EFFORT: 'low',
      PRECIS_LLM_HEADERS: '{"HTTP-Referer": "https://newsroom.example", "X-Title": "precis"}',
      PRECIS_LLM_BODY: '{"provider": {"order": ["openai"], "allow_fallbacks": false}}',
    }).analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    const [request] = stub.requests;
    expect(request?.raw).toMatchObject({
      reasoning: { effort: 'low' },
      provider: { order: ['openai'], allow_fallbacks: false },
      max_tokens: expect.any(Number),
    });
    expect(request?.headers['http-referer']).toBe('https://newsroom.example');
    expect(request?.headers['x-title']).toBe('precis');
    expect(result.usage.analysis?.costUsd).toBeGreaterThan(0);
    expectBilled(result.usage);
  });

  it("keeps the server's words (without secrets) in a refusal, and does not retry it", async () => {
    const error = await failure(
      engine({ PRECIS_MODEL: 'gpt-9-turbo' }).analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] }),
    );
    expect(error.code).toBe('LLM_REJECTED');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('does not exist or you do not have access to it');
    expect(stub.requests).toHaveLength(1);
    expect(stub.ledger.billed).toBe(0);

    stub.reset();
    stub.setOptions({ apiKey: 'sk-right' });
    const denied = await failure(
      engine({ OPENAI_API_KEY: 'sk-wrong-key-123456' }).analyze(article('kirkuk-checkpoints.txt'), {
        targetLanguages: [],
      }),
    );
    expect(denied.code).toBe('LLM_REJECTED');
    expect(denied.message).toContain('check the API key');
    expect(denied.message).not.toMatch(/sk-wr\w/);
    expect(stub.requests).toHaveLength(1);
  });
});

describe('answers read as they are', () => {
  it('asks once more with the cap raised, then splits an analysis whose answer still hits it, and never repairs it', async () => {
    stub.script({ kind: 'finish', reason: 'length' }, { kind: 'finish', reason: 'length' });
    const result = await engine().analyze(longArticle(), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    const analyses = stub.requests.filter((r) => r.task === 'article_analysis');
    const chunks = result.provenance.chunks ?? 0;
    expect(chunks).toBeGreaterThanOrEqual(2);
    // The cut answer, the same prompt with twice the cap, then one per part, then the merge.
    expect(analyses[1]?.body.max_completion_tokens).toBe(2 * (analyses[0]?.body.max_completion_tokens ?? 0));
    expect(analyses).toHaveLength(2 + chunks);
    expect(stub.requests.at(-1)?.task).toBe('summary_merge');
    // No request quoted a previous answer back (a repair would).
    expect(stub.requests.every((r) => r.body.messages.every((m) => m.role !== 'assistant'))).toBe(true);
    expectBilled(result.usage);
  });

  it('takes an answer that fits once the cap is raised, without splitting the article', async () => {
    stub.script({ kind: 'finish', reason: 'length' });
    const result = await engine().analyze(longArticle(), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    expect(result.provenance.chunks).toBe(1);
    expect(stub.requests.map((r) => r.task)).toEqual(['article_analysis', 'article_analysis']);
    expectBilled(result.usage);
  });

  it('ends LLM_OUTPUT_TRUNCATED when even the smallest parts do not fit, with every call counted', async () => {
    stub.setOptions({
      route: (r) => (r.task === 'article_analysis' ? { kind: 'finish', reason: 'length' } : undefined),
    });
    const { meter, error } = await spent((m) =>
      engine().analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [], meter: m }),
    );
    expect(error?.code).toBe('LLM_OUTPUT_TRUNCATED');
    expect(error?.permanent).toBe(true);
    expect(stub.requests.length).toBeGreaterThan(1);
    expectBilled(meter.usage);
  });

  it('splits a translation whose answer hit the cap, even raised, into the summary and the claims', async () => {
    let cut = 0;
    stub.setOptions({
      route: (r) => (r.task === 'translation' && cut++ < 2 ? { kind: 'finish', reason: 'length' } : undefined),
    });
    const input = article('basra-water.html');
    const result = await engine().analyze(input, { targetLanguages: ['ar'] });
    expect(result.status).toBe('DONE');
    const translations = stub.requests.filter((r) => r.task === 'translation');
    expect(translations).toHaveLength(4);
    expect(translations[1]?.body.max_completion_tokens).toBeGreaterThan(
      translations[0]?.body.max_completion_tokens ?? 0,
    );
    const sent = translations[3]?.body.messages[1]?.content ?? '';
    const claimsOnly = JSON.parse(sent.split('\n').find((line) => line.startsWith('{')) ?? '{}');
    expect(Object.keys(claimsOnly)).toEqual(['claims', 'speakers']);
    const ar = result.translations.ar;
    expect(ar?.status === 'done' && ar.claims.map((c) => c.id)).toEqual(result.claims.map((c) => c.id));
    expectBilled(result.usage);
  });

  it('ends LLM_REFUSED on a refusal or a content filter, at once, with no repair and its tokens counted', async () => {
    stub.script({ kind: 'refusal', refusal: "I can't help with that." });
    const refused = await spent((m) =>
      engine().analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [], meter: m }),
    );
    expect(refused.error?.code).toBe('LLM_REFUSED');
    expect(refused.error?.permanent).toBe(true);
    expect(refused.error?.message).toContain("I can't help with that.");
    expect(stub.requests).toHaveLength(1);
    expectBilled(refused.meter.usage);

    stub.reset();
    stub.script({ kind: 'finish', reason: 'content_filter' });
    const filtered = await spent((m) =>
      engine().analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [], meter: m }),
    );
    expect(filtered.error?.code).toBe('LLM_REFUSED');
    expect(stub.requests).toHaveLength(1);
    expectBilled(filtered.meter.usage);
  });

  it("takes Azure's prompt filter (a 400 with code content_filter) as a refusal, not as a reason to leave JSON schema", async () => {
    stub.setOptions({ profile: 'azure', deployments: { 'news-mini': 'gpt-5.4-mini' }, filterPrompt: /Mosul/ });
    const llm = engine({
      OPENAI_BASE_URL: stub.baseURL,
      PRECIS_LLM_PROVIDER: 'azure',
      PRECIS_MODEL: 'news-mini',
      PRECIS_MODEL_FAMILY: 'gpt-5.4-mini',
    });
    const error = await failure(llm.analyze(article('mosul-old-city.md'), { targetLanguages: [] }));
    expect(error.code).toBe('LLM_REFUSED');
    expect(error.message).toContain('content management policy');
    expect(stub.requests).toHaveLength(1);
    expect(stub.ledger.billed).toBe(0);

    const next = await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(next.status).toBe('DONE');
    expect(stub.requests.at(-1)?.body.response_format?.type).toBe('json_schema');
    expect(next.usage.analysis?.costUsd).toBeGreaterThan(0);
    expectBilled(next.usage);
  });

  it('reads the JSON after a <think> block', async () => {
    stub.setOptions({ profile: 'vllm', think: true });
    const result = await engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'deepseek-r1' }).analyze(
      article('kirkuk-checkpoints.txt'),
      { targetLanguages: ['ar'] },
    );
    expect(result.status).toBe('DONE');
    expect(stub.requests).toHaveLength(2);
    expectBilled(result.usage);
  });

  it('gives an answer in prose one repair with the schema in the prompt', async () => {
    stub.script({ kind: 'prose' });
    const result = await engine().analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    expect(stub.requests).toHaveLength(2);
    const repair = stub.requests[1]?.body.messages.at(-1)?.content ?? '';
    expect(repair).toContain('not valid JSON');
    expect(repair).toContain('must validate against this JSON Schema');
    expectBilled(result.usage);
  });
});

describe('output mode', () => {
  it('moves a model to JSON mode only after an error about response_format, remembers it, and says so', async () => {
    stub.setOptions({ refuseJsonSchema: true });
    const llm = engine();
    const first = await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(first.provenance.llm?.outputMode).toBe('json_object');
    expect(stub.requests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object']);
    expectBilled(first.usage);
    stub.requests.length = 0;
    await llm.analyze(article('mosul-old-city.md'), { targetLanguages: [] });
    expect(stub.requests.map((r) => r.body.response_format?.type)).toEqual(['json_object']);
  });

  it('keeps JSON schema on LM Studio, which refuses JSON mode', async () => {
    stub.setOptions({ profile: 'lmstudio' });
    const result = await engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'qwen2.5-7b-instruct' }).analyze(
      article('basra-water.html'),
      { targetLanguages: ['fr'] },
    );
    expect(result.status).toBe('DONE');
    expect(result.provenance.llm?.outputMode).toBe('json_schema');
    expect(stub.ledger.refused).toBe(0);
    expectBilled(result.usage);
  });

  it('does not leave JSON schema on a context-length error', async () => {
    stub.setOptions({ profile: 'vllm', contextTokens: 3000 });
    const result = await engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'llama-3.1-8b' }).analyze(
      longArticle(),
      { targetLanguages: [] },
    );
    expect(result.status).toBe('DONE');
    expect(stub.requests.every((r) => r.body.response_format?.type === 'json_schema')).toBe(true);
    expectBilled(result.usage);
  });
});

describe('context', () => {
  it('catches a prompt Ollama cut to its default context, learns the window from it, and ends DONE in parts', async () => {
    stub.setOptions({ profile: 'ollama', contextTokens: 4096 });
    // About 3,200 words: the server reads some 80 % of the prompt, a share no estimate can tell from a whole one.
    const result = await engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'llama3.1:8b' }).analyze(
      longArticle(4),
      { targetLanguages: [] },
    );
    expect(result.status).toBe('DONE');
    expect(result.provenance.chunks).toBeGreaterThan(1);
    // The first prompt was cut and thrown away; no part was cut after it.
    expect(stub.ledger.cut).toBe(1);
    expect(stub.requests[0]?.body.messages[1]?.content.length).toBeGreaterThan(
      (stub.requests[1]?.body.messages[1]?.content.length ?? 0) * 1.5,
    );
    expectBilled(result.usage);
  });

  it('never bills an article past its ceiling: the article ends LLM_BUDGET_EXCEEDED with what it spent counted', async () => {
    stub.setOptions({ profile: 'ollama', contextTokens: 4096 });
    const { meter, error } = await spent((m) =>
      engine({
        PRECIS_LLM_PROVIDER: 'compatible',
        PRECIS_MODEL: 'llama3.1:8b',
        PRECIS_MAX_CALLS_PER_ARTICLE: '6',
      }).analyze(longArticle(5), { targetLanguages: [], meter: m }),
    );
    expect(error?.code).toBe('LLM_BUDGET_EXCEEDED');
    expect(error?.permanent).toBe(true);
    expect(stub.ledger.billed).toBeLessThanOrEqual(6);
    expectBilled(meter.usage);

    // Spend: a model whose every call may cost more than what is left is not called at all.
    stub.reset();
    const pricey = await spent((m) =>
      engine({ PRECIS_MODEL: 'gpt-5.4', PRECIS_MAX_COST_PER_ARTICLE: '0.01' }).analyze(article('basra-water.html'), {
        targetLanguages: [],
        meter: m,
      }),
    );
    expect(pricey.error?.code).toBe('LLM_BUDGET_EXCEEDED');
    expect(pricey.error?.message).toContain('PRECIS_MAX_COST_PER_ARTICLE');
    expect(stub.ledger.billed).toBe(0);
  });

  it('chunks to the context window configuration gives, so the server never cuts', async () => {
    stub.setOptions({ profile: 'ollama', contextTokens: 4096 });
    const result = await engine({
      PRECIS_LLM_PROVIDER: 'compatible',
      PRECIS_MODEL: 'llama3.1:8b',
      PRECIS_CONTEXT_TOKENS: '4096',
    }).analyze(longArticle(5), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    expect(result.provenance.chunks).toBeGreaterThan(1);
    expect(
      stub.requests.every(
        (r) =>
          r.task !== 'article_analysis' ||
          !r.body.messages[1]?.content.includes('BEGIN') ||
          r.body.messages.length === 2,
      ),
    ).toBe(true);
    // No prompt was cut; a first try keeps 60 % of the window for the prompt (a raised cap only what the prompt leaves).
    expect(stub.ledger.cut).toBe(0);
    expect(stub.requests[0]?.body.max_tokens).toBeLessThanOrEqual(4096 * 0.4);
    expectBilled(result.usage);
  });

  it('learns the context window from a server that refuses a prompt as too long, and splits to fit', async () => {
    stub.setOptions({ profile: 'llamacpp', contextTokens: 2000 });
    const result = await engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'gemma-3-4b' }).analyze(
      longArticle(2),
      { targetLanguages: [] },
    );
    expect(result.status).toBe('DONE');
    expect(stub.ledger.refused).toBe(1);
    expect(result.provenance.chunks).toBeGreaterThan(1);
    expectBilled(result.usage);
  });
});

describe('time', () => {
  it('hands a Retry-After past the budget back to the queue instead of sleeping through it', async () => {
    stub.script({ kind: 'status', status: 429, headers: { 'retry-after': '120' }, code: 'rate_limit_exceeded' });
    const started = Date.now();
    const error = await failure(
      engine({ PRECIS_ARTICLE_BUDGET_MS: '15000' }).analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] }),
    );
    // Far less than the 120 s asked for, however busy the machine.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(error.code).toBe('LLM_RATE_LIMITED');
    expect(error.permanent).toBe(false);
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(120_000);
    expect(stub.ledger.billed).toBe(0);
  });

  it('waits out a short Retry-After within the budget, and not past the delivery deadline', async () => {
    stub.script({ kind: 'status', status: 429, headers: { 'retry-after-ms': '300' } });
    const result = await engine().analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    expect((stub.requests[1]?.at ?? 0) - (stub.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(290);
    expectBilled(result.usage);

    stub.reset();
    stub.script({ kind: 'status', status: 429, headers: { 'retry-after-ms': '3000' } });
    const error = await failure(
      engine().analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [], deadline: Date.now() + 1000 }),
    );
    expect(error.code).toBe('LLM_RATE_LIMITED');
  });
});

describe('the Responses API', () => {
  it('analyses and translates on /responses with the same schemas, checks and accounting', async () => {
    const result = await engine({ PRECIS_LLM_API: 'responses', PRECIS_MODEL: 'gpt-5-mini' }).analyze(
      article('basra-water.html'),
      { targetLanguages: ['ar'] },
    );
    expect(result.status).toBe('DONE');
    expect(stub.requests.map((r) => r.api)).toEqual(['responses', 'responses']);
    expect(stub.requests[0]?.raw).toMatchObject({
      text: { format: { type: 'json_schema', name: 'article_analysis', strict: true } },
      max_output_tokens: expect.any(Number),
      store: false,
    });
    expect(result.provenance.llm?.api).toBe('responses');
    expect(result.claims.every((c) => c.grounded)).toBe(true);
    expectBilled(result.usage);
  });

  it('uses /responses by itself for the models served only there, and reads their refusals', async () => {
    stub.script({ kind: 'refusal', refusal: 'No.' });
    const error = await failure(
      engine({ PRECIS_MODEL: 'o3-pro', PRECIS_MAX_COST_PER_ARTICLE: '5' }).analyze(article('kirkuk-checkpoints.txt'), {
        targetLanguages: [],
      }),
    );
    expect(error.code).toBe('LLM_REFUSED');
    expect(stub.requests.map((r) => r.api)).toEqual(['responses']);
    expect(stub.ledger.billed).toBe(1);
  });
});

describe('answers kept by text', () => {
  it('pays for the analysis of a text once: a later run with other languages, or after a failure, takes the kept answer', async () => {
    const kept = new Map<string, unknown>();
    const answers = {
      get: async (key: string) => (kept.get(key) as never) ?? null,
      put: async (key: string, answer: unknown) => void kept.set(key, answer),
    };
    const config = stubLlmConfig(stub.baseURL, { OPENAI_API_KEY: 'k', PRECIS_LLM_RETRIES: '0' });
    const llm = createLlmEngine(config, 'k', () => undefined, answers);
    // The answer arrives, then every translation fails: the delivery fails, the answer is kept.
    stub.setOptions({ route: (r) => (r.task === 'translation' ? { kind: 'status', status: 500 } : undefined) });
    const first = await llm.analyze(article('basra-water.html'), { targetLanguages: ['fr'] });
    expect(first.status).toBe('PARTIAL');
    expect(kept.size).toBe(1);
    stub.reset();
    const again = await llm.analyze(article('basra-water.html'), { targetLanguages: ['ar', 'fr'] });
    expect(again.status).toBe('DONE');
    expect(stub.requests.map((r) => r.task)).toEqual(['translation', 'translation']);
    expect(again.summary).toEqual(first.summary);
    expect(again.usage.analysis).toBeUndefined();
  });
});

describe('cost truth', () => {
  it('counts failed, repaired and fallen-back calls: the record is what was billed', async () => {
    // Both translations fail validation twice; the analysis needs one repair.
    stub.script({ kind: 'content', content: 'not json' });
    stub.setOptions({
      route: (r) =>
        r.task === 'translation' ? { kind: 'transform', edit: (a) => ({ ...a, bullets: ['one'] }) } : undefined,
    });
    const result = await engine({ PRECIS_MODEL: 'gpt-5.4' }).analyze(article('basra-water.html'), {
      targetLanguages: ['ar', 'fr'],
    });
    expect(result.status).toBe('PARTIAL');
    expect(stub.ledger.billed).toBe(6);
    expectBilled(result.usage);
    expect(result.usage['translation:ar']?.calls).toBe(2);

    // A fallback keeps what the LLM spent before it gave up.
    stub.reset();
    stub.setOptions({ route: (r) => (r.task === 'translation' ? undefined : { kind: 'refusal', refusal: 'No.' }) });
    const fallen = await selectEngine(stubLlmConfig(stub.baseURL, { OPENAI_API_KEY: 'k' })).analyze(
      article('kirkuk-checkpoints.txt'),
      { targetLanguages: ['ar'] },
    );
    // A refusal is permanent: the fallback answers on the first delivery.
    expect(fallen.provenance.fallback?.code).toBe('LLM_REFUSED');
    expect(fallen.usage.analysis?.calls).toBe(1);
    expectBilled(fallen.usage);
  });

  it('counts cached input at its own rate', async () => {
    // A repair repeats the prompt: the server reads most of it from its cache.
    stub.script({ kind: 'content', content: 'not json' });
    const result = await engine({ PRECIS_MODEL: 'gpt-4.1' }).analyze(longArticle(), { targetLanguages: [] });
    const u = result.usage.analysis as StageUsage;
    expect(u.cachedInputTokens).toBeGreaterThan(1000);
    const cached = u.cachedInputTokens ?? 0;
    expect(u.costUsd).toBeCloseTo(((u.inputTokens - cached) * 2 + cached * 0.5 + u.outputTokens * 8) / 1e6, 8);
    expectBilled(result.usage);
  });

  it('records a null cost for a model without a price, and warns once', async () => {
    stub.setOptions({ profile: 'ollama' } satisfies StubOptions);
    const warnings: string[] = [];
    const llm = engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'mistral-small' }, warnings);
    const result = await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: ['fr'] });
    await llm.analyze(article('mosul-old-city.md'), { targetLanguages: ['fr'] });
    expect(result.usage.analysis?.costUsd).toBeNull();
    expect(result.usage['translation:fr']?.costUsd).toBeNull();
    expect(warnings.filter((w) => w.includes('No price'))).toHaveLength(1);
    expect(result.usage.analysis?.inputTokens).toBeGreaterThan(0);
  });
});
