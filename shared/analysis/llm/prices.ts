import * as catalog from 'gpt-tokenizer/models.gen';
import type { Price } from '../../config.js';

export type { Price };

/**
 * OpenAI's list prices (standard tier, USD per 1M tokens) for the models
 * precis is meant to run on, as published in 2026. Override or extend with
 * PRECIS_PRICES, e.g. `{"gpt-5.4-mini": {"input": 0.75, "output": 4.5}}`.
 */
export const DEFAULT_PRICES: Record<string, Price> = {
  'gpt-5.5': { input: 5, cachedInput: 0.5, output: 30 },
  'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
  'gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
  'gpt-5.4-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
};

type CatalogEntry = { price_data?: { main?: { input?: number; output?: number; cached_input?: number } } };

/** The price of a model: the table first (dated names fall back to their family), then gpt-tokenizer's catalog. */
export function priceOf(model: string, table: Record<string, Price> = DEFAULT_PRICES): Price | null {
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  const listed = table[model] ?? table[undated];
  if (listed) return listed;
  const main = (catalog as Record<string, CatalogEntry>)[model]?.price_data?.main;
  if (main?.input !== undefined && main.output !== undefined) {
    return { input: main.input, output: main.output, cachedInput: main.cached_input };
  }
  return null;
}

/** The cost of one call in USD, or null when the model's price is unknown. */
export function costOf(
  price: Price | null,
  usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number },
): number | null {
  if (!price) return null;
  const cached = usage.cachedInputTokens ?? 0;
  const fresh = usage.inputTokens - cached;
  const usd =
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1e6;
  return Math.round(usd * 1e8) / 1e8;
}
