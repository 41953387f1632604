import type { Price, REASONING_EFFORT_VALUES } from '../../config.js';

/**
 * What precis knows about each model, by the name its provider gives it.
 * Requests are built from these rows, never from guesses about a name; a
 * name that is not here is an unknown model (models.ts) and is treated
 * safely. Configuration overrides any field of any row, and adds rows for
 * models that do not exist yet (PRECIS_MODEL_CAPABILITIES, PRECIS_PRICES),
 * and the server's own model list overrides the context window and the
 * shutdown date where it gives them (server-models.ts).
 *
 * Sources, read 2026-12-04 unless a row says otherwise:
 * - OpenAI's model pages (developers.openai.com/api/docs/models/<name>):
 *   context windows, output caps, `reasoning.effort` values and defaults,
 *   the Responses-only models, list prices (standard tier, USD per 1M
 *   tokens), "prompts with >272K input tokens are priced at 2x input and
 *   1.5x output for the full request" and "cache writes are billed at 1.25x
 *   the uncached input token rate" (gpt-5.6-*, gpt-6-luna);
 * - OpenAI's API reference for `reasoning_effort` (gpt-5.1 defaults to none;
 *   models before it default to medium and do not take none; gpt-5-pro only
 *   takes high; xhigh after gpt-5.1-codex-max);
 * - OpenAI's deprecations page: shutdown dates and recommended replacements.
 *
 * Where a page gives no value, the row says so and keeps the safe side: an
 * effort list left empty (nothing is sent), a cached rate left out (cached
 * input is priced as fresh input), a default effort assumed to need room.
 */

export type ReasoningEffort = (typeof REASONING_EFFORT_VALUES)[number];

export interface DatedPrice extends Price {
  /** When the price was read, and where. */
  asOf: string;
  source: string;
}

export interface Shutdown {
  /** The day the provider stops serving the model (YYYY-MM-DD). */
  date: string;
  /** What the provider names instead, when it names one. */
  replacement: string | null;
  /** Where the date comes from: the table, configuration, or the server's model list. */
  source: 'table' | 'configured' | 'server';
}

export interface ModelRow {
  /** `reasoning_effort` values the model accepts; empty when it rejects the parameter, or no one says. */
  efforts: readonly ReasoningEffort[];
  /**
   * How much the model reasons when no effort is sent: the output room kept
   * for it. Null for a model that does not reason.
   */
  defaultEffort: ReasoningEffort | null;
  /** Input and output together. */
  contextTokens: number;
  /** The most output tokens (reasoning included) one answer may have. */
  maxOutputTokens: number;
  /** Whether `response_format: json_schema` is supported. */
  structuredOutputs: boolean;
  /** `responses` for models OpenAI serves on the Responses API only. */
  api: 'chat' | 'responses';
  price: DatedPrice | null;
  shutdown: Shutdown | null;
  /**
   * Open-weight families whose served names carry a size or a quantisation
   * (`qwen3:8b`, `Qwen/Qwen3-8B`, `qwen3-8b`): the row holds for any name that
   * starts with it. Provider models match by their exact name only, so
   * `gpt-5.4-pro` never takes the row (and the price) of `gpt-5.4`.
   */
  prefix?: boolean;
}

const PRICES = 'https://developers.openai.com/api/docs/pricing';
const price = (
  input: number,
  cachedInput: number | undefined,
  output: number,
  more: Partial<Price> & { asOf?: string; source?: string } = {},
): DatedPrice => ({
  input,
  ...(cachedInput === undefined ? {} : { cachedInput }),
  output,
  // "Batch API: save 50% on inputs and outputs" (the pricing page), cached input included.
  batch: 0.5,
  asOf: '2026-11-30',
  source: PRICES,
  ...more,
});
/** The gpt-5.6 and gpt-6 rules: a cache write at 1.25× input; over 272k prompt tokens, 2× input, 1.5× output. */
const current = (input: number, cachedInput: number | undefined, output: number, source: string): DatedPrice =>
  price(input, cachedInput, output, {
    cacheWrite: Math.round(input * 1.25 * 1e6) / 1e6,
    longContext: { aboveInputTokens: 272_000, input: 2, output: 1.5 },
    asOf: '2026-12-04',
    source,
  });
const page = (model: string) => `https://developers.openai.com/api/docs/models/${model}`;

const shutdown = (date: string, replacement: string | null): Shutdown => ({ date, replacement, source: 'table' });
/** Announced 2026-04-22; shut down 2026-10-23. */
const OCT_2026 = (replacement: string) => shutdown('2026-10-23', replacement);
/** Announced 2026-06-11; the replacements as the page names them since late November (gpt-6.1-*, gpt-6-luna). */
const DEC_2026 = (replacement: string) => shutdown('2026-12-11', replacement);
/** Announced 2026-10-14. */
const JAN_2027 = shutdown('2027-01-14', 'gpt-6-luna');

const GPT5_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;
const GPT51_EFFORTS = ['none', 'low', 'medium', 'high'] as const;
const GPT52_EFFORTS = ['none', 'low', 'medium', 'high', 'xhigh'] as const;
const GPT56_EFFORTS = ['none', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
const O_EFFORTS = ['low', 'medium', 'high'] as const;

const row = (fields: Partial<ModelRow> & Pick<ModelRow, 'contextTokens' | 'maxOutputTokens'>): ModelRow => ({
  efforts: [],
  defaultEffort: null,
  structuredOutputs: true,
  api: 'chat',
  price: null,
  shutdown: null,
  ...fields,
});
const gpt5 = (p: DatedPrice, efforts: readonly ReasoningEffort[], defaultEffort: ReasoningEffort, more = {}) =>
  row({ efforts, defaultEffort, contextTokens: 400_000, maxOutputTokens: 128_000, price: p, ...more });
const million = (p: DatedPrice, efforts: readonly ReasoningEffort[], more: Partial<ModelRow> = {}) =>
  row({ efforts, defaultEffort: 'medium', contextTokens: 1_050_000, maxOutputTokens: 128_000, price: p, ...more });
const oSeries = (p: DatedPrice, end: Shutdown, api: 'chat' | 'responses' = 'chat') =>
  row({
    efforts: O_EFFORTS,
    defaultEffort: 'medium',
    contextTokens: 200_000,
    maxOutputTokens: 100_000,
    api,
    price: p,
    shutdown: end,
  });
const plain = (p: DatedPrice, contextTokens: number, maxOutputTokens: number, end: Shutdown) =>
  row({ contextTokens, maxOutputTokens, price: p, shutdown: end });
/** Open-weight models that think before they answer unless told not to; served at the context the server was given. */
const thinking = (efforts: readonly ReasoningEffort[] = []) =>
  row({ efforts, defaultEffort: 'medium', contextTokens: 32_768, maxOutputTokens: 32_768, prefix: true });

export const MODEL_TABLE: Record<string, ModelRow> = {
  'gpt-6-luna': million(current(0.1, 0.01, 0.5, page('gpt-6-luna')), GPT56_EFFORTS),
  // gpt-6.1-terra and gpt-6.1-sol: the replacements the deprecations page names. Their model pages were not
  // in reach; prices, efforts and windows are those published with their release (2026-09-29, 2026-10-26), and
  // the default effort, which no page found gives, is taken as medium (room is kept for it).
  'gpt-6.1-terra': million(current(1, 0.05, 5, page('gpt-6.1-terra')), GPT56_EFFORTS),
  'gpt-6.1-sol': million(current(2, 0.1, 10, page('gpt-6.1-sol')), ['low', 'medium', 'high', 'xhigh', 'max']),
  // Sol's page calls $4 / $20 a promotional price "until at least 2026-11-21"; no later price was found.
  'gpt-5.6-sol': million(current(4, 0.4, 20, page('gpt-5.6-sol')), GPT56_EFFORTS),
  /** "The gpt-5.6 alias routes requests to GPT-5.6 Sol." */
  'gpt-5.6': million(current(4, 0.4, 20, page('gpt-5.6-sol')), GPT56_EFFORTS),
  // Terra's page lists no cached rate: cached input is priced as fresh input until one is known.
  'gpt-5.6-terra': million(current(2, undefined, 12, page('gpt-5.6-terra')), GPT56_EFFORTS),
  'gpt-5.6-luna': million(current(0.2, 0.02, 1.2, page('gpt-5.6-luna')), GPT56_EFFORTS),
  'gpt-5.5': gpt5(price(5, 0.5, 30), GPT52_EFFORTS, 'none'),
  // The pro models answer on the Responses API only. No page found lists the efforts they take, so none is
  // sent; they reason by default, so room is kept for it.
  'gpt-5.5-pro': million(price(30, undefined, 180, { source: page('gpt-5.5-pro') }), [], {
    defaultEffort: 'high',
    api: 'responses',
  }),
  'gpt-5.4-pro': million(price(30, undefined, 180, { source: page('gpt-5.4-pro') }), [], {
    defaultEffort: 'high',
    api: 'responses',
  }),
  'gpt-5.4': gpt5(price(2.5, 0.25, 15), GPT52_EFFORTS, 'none'),
  'gpt-5.4-mini': gpt5(price(0.75, 0.075, 4.5), GPT52_EFFORTS, 'none'),
  'gpt-5.4-nano': gpt5(price(0.2, 0.02, 1.25), GPT52_EFFORTS, 'none'),
  'gpt-5.2': gpt5(price(1.75, 0.175, 14), GPT52_EFFORTS, 'none'),
  'gpt-5.1': gpt5(price(1.25, 0.125, 10), GPT51_EFFORTS, 'none'),
  'gpt-5': gpt5(price(1.25, 0.125, 10), GPT5_EFFORTS, 'medium', { shutdown: DEC_2026('gpt-6.1-sol') }),
  'gpt-5-mini': gpt5(price(0.25, 0.025, 2), GPT5_EFFORTS, 'medium', { shutdown: DEC_2026('gpt-6.1-terra') }),
  'gpt-5-nano': gpt5(price(0.05, 0.005, 0.4), GPT5_EFFORTS, 'medium', { shutdown: DEC_2026('gpt-6-luna') }),
  'gpt-5-pro': gpt5(price(15, undefined, 120), ['high'], 'high', {
    maxOutputTokens: 272_000,
    api: 'responses',
    shutdown: DEC_2026('gpt-6.1-sol'),
  }),
  'gpt-4.1': plain(price(2, 0.5, 8), 1_047_576, 32_768, JAN_2027),
  'gpt-4.1-mini': plain(price(0.4, 0.1, 1.6), 1_047_576, 32_768, JAN_2027),
  'gpt-4.1-nano': plain(price(0.1, 0.025, 0.4), 1_047_576, 32_768, OCT_2026('gpt-5.6-luna')),
  'gpt-4o': plain(price(2.5, 1.25, 10), 128_000, 16_384, JAN_2027),
  'gpt-4o-mini': plain(price(0.15, 0.075, 0.6), 128_000, 16_384, JAN_2027),
  o3: oSeries(price(2, 0.5, 8), DEC_2026('gpt-6.1-sol')),
  'o3-pro': oSeries(price(20, undefined, 80), DEC_2026('gpt-6.1-sol'), 'responses'),
  'o3-mini': oSeries(price(1.1, 0.55, 4.4), OCT_2026('gpt-5.6-sol')),
  'o4-mini': oSeries(price(1.1, 0.275, 4.4), OCT_2026('gpt-5.6-terra')),
  o1: oSeries(price(15, 7.5, 60), OCT_2026('gpt-5.6-sol')),
  'o1-pro': oSeries(price(150, undefined, 600), OCT_2026('gpt-5.6-sol'), 'responses'),
  /** OpenAI's open-weight models, as Ollama, vLLM and llama.cpp serve them: they take low, medium and high. */
  'gpt-oss': thinking(O_EFFORTS),
  // Families that think by default (Qwen's model cards: thinking is on unless switched off; DeepSeek-R1 and
  // QwQ always reason). Their thinking counts against max_tokens, so room is kept for it; no effort is sent,
  // since servers differ in what they take (the Ollama recipe in the README turns thinking off).
  qwen3: thinking(),
  'deepseek-r1': thinking(),
  qwq: thinking(),
};
