import { channel } from 'node:diagnostics_channel';
import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`; rejects when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

/** The time calls are paced by, and the waits between them: the system's, or a test's virtual one. */
export interface PaceClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: PaceClock = { now: () => Date.now(), sleep };

/** What a governor saw at the end of each call (RateSignal), for whoever paces work by the provider's budget. */
export const RATE_SIGNALS = channel('precis:llm-rate');

export interface RateSignal {
  /** The call's HTTP status (200 for an answer, 429 when the quota refused it). */
  status: number;
  /** Calls waiting for a slot or for tokens, after this one ended. */
  queued: number;
  /** Tokens the server's bucket has now, as the governor reckons; null when the server says nothing of it. */
  tokensLeft: number | null;
  tokensMax: number | null;
}

/**
 * Paces one process's calls to one model so a rate-limited quota stays busy
 * without 429s taking articles down.
 *
 * - Tokens: OpenAI's `x-ratelimit-limit-tokens`, `-remaining-tokens` and
 *   `-reset-tokens` headers describe a bucket that refills continuously
 *   (the reset is the time to refill from `remaining` to `limit`). Each
 *   answer resets the governor's copy of that bucket; each call takes its
 *   estimate (prompt plus output cap, as the server charges it) out of the
 *   copy, and waits for the refill when the copy is short.
 * - Concurrency: additive increase, multiplicative decrease. Each success
 *   widens the window by 1/window; a 429 halves it and pauses every call
 *   for the server's Retry-After.
 *
 * Servers without the headers (local ones) are limited by concurrency only.
 */
export class RateGovernor {
  private window: number;
  private inFlight = 0;
  private bucket: { remaining: number; at: number; max: number; perMs: number } | null = null;
  private pausedUntil = 0;
  private waiters: (() => void)[] = [];
  /** Calls inside `acquire`, not yet let through. */
  private queued = 0;

  constructor(
    private readonly maxConcurrency: number,
    private readonly now: () => number = Date.now,
    private readonly pause: PaceClock['sleep'] = sleep,
  ) {
    this.window = Math.min(maxConcurrency, 4);
  }

  /** For tests and logs: the current concurrency window and the bucket's tokens now. */
  get state() {
    return { window: this.window, inFlight: this.inFlight, tokens: this.available(this.now()) };
  }

  /**
   * Waits for a slot and for `tokens` in the bucket. A wait that would end
   * after `deadline` is not begun: the wait is returned as `{ waitMs }` so
   * the caller can hand the work back instead of sleeping through its budget.
   */
  async acquire(tokens: number, deadline: number, signal?: AbortSignal): Promise<{ waitMs: number } | null> {
    this.queued++;
    try {
      return await this.admit(tokens, deadline, signal);
    } finally {
      this.queued--;
    }
  }

  private async admit(tokens: number, deadline: number, signal?: AbortSignal): Promise<{ waitMs: number } | null> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      let waitMs = 0;
      if (this.pausedUntil > now) waitMs = this.pausedUntil - now;
      else if (this.bucket) {
        const available = this.available(now);
        // A call larger than the whole bucket goes when the bucket is full.
        const need = Math.min(tokens, this.bucket.max);
        if (available < need) waitMs = Math.ceil((need - available) / this.bucket.perMs);
      }
      if (waitMs > 0) {
        if (now + waitMs > deadline) return { waitMs };
        await this.pause(waitMs, signal);
        continue;
      }
      if (this.inFlight >= Math.floor(this.window)) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      this.inFlight++;
      if (this.bucket) this.bucket = { ...this.bucket, remaining: this.available(now) - tokens, at: now };
      return null;
    }
  }

  /** Ends a call: reads the server's rate-limit headers, widens or halves the window. */
  release(outcome: { headers?: Headers | null; status?: number; retryAfterMs?: number }): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const now = this.now();
    const bucket = bucketFrom(outcome.headers, now);
    if (bucket) this.bucket = bucket;
    if (outcome.status === 429) {
      this.window = Math.max(1, this.window / 2);
      this.pausedUntil = Math.max(this.pausedUntil, now + (outcome.retryAfterMs ?? 1000));
      if (this.bucket) this.bucket = { ...this.bucket, remaining: Math.min(this.bucket.remaining, 0), at: now };
    } else if (outcome.status === undefined || outcome.status < 400) {
      this.window = Math.min(this.maxConcurrency, this.window + 1 / this.window);
    }
    for (const wake of this.waiters.splice(0)) wake();
    if (RATE_SIGNALS.hasSubscribers) {
      const left = this.available(now);
      RATE_SIGNALS.publish({
        status: outcome.status ?? 200,
        queued: this.queued,
        tokensLeft: Number.isFinite(left) ? left : null,
        tokensMax: this.bucket?.max ?? null,
      } satisfies RateSignal);
    }
  }

  private available(now: number): number {
    const b = this.bucket;
    if (!b) return Number.POSITIVE_INFINITY;
    return Math.min(b.max, b.remaining + (now - b.at) * b.perMs);
  }
}

function bucketFrom(headers: Headers | null | undefined, now: number) {
  const max = Number(headers?.get('x-ratelimit-limit-tokens'));
  const remaining = Number(headers?.get('x-ratelimit-remaining-tokens'));
  // Azure answers -1 when it does not know; such headers say nothing.
  if (!(max > 0) || !(remaining >= 0)) return null;
  const resetMs = parseDuration(headers?.get('x-ratelimit-reset-tokens') ?? '');
  const perMs = resetMs && resetMs > 0 && max > remaining ? (max - remaining) / resetMs : max / 60_000;
  return { remaining, at: now, max, perMs };
}

/** "6m0s", "1.5s", "20ms", "2h3m": OpenAI's reset durations, in ms. */
export function parseDuration(text: string): number | null {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) return null;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * (unit[u as string] ?? 0), 0);
}
