import type { Price } from '../../config.js';
import { MODEL_TABLE } from './model-table.js';

export type { Price };

/**
 * List prices by table row (USD per 1M tokens), with their date and source
 * in the table. Add or replace with PRECIS_PRICES, e.g.
 * `{"my-deployment": {"input": 0.75, "output": 4.5}}`.
 */
export const DEFAULT_PRICES: Record<string, Price> = Object.fromEntries(
  Object.entries(MODEL_TABLE).flatMap(([family, row]) => {
    if (!row.price) return [];
    const { asOf: _asOf, source: _source, ...price } = row.price;
    return [[family, price]];
  }),
);

/** What one call is billed on: tokens as the provider's usage reports them. */
export interface BilledTokens {
  /** Input tokens, cached and written ones included. */
  inputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  cachedInputTokens?: number;
  /** Input tokens written to the prompt cache, when the usage says (OpenRouter's `cache_write_tokens`). */
  cacheWriteTokens?: number;
  /** Answered through the provider's Batch API: every rate times the price's `batch` share. */
  batch?: boolean;
  /** Answered by precis's stand-in server (`npm run stub:llm`, fromStub): no provider bills it. */
  standIn?: boolean;
}

/** The share of the real-time price a batch call costs when a price does not say: OpenAI's and Azure's half. */
export const DEFAULT_BATCH_SHARE = 0.5;

/**
 * The cost of one call in USD, or null when the model's price is unknown; 0
 * for an answer of precis's stand-in server, whatever the model it names.
 * Cached input is billed at the cached rate, input written to the cache at
 * the write rate, the rest of the input at the input rate; reasoning tokens
 * are part of the output tokens and billed as output. A prompt over the
 * long-context threshold raises every rate of the request. A batch call
 * pays the price's batch share of every rate.
 */
export function costOf(price: Price | null, usage: BilledTokens): number | null {
  if (usage.standIn) return 0;
  if (!price) return null;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const written = Math.min(usage.cacheWriteTokens ?? 0, usage.inputTokens - cached);
  const fresh = usage.inputTokens - cached - written;
  const long = price.longContext && usage.inputTokens > price.longContext.aboveInputTokens ? price.longContext : null;
  const input =
    fresh * price.input + cached * (price.cachedInput ?? price.input) + written * (price.cacheWrite ?? price.input);
  const share = usage.batch ? (price.batch ?? DEFAULT_BATCH_SHARE) : 1;
  const usd = ((input * (long?.input ?? 1) + usage.outputTokens * price.output * (long?.output ?? 1)) * share) / 1e6;
  return Math.round(usd * 1e8) / 1e8;
}

/**
 * The most one call can cost: its whole prompt fresh and its whole output
 * cap spent, at the rates its prompt size brings, and at the price's batch
 * share when it goes through the Batch API. Null when the price is unknown.
 */
export function worstCaseCost(
  price: Price | null,
  promptTokens: number,
  maxOutputTokens: number,
  batch = false,
): number | null {
  if (!price) return null;
  const share = batch ? (price.batch ?? DEFAULT_BATCH_SHARE) : 1;
  const dearestInput = Math.max(price.input, price.cacheWrite ?? 0);
  const long = price.longContext && promptTokens > price.longContext.aboveInputTokens ? price.longContext : null;
  const usd =
    ((promptTokens * dearestInput * (long?.input ?? 1) + maxOutputTokens * price.output * (long?.output ?? 1)) *
      share) /
    1e6;
  return Math.round(usd * 1e8) / 1e8;
}
