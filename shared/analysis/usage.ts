import type { StageUsage } from '../article.js';

/** The usage of one answered call, as the provider reported it. */
export interface CallUsage {
  /** Input tokens, cached ones included. */
  inputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** Input tokens written to the prompt cache, when the usage says (priced, not kept on the record). */
  cacheWriteTokens?: number;
  /**
   * An answer a Batch API line brought, read again: the batch's collection
   * counted it on the article once, so it is not counted again.
   */
  prepaid?: boolean;
  /** Answered through the provider's Batch API (counted in `batchCalls`, priced at the batch rate). */
  batch?: boolean;
  /** Answered by precis's stand-in server (fromStub): counted, and costing nothing. */
  standIn?: boolean;
}

const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/**
 * Where every billed call is counted, by stage, the moment its answer
 * arrives: before it is parsed, so an answer that is then refused, truncated,
 * invalid or thrown away still counts. Seeded with what earlier deliveries of
 * the same article spent, so the totals are the article's whole bill.
 */
export class UsageMeter {
  private readonly stages: Record<string, StageUsage>;
  private readonly seed: Record<string, StageUsage>;

  constructor(initial: Record<string, StageUsage> = {}) {
    this.stages = structuredClone(initial);
    this.seed = structuredClone(initial);
  }

  /** What was counted here, without the seed: this delivery's spending, by stage. */
  get spent(): Record<string, StageUsage> {
    const out: Record<string, StageUsage> = {};
    for (const [stage, now] of Object.entries(this.stages)) {
      const before = this.seed[stage];
      const calls = (now.calls ?? 0) - (before?.calls ?? 0);
      if (calls <= 0) continue;
      out[stage] = {
        inputTokens: now.inputTokens - (before?.inputTokens ?? 0),
        outputTokens: now.outputTokens - (before?.outputTokens ?? 0),
        cachedInputTokens: (now.cachedInputTokens ?? 0) - (before?.cachedInputTokens ?? 0),
        reasoningTokens: (now.reasoningTokens ?? 0) - (before?.reasoningTokens ?? 0),
        calls,
        costUsd: now.costUsd === null ? null : round(now.costUsd - (before?.costUsd ?? 0)),
      };
    }
    return out;
  }

  /** Counts one answered call; `costUsd` is null when its model's price is unknown. */
  add(stage: string, call: CallUsage, costUsd: number | null): void {
    if (call.prepaid) return;
    const before = this.stages[stage];
    this.stages[stage] = {
      inputTokens: (before?.inputTokens ?? 0) + call.inputTokens,
      outputTokens: (before?.outputTokens ?? 0) + call.outputTokens,
      cachedInputTokens: (before?.cachedInputTokens ?? 0) + call.cachedInputTokens,
      reasoningTokens: (before?.reasoningTokens ?? 0) + call.reasoningTokens,
      calls: (before?.calls ?? 0) + 1,
      ...(call.batch || before?.batchCalls ? { batchCalls: (before?.batchCalls ?? 0) + (call.batch ? 1 : 0) } : {}),
      // One unpriced call makes the stage's cost unknown, rather than wrong.
      costUsd:
        costUsd === null || (before !== undefined && before.costUsd === null)
          ? null
          : round((before?.costUsd ?? 0) + costUsd),
    };
  }

  get usage(): Record<string, StageUsage> {
    return structuredClone(this.stages);
  }

  /** The sum over stages; cost null when any stage's is unknown. */
  static sum(stages: Record<string, StageUsage>): StageUsage {
    const all = Object.values(stages);
    const batchCalls = all.reduce((s, u) => s + (u.batchCalls ?? 0), 0);
    return {
      inputTokens: all.reduce((s, u) => s + u.inputTokens, 0),
      outputTokens: all.reduce((s, u) => s + u.outputTokens, 0),
      cachedInputTokens: all.reduce((s, u) => s + (u.cachedInputTokens ?? 0), 0),
      reasoningTokens: all.reduce((s, u) => s + (u.reasoningTokens ?? 0), 0),
      calls: all.reduce((s, u) => s + (u.calls ?? 0), 0),
      ...(batchCalls > 0 ? { batchCalls } : {}),
      costUsd: all.some((u) => u.costUsd === null) ? null : round(all.reduce((s, u) => s + (u.costUsd ?? 0), 0)),
    };
  }
}
