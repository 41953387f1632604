import type { Price } from '../../config.js';
import { MODEL_FAMILIES } from './models.js';

export type { Price };

/**
 * List prices by family (standard tier, USD per 1M tokens), from the
 * capability table with their date and source. Add or replace with
 * PRECIS_PRICES, e.g. `{"my-deployment": {"input": 0.75, "output": 4.5}}`.
 */
export const DEFAULT_PRICES: Record<string, Price> = Object.fromEntries(
  Object.entries(MODEL_FAMILIES).flatMap(([family, row]) =>
    row.price
      ? [[family, { input: row.price.input, output: row.price.output, cachedInput: row.price.cachedInput }]]
      : [],
  ),
);

/**
 * The cost of one call in USD, or null when the model's price is unknown.
 * Cached input is billed at the cached rate; reasoning tokens are part of
 * the output tokens and billed as output.
 */
export function costOf(
  price: Price | null,
  usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number },
): number | null {
  if (!price) return null;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  const usd =
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1e6;
  return Math.round(usd * 1e8) / 1e8;
}
