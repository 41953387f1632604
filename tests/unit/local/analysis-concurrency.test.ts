import { describe, expect, it } from 'vitest';
import { AnalysisConcurrency } from '../../../local/analysis-concurrency.js';
import { RATE_SIGNALS, RateGovernor } from '../../../shared/analysis/llm/rate-governor.js';

const answer = { status: 200, queued: 0, tokensLeft: 50_000, tokensMax: 60_000 };

describe('articles analysed at once, from the provider budget', () => {
  it('grows by one a round while answers come with tokens left and nothing waits', () => {
    // Prepare
    const concurrency = new AnalysisConcurrency({ initial: 4, min: 1, max: 64 });
    // Act: four rounds of answers, each as many as the articles at once.
    for (let round = 0; round < 4; round++) {
      const n = concurrency.current;
      for (let i = 0; i < n; i++) concurrency.observe(answer);
    }
    // Assess
    expect(concurrency.current).toBe(8);
  });

  it('halves once for the 429s of one round, and stops growing while calls wait for tokens', () => {
    // Prepare
    const concurrency = new AnalysisConcurrency({ initial: 16, min: 1, max: 64 });
    // Act: three calls of the same round refused.
    for (let i = 0; i < 3; i++) concurrency.observe({ ...answer, status: 429, tokensLeft: 0 });
    const afterRefusals = concurrency.current;
    for (let i = 0; i < 40; i++) concurrency.observe({ ...answer, queued: 3 });
    for (let i = 0; i < 40; i++) concurrency.observe({ ...answer, tokensLeft: 0 });
    // Assess
    expect(afterRefusals).toBe(8);
    expect(concurrency.current).toBe(8);
  });

  it('narrows while the thread that runs the analyses has no time to spare, and widens once it has', () => {
    // Prepare: an LLM that answers at once, so that the analyses are this machine's work.
    const concurrency = new AnalysisConcurrency({ initial: 4, min: 1, max: 64 });
    // Act: a round of answers from a busy thread, then many more, then one from a thread that waited for the LLM.
    for (let i = 0; i < 4; i++) concurrency.observe({ ...answer, threadBusy: true });
    const afterARound = concurrency.current;
    for (let i = 0; i < 20; i++) concurrency.observe({ ...answer, threadBusy: true });
    const atLeast = concurrency.current;
    concurrency.observe({ ...answer, threadBusy: false });
    // Assess
    expect(afterARound).toBe(2);
    expect(atLeast).toBe(1);
    expect(concurrency.current).toBe(2);
  });

  it('never passes its bounds', () => {
    const concurrency = new AnalysisConcurrency({ initial: 2, min: 2, max: 5 });
    for (let i = 0; i < 500; i++) concurrency.observe(answer);
    expect(concurrency.current).toBe(5);
    for (let i = 0; i < 50; i++) {
      concurrency.observe({ ...answer, status: 429 });
      for (let j = 0; j < 5; j++) concurrency.observe({ ...answer, tokensLeft: 0 });
    }
    expect(concurrency.current).toBe(2);
  });

  it("follows the process's rate governors until stopped", async () => {
    // Prepare
    const concurrency = new AnalysisConcurrency({ initial: 4, min: 1, max: 64 });
    const stop = concurrency.follow();
    const governor = new RateGovernor(8, () => 0);
    // Act: a 429 from the server, through a governor.
    await governor.acquire(1, 1e9);
    governor.release({ status: 429, retryAfterMs: 10 });
    const followed = concurrency.current;
    stop();
    governor.release({ status: 429, retryAfterMs: 10 });
    // Assess
    expect(followed).toBe(2);
    expect(concurrency.current).toBe(2);
    expect(RATE_SIGNALS.hasSubscribers).toBe(false);
  });
});
