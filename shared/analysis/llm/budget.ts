import { budgetExceeded } from './errors.js';

export interface BudgetLimits {
  /** Billed calls one article may make, over all its deliveries. */
  maxCalls: number;
  /** USD one article may cost, over all its deliveries. */
  maxCostUsd: number;
}

interface Ticket {
  worstUsd: number;
}

/**
 * One article's ceiling on billed calls and spend, over all its deliveries
 * (seeded with what earlier ones spent). A call is let through only when,
 * with every call already in flight counted at its worst, it still fits:
 * its own worst case is its prompt fresh and its whole output cap spent at
 * list price. So the bill can never pass the ceiling, whatever the
 * configuration: a call that would wait for calls in flight to settle (and
 * free what they held) waits; one that cannot fit even then ends the stage
 * with LLM_BUDGET_EXCEEDED. A call to a model without a price is held by
 * the call ceiling alone.
 */
export class ArticleBudget {
  private calls: number;
  private costUsd: number;
  private heldCalls = 0;
  private heldUsd = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly limits: BudgetLimits,
    spent: { calls: number; costUsd: number | null },
  ) {
    this.calls = spent.calls;
    this.costUsd = spent.costUsd ?? 0;
  }

  /** What the article has been billed so far, as this budget counted it. */
  get spent() {
    return { calls: this.calls, costUsd: Math.round(this.costUsd * 1e8) / 1e8 };
  }

  /** Waits until a call whose worst case is `worstUsd` fits; throws LLM_BUDGET_EXCEEDED when it never will. */
  async reserve(worstUsd: number | null, signal?: AbortSignal): Promise<Ticket> {
    const worst = worstUsd ?? 0;
    for (;;) {
      signal?.throwIfAborted();
      const callsFit = this.calls + this.heldCalls + 1 <= this.limits.maxCalls;
      const costFits = this.costUsd + this.heldUsd + worst <= this.limits.maxCostUsd + 1e-9;
      if (callsFit && costFits) {
        this.heldCalls++;
        this.heldUsd += worst;
        return { worstUsd: worst };
      }
      if (this.heldCalls === 0) {
        throw budgetExceeded(
          callsFit
            ? `$${this.costUsd.toFixed(4)} spent, and the next call may cost up to $${worst.toFixed(4)} of the $${this.limits.maxCostUsd} allowed`
            : `${this.calls} billed calls of the ${this.limits.maxCalls} allowed`,
        );
      }
      await new Promise<void>((resolve, reject) => {
        const wake = () => resolve();
        this.waiters.push(wake);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
  }

  /**
   * Ends a call put off to a batch: what it may cost there stays counted for
   * the rest of the run, as if billed, so the calls put off with it must fit
   * beside it. The batch's real bill is what the next run starts from.
   */
  putOff(ticket: Ticket): void {
    this.heldCalls--;
    this.heldUsd -= ticket.worstUsd;
    this.calls++;
    this.costUsd += ticket.worstUsd;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Ends a call: what it was billed (null when nothing was), at its cost (null when unpriced). */
  settle(ticket: Ticket, billed: { costUsd: number | null } | null): void {
    this.heldCalls--;
    this.heldUsd -= ticket.worstUsd;
    if (billed) {
      this.calls++;
      this.costUsd += billed.costUsd ?? 0;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
