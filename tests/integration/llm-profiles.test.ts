import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectEngine } from '../../lambdas/analyze/deps.js';
import { ANALYSIS_ANSWER_TOKENS } from '../../shared/analysis/llm/schemas.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { analyzeDocument } from '../../shared/usecases/analyze-document.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';
import { SCENARIOS, scenarios } from '../helpers/stub-scenarios.js';

/**
 * Each situation of tests/helpers/stub-scenarios.ts, as a user would
 * configure precis for it: every sample ends DONE on the LLM engine (no
 * fallback), with the calls an article needs (one analysis, one per
 * language), and the record's usage and cost are what the stand-in billed.
 * No article is billed past the default ceiling.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'samples');
const TARGETS = ['ar', 'fr'];
const DEFAULT_CEILING = { calls: 40, usd: 2 };

/** The English samples joined, three times over: about 3,200 words. */
function longArticle(): Buffer {
  const english = ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md'];
  const texts = english.map((n) => readFileSync(join(SAMPLES, n), 'utf8').replace(/<[^>]+>/g, ' '));
  return Buffer.from([...texts, ...texts, ...texts].join('\n\n'));
}

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());

describe.each(scenarios())('the %s profile', (_name, scenario) => {
  it('ends every sample DONE, billed no more than it needs, its record equal to the bill', async () => {
    stub.reset();
    stub.setOptions(scenario.stub);
    const engine = selectEngine(
      loadConfig(analyzeEnvSchema, {
        PRECIS_TABLE: 't',
        PRECIS_BUCKET: 'b',
        ...scenario.env,
        OPENAI_BASE_URL: stub.baseURL,
      }),
    );
    const articles: [string, Buffer][] = readdirSync(SAMPLES)
      .sort()
      .map((name) => [name, readFileSync(join(SAMPLES, name))]);
    if (scenario.article === 'long') articles.push(['long.txt', longArticle()]);
    for (const [name, bytes] of articles) {
      const before = { ...stub.ledger };
      const record = await analyzeDocument(bytes, { name, engine, targetLanguages: TARGETS });
      expect(record.status, name).toBe('DONE');
      expect(record.provenance.engine, name).toBe('openai');
      expect(record.provenance.fallback, name).toBeUndefined();

      const total = UsageMeter.sum(record.usage);
      const billed = (field: keyof typeof before) => (stub.ledger[field] as number) - (before[field] as number);
      expect(
        {
          calls: total.calls,
          inputTokens: total.inputTokens,
          outputTokens: total.outputTokens,
          cachedInputTokens: total.cachedInputTokens,
          reasoningTokens: total.reasoningTokens,
        },
        name,
      ).toEqual({
        calls: billed('billed'),
        inputTokens: billed('inputTokens'),
        outputTokens: billed('outputTokens'),
        cachedInputTokens: billed('cachedInputTokens'),
        reasoningTokens: billed('reasoningTokens'),
      });
      // A priced model's cost is the bill; an unpriced one's is unknown, never 0.
      if (total.costUsd === null) expect(record.usage.analysis?.costUsd).toBeNull();
      else expect(total.costUsd, name).toBeCloseTo(billed('costUsd'), 6);

      // One analysis and one call per language other than the article's; a long article more, within the ceiling.
      const needed = 1 + TARGETS.filter((lang) => lang !== record.language).length;
      if (name !== 'long.txt') expect(total.calls, name).toBe(needed);
      // A long article cut by the server is analysed whole, in parts: its beginning is not lost.
      else expect(record.claims.some((c) => c.start !== null && c.start < 2_000)).toBe(true);
      expect(total.calls ?? 0, name).toBeLessThanOrEqual(DEFAULT_CEILING.calls);
      expect(total.costUsd ?? 0, name).toBeLessThanOrEqual(DEFAULT_CEILING.usd);
    }
  }, 120_000);
});

describe('what each profile teaches', () => {
  it('gpt-5.6: no effort is sent, room is kept for its default medium reasoning, and its price applies', async () => {
    stub.reset();
    stub.setOptions(SCENARIOS['gpt-5.6'].stub);
    const engine = selectEngine(
      loadConfig(analyzeEnvSchema, {
        PRECIS_TABLE: 't',
        PRECIS_BUCKET: 'b',
        ...SCENARIOS['gpt-5.6'].env,
        OPENAI_BASE_URL: stub.baseURL,
      }),
    );
    const record = await analyzeDocument(readFileSync(join(SAMPLES, 'kirkuk-checkpoints.txt')), {
      name: 'kirkuk-checkpoints.txt',
      engine,
      targetLanguages: [],
    });
    const [request] = stub.requests;
    expect(request?.body.reasoning_effort).toBeUndefined();
    // The answer's budget follows from the schema's bounds (20 claims, 5 bullets), with room for medium reasoning.
    expect(request?.body.max_completion_tokens).toBe(ANALYSIS_ANSWER_TOKENS + 16_384);
    const usage = record.usage.analysis;
    expect(usage?.reasoningTokens).toBe(800);
    expect(usage?.costUsd).toBeCloseTo(((usage?.inputTokens ?? 0) * 0.2 + (usage?.outputTokens ?? 0) * 1.2) / 1e6, 8);
  });

  it('a gateway refuses max_tokens once: the model is asked with max_completion_tokens from then on', async () => {
    stub.reset();
    stub.setOptions(SCENARIOS.gateway.stub);
    const engine = selectEngine(
      loadConfig(analyzeEnvSchema, {
        PRECIS_TABLE: 't',
        PRECIS_BUCKET: 'b',
        ...SCENARIOS.gateway.env,
        OPENAI_BASE_URL: stub.baseURL,
      }),
    );
    for (const name of ['kirkuk-checkpoints.txt', 'mosul-old-city.md']) {
      const record = await analyzeDocument(readFileSync(join(SAMPLES, name)), {
        name,
        engine,
        targetLanguages: ['fr'],
      });
      expect(record.status).toBe('DONE');
    }
    expect(stub.ledger.refused).toBe(1);
    expect(stub.requests[0]?.body.max_tokens).toBeGreaterThan(0);
    for (const r of stub.requests.slice(1)) {
      expect(r.body.max_tokens).toBeUndefined();
      expect(r.body.max_completion_tokens).toBeGreaterThan(0);
    }
  });
});
