import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../lambdas/analyze/deps.js';
import type { AnalysisInput } from '../../shared/analysis/ports.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

/**
 * What precis learns about a model besides its table row: from the
 * server's model list (a context window, a shutdown date), from a 400 that
 * names a parameter, and from configuration describing a model no table
 * holds yet (the example in docs/llm-providers.md, run as written).
 */

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());
beforeEach(() => stub.reset());

function engine(env: Record<string, string>, warnings: string[] = [], now?: () => Date) {
  const config = stubLlmConfig(stub.baseURL, env);
  return createLlmEngine(config, config.OPENAI_API_KEY, (m) => warnings.push(m), undefined, now);
}

const article = (name: string): AnalysisInput => cleanDocument(sample(name), { name });

describe('shutdown dates', () => {
  it('warns at start, naming the replacement, of a model shutting down within 30 days', () => {
    const warnings: string[] = [];
    engine({ PRECIS_MODEL: 'gpt-5-mini' }, warnings, () => new Date('2026-12-04T09:00:00Z'));
    expect(warnings).toEqual([
      'gpt-5-mini shuts down on 2026-12-11, in 7 days. Its provider names gpt-6.1-terra instead: set PRECIS_MODEL=gpt-6.1-terra.',
    ]);
    const quiet: string[] = [];
    engine({ PRECIS_MODEL: 'gpt-5-mini' }, quiet, () => new Date('2026-10-01T09:00:00Z'));
    expect(quiet).toEqual([]);
  });

  it("reads a shutdown the server's model list announces, which no table has yet, and warns once", async () => {
    stub.setOptions({
      models: {
        'gpt-5.4-mini': {
          efforts: ['none', 'low', 'medium', 'high', 'xhigh'],
          defaultEffort: 'none',
          contextTokens: 400_000,
          maxOutputTokens: 128_000,
          api: 'chat',
          price: { input: 0.75, cachedInput: 0.075, output: 4.5 },
          shutdownDate: '2026-12-20',
        },
      },
    });
    const warnings: string[] = [];
    const llm = engine({ PRECIS_MODEL: 'gpt-5.4-mini' }, warnings, () => new Date('2026-12-04T09:00:00Z'));
    expect(warnings).toEqual([]);
    await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    await llm.analyze(article('mosul-old-city.md'), { targetLanguages: [] });
    expect(warnings).toEqual(['gpt-5.4-mini shuts down on 2026-12-20, in 16 days.']);
    expect(llm.calls.capabilitiesOf('gpt-5.4-mini').shutdown).toMatchObject({ date: '2026-12-20', source: 'server' });
  });
});

describe("the server's context window", () => {
  it("takes vLLM's max_model_len for a model no table knows, and cuts the article to fit it", async () => {
    stub.setOptions({ profile: 'vllm', contextTokens: 6_000, listed: ['acme/local-12b'] });
    const llm = engine({ PRECIS_LLM_PROVIDER: 'compatible', PRECIS_MODEL: 'acme/local-12b' });
    const text = ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md'].map((n) => article(n).text);
    const result = await llm.analyze(
      {
        text: [...text, ...text].join('\n\n'),
        title: 'Six stories',
        language: 'en',
        publishedAt: null,
        contentHash: 'h',
      },
      { targetLanguages: [] },
    );
    expect(llm.calls.capabilitiesOf('acme/local-12b').contextTokens).toBe(6_000);
    expect(result.status).toBe('DONE');
    expect(result.provenance.chunks).toBeGreaterThan(1);
    // Told the window before the first call: the server never refused a prompt as too long.
    expect(stub.ledger.refused).toBe(0);
  });
});

describe("OpenRouter's model list", () => {
  it('gives the context window and output cap of the model, as its providers serve it', async () => {
    stub.setOptions({
      profile: 'openrouter',
      listed: ['acme/long-7b'],
      models: {
        'acme/long-7b': {
          efforts: [],
          defaultEffort: null,
          contextTokens: 65_536,
          maxOutputTokens: 8_192,
          api: 'chat',
          price: { input: 0.1, output: 0.3 },
        },
      },
    });
    const llm = engine({ PRECIS_LLM_PROVIDER: 'openrouter', PRECIS_MODEL: 'acme/long-7b' });
    const result = await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    expect(llm.calls.capabilitiesOf('acme/long-7b')).toMatchObject({ contextTokens: 65_536, maxOutputTokens: 8_192 });
    expect(stub.requests[0]?.body.max_tokens).toBeLessThanOrEqual(8_192);
  });
});

describe('a 400 that names a parameter', () => {
  it('takes an effort the server lists for the model, and remembers it', async () => {
    const warnings: string[] = [];
    const llm = engine(
      {
        PRECIS_MODEL: 'o3',
        PRECIS_REASONING_EFFORT: 'xhigh',
        PRECIS_TRANSLATION_EFFORT: 'default',
        // A table that thought o3 took xhigh: the server knows better.
        PRECIS_MODEL_CAPABILITIES: '{"o3": {"efforts": ["low", "medium", "high", "xhigh"]}}',
      },
      warnings,
    );
    const result = await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: ['fr'] });
    expect(result.status).toBe('DONE');
    expect(stub.requests.map((r) => r.body.reasoning_effort)).toEqual(['xhigh', 'high', 'high']);
    expect(result.provenance.llm?.reasoningEffort).toBe('high');
    expect(stub.ledger.refused).toBe(1);
  });

  it('drops an effort a model does not take at all', async () => {
    const llm = engine({
      PRECIS_MODEL: 'gpt-4.1',
      PRECIS_REASONING_EFFORT: 'low',
      PRECIS_MODEL_CAPABILITIES: '{"gpt-4.1": {"efforts": ["low"]}}',
    });
    const result = await llm.analyze(article('kirkuk-checkpoints.txt'), { targetLanguages: [] });
    expect(result.status).toBe('DONE');
    expect(stub.requests.map((r) => r.body.reasoning_effort)).toEqual(['low', undefined]);
    expect(result.provenance.llm?.reasoningEffort).toBeNull();
  });
});

describe('the example of docs/llm-providers.md of a model no table holds yet', () => {
  const PROVIDERS_DOC = readFileSync(join(resolve(import.meta.dirname, '../..'), 'docs/llm-providers.md'), 'utf8');
  const block = /<!-- example: new-model -->\n```sh\n([\s\S]*?)```/.exec(PROVIDERS_DOC)?.[1] ?? '';
  const env: Record<string, string> = {};
  for (const [, key, raw = ''] of block.matchAll(/export (\w+)=('[^']*'|\S+)/g)) {
    env[key as string] = raw.replace(/^'([\s\S]*)'$/, '$1');
  }

  it('is described as configured, sent what it takes, and priced as configured', async () => {
    expect(Object.keys(env).sort()).toEqual(['PRECIS_MODEL', 'PRECIS_MODEL_CAPABILITIES', 'PRECIS_PRICES']);
    const model = env.PRECIS_MODEL as string;
    const described = JSON.parse(env.PRECIS_MODEL_CAPABILITIES as string)[model];
    const price = JSON.parse(env.PRECIS_PRICES as string)[model];
    // The provider serves it as its page would say.
    stub.setOptions({
      models: {
        [model]: {
          efforts: described.efforts,
          defaultEffort: described.defaultEffort,
          contextTokens: described.contextTokens,
          maxOutputTokens: described.maxOutputTokens,
          api: 'chat',
          price,
        },
      },
    });
    const llm = engine(env);
    expect(llm.calls.capabilitiesOf(model)).toMatchObject({ known: true, ...described, price });
    const result = await llm.analyze(article('basra-water.html'), { targetLanguages: ['fr'] });
    expect(result.status).toBe('DONE');
    expect(stub.ledger.refused).toBe(0);
    const cost = (result.usage.analysis?.costUsd ?? 0) + (result.usage['translation:fr']?.costUsd ?? 0);
    expect(cost).toBeCloseTo(stub.ledger.costUsd, 8);
  });
});
