import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../lambdas/analyze/deps.js';
import type { AnalysisInput } from '../../shared/analysis/engine.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/**
 * A tokens-per-minute quota, as OpenAI enforces it: each request is charged
 * its prompt plus its output cap when it is admitted, the bucket refills
 * continuously, and a request the bucket cannot pay gets a 429 with
 * `retry-after-ms` (the stand-in scales the minute down). Two processes with
 * a backlog must keep the quota busy and lose no article to 429s.
 *
 * The quota refills on a virtual clock that moves only while the engines
 * wait (their rate governors, and their waits on a 429, sleep on it): the
 * time the work itself takes, which a loaded machine stretches, is not time
 * the quota refills in. So what the busy share measures is what the
 * governor wastes (a wait longer than the quota needed, a refill lost to a
 * full bucket while it waited), not the machine's pace.
 */

const LIMIT = 60_000;
const WINDOW_MS = 2_000;

const clock = new VirtualClock();
let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI({ tpm: { limit: LIMIT, windowMs: WINDOW_MS }, clock: clock.now });
});
afterAll(async () => stub?.close());

function engine() {
  return createLlmEngine(
    stubLlmConfig(stub.baseURL, {
      // Budgets long enough that no article's outcome depends on how long a busy machine takes.
      PRECIS_ARTICLE_BUDGET_MS: '600000',
      PRECIS_LLM_TIMEOUT_MS: '300000',
      PRECIS_LLM_CONCURRENCY: '8',
    }),
    undefined,
    () => undefined,
    undefined,
    undefined,
    clock,
  );
}

describe('a rate-limited quota', () => {
  it('stays at least 90 % busy with a backlog, and no article fails on 429s', async () => {
    const names = ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md', 'baghdad-electricity-ar.json'];
    const articles: AnalysisInput[] = Array.from({ length: 24 }, (_, i) => {
      const name = names[i % names.length] as string;
      return { ...cleanDocument(sample(name), { name }), contentHash: `quota-${i}` };
    });
    // Two processes (two Lambda instances), each with its own view of the quota, each with a backlog.
    const processes = [engine(), engine()];
    const results = await Promise.all(
      articles.map((input, i) => processes[i % processes.length]?.analyze(input, { targetLanguages: ['fr'] })),
    );

    expect(results.every((r) => r?.status === 'DONE')).toBe(true);
    const admissions = stub.ledger.admissions;
    const first = admissions[0]?.at ?? 0;
    const last = admissions.at(-1)?.at ?? 0;
    // What the quota could have admitted over the run (on the virtual clock): a full bucket, then its refill.
    const capacity = LIMIT + ((last - first) * LIMIT) / WINDOW_MS;
    const busy = stub.ledger.charged / capacity;
    console.log(
      `quota: ${admissions.length} admitted, ${stub.ledger.refused} refused with 429, ${(busy * 100).toFixed(1)} % busy over ${last - first} virtual ms`,
    );
    expect(busy).toBeGreaterThanOrEqual(0.9);
    // Usage is still the bill: 429s cost nothing and are not counted.
    const total = UsageMeter.sum(Object.assign({}, ...results.map((r, i) => prefixed(r?.usage ?? {}, i))));
    expect(total.calls).toBe(stub.ledger.billed);
    expect(total.inputTokens).toBe(stub.ledger.inputTokens);
  }, 120_000);
});

function prefixed(usage: Record<string, unknown>, i: number) {
  return Object.fromEntries(Object.entries(usage).map(([k, v]) => [`${i}:${k}`, v]));
}
