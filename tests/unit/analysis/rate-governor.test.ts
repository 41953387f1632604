import { describe, expect, it } from 'vitest';
import { parseDuration, RateGovernor } from '../../../shared/analysis/llm/rate-governor.js';

const headers = (remaining: number, reset: string, limit = 60_000) =>
  new Headers({
    'x-ratelimit-limit-tokens': String(limit),
    'x-ratelimit-remaining-tokens': String(remaining),
    'x-ratelimit-reset-tokens': reset,
  });

describe('the rate governor', () => {
  it("reads OpenAI's reset durations", () => {
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
    expect(parseDuration('soon')).toBeNull();
  });

  it("waits for the server's bucket to refill, and says how long instead of waiting past the deadline", async () => {
    let now = 0;
    const governor = new RateGovernor(8, () => now);
    expect(await governor.acquire(1000, 10_000)).toBeNull();
    // 6,000 of 60,000 left, refilling to full in 54 s: 1,000 tokens a second.
    governor.release({ headers: headers(6_000, '54s'), status: 200 });
    expect(await governor.acquire(5_000, 10_000)).toBeNull();
    // 1,000 left: 4,000 more take 4 s, past a deadline 1 s away.
    expect(await governor.acquire(5_000, now + 1000)).toEqual({ waitMs: 4000 });
    now += 4000;
    expect(await governor.acquire(5_000, now + 1000)).toBeNull();
  });

  it('halves its window on a 429 and pauses for the Retry-After; widens again on successes', async () => {
    let now = 0;
    const governor = new RateGovernor(8, () => now);
    await governor.acquire(1, 1e9);
    governor.release({ status: 429, retryAfterMs: 2000 });
    expect(governor.state.window).toBe(2);
    expect(await governor.acquire(1, now + 500)).toEqual({ waitMs: 2000 });
    now += 2000;
    expect(await governor.acquire(1, now + 500)).toBeNull();
    governor.release({ status: 200 });
    expect(governor.state.window).toBe(2.5);
  });

  it('ignores the -1 Azure sends when it does not know', async () => {
    const governor = new RateGovernor(4, () => 0);
    await governor.acquire(1, 1);
    governor.release({ headers: headers(-1, '0s', -1), status: 200 });
    expect(governor.state.tokens).toBe(Number.POSITIVE_INFINITY);
  });
});
