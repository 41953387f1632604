import { performance } from 'node:perf_hooks';
import { RATE_SIGNALS, type RateSignal } from '../shared/analysis/llm/rate-governor.js';

export interface ConcurrencyBounds {
  /** Articles at once before the provider has said anything. */
  initial: number;
  min: number;
  max: number;
}

/**
 * A rate governor's signal, with whether the thread that runs the analyses
 * was busy (its event loop hardly idle) since the signal before.
 */
export interface PacingSignal extends RateSignal {
  threadBusy?: boolean;
}

/** Event-loop utilisation at or above which the analyses' thread counts as busy. */
export const BUSY_UTILISATION = 0.9;

/** Whether this thread's event loop was busy (BUSY_UTILISATION) since the last time it was asked. */
export function threadBusySinceLastAsked(): () => boolean {
  let since = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, since).utilization >= BUSY_UTILISATION;
    since = now;
    return busy;
  };
}

/** Where the local stack starts, and how far it may go: what one process can hold, not what the provider allows. */
export const LOCAL_ANALYSIS_BOUNDS: ConcurrencyBounds = { initial: 4, min: 1, max: 64 };

/**
 * How many articles the local stack analyses at once, from the provider's
 * budget as the rate governors see it (additive increase, multiplicative
 * decrease, as the governor paces calls):
 *
 * - an answer while no call waits in a governor (for a slot or for tokens)
 *   and the server's bucket still has tokens (or the server says nothing of
 *   a bucket) widens it by 1/limit: one article more per round of answers;
 * - a 429 halves it, once per round (the 429s of calls sent together are one
 *   signal), down to `min`;
 * - an answer while calls wait in a governor leaves it as it is: articles
 *   more would only wait there too;
 * - an answer while the thread that runs the analyses had no time to spare
 *   (`threadBusy`: an LLM that answers at once leaves the work to this
 *   machine) narrows it by 1/limit, down to `min` (about one article fewer
 *   a round): articles at once share that thread, and each ends later the
 *   more there are, while the thread does no more. So it settles where the
 *   thread is just busy: higher the longer the provider takes to answer.
 *
 * With no LLM (the offline engine) nothing is published and it stays at
 * `initial`: the work is the machine's, not a provider's.
 */
export class AnalysisConcurrency {
  private limit: number;
  /** Answers since the last decrease: a round is `limit` of them. */
  private sinceDecrease = Number.POSITIVE_INFINITY;

  constructor(private readonly bounds: ConcurrencyBounds = LOCAL_ANALYSIS_BOUNDS) {
    this.limit = bounds.initial;
  }

  /** Articles that may be analysed at once now. */
  get current(): number {
    // Rounding error must not keep a round's last increase from counting.
    return Math.floor(this.limit + 1e-9);
  }

  observe(signal: PacingSignal): void {
    if (signal.status === 429) {
      if (this.sinceDecrease >= this.current) {
        this.limit = Math.max(this.bounds.min, this.limit / 2);
        this.sinceDecrease = 0;
      }
      return;
    }
    this.sinceDecrease++;
    if (signal.status >= 400) return;
    if (signal.threadBusy) {
      this.limit = Math.max(this.bounds.min, this.limit - 1 / this.current);
      return;
    }
    const room = signal.tokensLeft === null || signal.tokensLeft > 0;
    if (signal.queued === 0 && room) this.limit = Math.min(this.bounds.max, this.limit + 1 / this.current);
  }

  /**
   * Follows every rate governor of this process, each signal with what `threadBusy` says (the stack: whether
   * its thread, which runs the analyses, was busy since the last signal); returns what stops it.
   */
  follow(threadBusy?: () => boolean): () => void {
    const listener = (message: unknown) =>
      this.observe(threadBusy ? { ...(message as RateSignal), threadBusy: threadBusy() } : (message as RateSignal));
    RATE_SIGNALS.subscribe(listener);
    return () => RATE_SIGNALS.unsubscribe(listener);
  }
}
