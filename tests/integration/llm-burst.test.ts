import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../lambdas/analyze/deps.js';
import { AnalysisConcurrency } from '../../local/analysis-concurrency.js';
import { LocalQueue } from '../../local/queue.js';
import type { AnalysisInput } from '../../shared/analysis/engine.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/**
 * A burst of 200 articles in the local analyze queue, against the stand-in's
 * tokens-per-minute quota with answers that take no time: the articles
 * analysed at once follow the rate governor (AnalysisConcurrency), and the
 * quota is kept busy. As in llm-quota.test.ts, the quota refills on a
 * virtual clock that moves only while the engine waits, so a loaded machine
 * changes how long the test takes, not what it measures.
 */

const LIMIT = 60_000;
const WINDOW_MS = 2_000;
const BURST = 200;

const clock = new VirtualClock();
let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI({ tpm: { limit: LIMIT, windowMs: WINDOW_MS }, clock: clock.now });
});
afterAll(async () => stub?.close());

describe('a burst of 200 articles against a TPM quota', () => {
  it('drains with every article DONE, the quota at least 90 % busy, and the articles at once following the budget', async () => {
    // Prepare
    const engine = createLlmEngine(
      stubLlmConfig(stub.baseURL, {
        // Budgets of minutes: no article's outcome depends on how long a busy machine takes.
        PRECIS_ARTICLE_BUDGET_MS: '600000',
        PRECIS_LLM_TIMEOUT_MS: '300000',
      }),
      undefined,
      () => undefined,
      undefined,
      undefined,
      clock,
    );
    const names = ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md'];
    const documents = names.map((name) => cleanDocument(sample(name), { name }));
    const inputs = new Map<string, AnalysisInput>();
    const concurrency = new AnalysisConcurrency({ initial: 4, min: 1, max: 64 });
    const stop = concurrency.follow();
    const seen: number[] = [];
    const results: { status: string }[] = [];
    const queue = new LocalQueue({
      name: 'burst',
      visibilityTimeoutMs: 3_600_000,
      maxReceives: 5,
      batchSize: 1,
      concurrency: () => concurrency.current,
      pollIntervalMs: 20,
    });
    queue.start(async (event: SQSEvent) => {
      seen.push(concurrency.current);
      const failures = [];
      for (const record of event.Records) {
        try {
          results.push(await engine.analyze(inputs.get(record.body) as AnalysisInput, { targetLanguages: [] }));
        } catch {
          failures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures: failures };
    });

    // Act
    for (let i = 0; i < BURST; i++) {
      inputs.set(`burst-${i}`, { ...(documents[i % documents.length] as AnalysisInput), contentHash: `burst-${i}` });
      queue.send(`burst-${i}`);
    }
    await expect.poll(() => queue.stats().deleted, { timeout: 280_000, interval: 200 }).toBe(BURST);
    await queue.stop();
    stop();

    // Assess
    expect(results.filter((r) => r.status === 'DONE')).toHaveLength(BURST);
    expect(queue.stats().dead).toBe(0);
    const admissions = stub.ledger.admissions;
    const first = admissions[0]?.at ?? 0;
    const last = admissions.at(-1)?.at ?? 0;
    const capacity = LIMIT + ((last - first) * LIMIT) / WINDOW_MS;
    const busy = stub.ledger.charged / capacity;
    const peak = Math.max(...seen);
    console.log(
      `burst: ${admissions.length} calls admitted, ${stub.ledger.refused} refused with 429, ${(busy * 100).toFixed(1)} % of the quota busy over ${last - first} virtual ms; articles at once from 4 up to ${peak}, ${seen.at(-1)} at the end`,
    );
    expect(busy).toBeGreaterThanOrEqual(0.9);
    // It grew while the quota had room, and came down when the quota refused.
    expect(peak).toBeGreaterThan(4);
    expect(seen.some((n, i) => i > 0 && n < (seen[i - 1] as number))).toBe(true);
  }, 300_000);
});
