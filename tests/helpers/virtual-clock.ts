import type { PaceClock } from '../../shared/analysis/llm/rate-governor.js';

/**
 * A clock that moves only when something waits on it: `sleep(ms)` moves it
 * to `ms` after the time the wait began (never back), and resolves on the
 * next turn of the event loop. Work between waits takes no time on it, so a
 * quota refilled by this clock measures what the code under test chose to
 * wait, not how fast a busy machine ran it. Waits that overlap (several
 * calls sleeping at once) move it once, to the latest end, as timers would.
 */
export class VirtualClock implements PaceClock {
  private t: number;

  constructor(start = Date.now()) {
    this.t = start;
  }

  now = (): number => this.t;

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted();
    const end = this.t + Math.max(0, ms);
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    this.t = Math.max(this.t, end);
  };
}
