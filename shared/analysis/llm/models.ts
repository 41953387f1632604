import { type Price, REASONING_EFFORT_VALUES } from '../../config.js';

/**
 * What precis knows about each model family: the parameters and values it
 * accepts, its context window and output cap, whether it does JSON-schema
 * structured outputs, which API it answers on, and its list price. Requests
 * are built from this table, never from guesses about a name; configuration
 * overrides any field (PRECIS_MODEL_FAMILY, PRECIS_CONTEXT_TOKENS,
 * PRECIS_MODEL_CAPABILITIES, PRECIS_PRICES).
 *
 * Sources (read 2026-11-30): OpenAI's API reference for `reasoning_effort`
 * ("gpt-5.1 defaults to none … supported values none, low, medium, high; all
 * models before gpt-5.1 default to medium and do not support none; gpt-5-pro
 * only supports high; xhigh for models after gpt-5.1-codex-max"), its model
 * pages (context windows, output caps, Responses-only models) and its pricing
 * page (standard tier, USD per 1M tokens).
 */

export const REASONING_EFFORTS = REASONING_EFFORT_VALUES;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export interface DatedPrice extends Price {
  /** When the price was read, and where. */
  asOf: string;
  source: string;
}

export interface ModelCapabilities {
  family: string;
  /** `reasoning_effort` values the model accepts; empty when it rejects the parameter. */
  efforts: readonly ReasoningEffort[];
  /** The effort the model uses when none is sent (null for a model that does not reason). */
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
}

const PRICED = { asOf: '2026-11-30', source: 'https://developers.openai.com/api/docs/pricing' };
const price = (input: number, cachedInput: number | undefined, output: number): DatedPrice => ({
  input,
  ...(cachedInput === undefined ? {} : { cachedInput }),
  output,
  ...PRICED,
});

const GPT5_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;
const GPT51_EFFORTS = ['none', 'low', 'medium', 'high'] as const;
const GPT52_EFFORTS = ['none', 'low', 'medium', 'high', 'xhigh'] as const;
const O_EFFORTS = ['low', 'medium', 'high'] as const;

type Row = Omit<ModelCapabilities, 'family'>;
const gpt5 = (p: DatedPrice, efforts: readonly ReasoningEffort[], defaultEffort: ReasoningEffort): Row => ({
  efforts,
  defaultEffort,
  contextTokens: 400_000,
  maxOutputTokens: 128_000,
  structuredOutputs: true,
  api: 'chat',
  price: p,
});
const oSeries = (p: DatedPrice, api: 'chat' | 'responses' = 'chat'): Row => ({
  efforts: O_EFFORTS,
  defaultEffort: 'medium',
  contextTokens: 200_000,
  maxOutputTokens: 100_000,
  structuredOutputs: true,
  api,
  price: p,
});
const plain = (p: DatedPrice | null, contextTokens: number, maxOutputTokens: number): Row => ({
  efforts: [],
  defaultEffort: null,
  contextTokens,
  maxOutputTokens,
  structuredOutputs: true,
  api: 'chat',
  price: p,
});

/** Known families, most specific name first within a prefix (lookup is exact, then by prefix). */
export const MODEL_FAMILIES: Record<string, Row> = {
  'gpt-5.5': gpt5(price(5, 0.5, 30), GPT52_EFFORTS, 'none'),
  'gpt-5.4': gpt5(price(2.5, 0.25, 15), GPT52_EFFORTS, 'none'),
  'gpt-5.4-mini': gpt5(price(0.75, 0.075, 4.5), GPT52_EFFORTS, 'none'),
  'gpt-5.4-nano': gpt5(price(0.2, 0.02, 1.25), GPT52_EFFORTS, 'none'),
  'gpt-5.2': gpt5(price(1.75, 0.175, 14), GPT52_EFFORTS, 'none'),
  'gpt-5.1': gpt5(price(1.25, 0.125, 10), GPT51_EFFORTS, 'none'),
  'gpt-5': gpt5(price(1.25, 0.125, 10), GPT5_EFFORTS, 'medium'),
  'gpt-5-mini': gpt5(price(0.25, 0.025, 2), GPT5_EFFORTS, 'medium'),
  'gpt-5-nano': gpt5(price(0.05, 0.005, 0.4), GPT5_EFFORTS, 'medium'),
  'gpt-5-pro': { ...gpt5(price(15, undefined, 120), ['high'], 'high'), maxOutputTokens: 272_000, api: 'responses' },
  'gpt-4.1': plain(price(2, 0.5, 8), 1_047_576, 32_768),
  'gpt-4.1-mini': plain(price(0.4, 0.1, 1.6), 1_047_576, 32_768),
  'gpt-4.1-nano': plain(price(0.1, 0.025, 0.4), 1_047_576, 32_768),
  'gpt-4o': plain(price(2.5, 1.25, 10), 128_000, 16_384),
  'gpt-4o-mini': plain(price(0.15, 0.075, 0.6), 128_000, 16_384),
  o3: oSeries(price(2, 0.5, 8)),
  'o3-mini': oSeries(price(1.1, 0.55, 4.4)),
  'o3-pro': oSeries(price(20, undefined, 80), 'responses'),
  'o4-mini': oSeries(price(1.1, 0.275, 4.4)),
  o1: oSeries(price(15, 7.5, 60)),
  'o1-pro': oSeries(price(150, undefined, 600), 'responses'),
  /** OpenAI's open-weight models, as Ollama, vLLM and llama.cpp serve them: they take low, medium and high. */
  'gpt-oss': { ...plain(null, 131_072, 32_768), efforts: O_EFFORTS, defaultEffort: 'medium' },
};

/**
 * A model precis does not know (a local model, a proxy's name): no reasoning
 * parameter, JSON-schema outputs tried first, no price. Its context window is
 * what PRECIS_CONTEXT_TOKENS says, else this.
 */
export const UNKNOWN_MODEL: Row = {
  efforts: [],
  defaultEffort: null,
  contextTokens: 32_768,
  maxOutputTokens: 8_192,
  structuredOutputs: true,
  api: 'chat',
  price: null,
};

/** A model's family from its name: a provider prefix (`openai/`) and a date suffix are dropped. */
export function familyOf(model: string): string | null {
  const name = model
    .toLowerCase()
    .replace(/^[\w.-]+\//, '')
    .replace(/-\d{4}-\d{2}-\d{2}$/, '')
    .replace(/:.*$/, '');
  if (MODEL_FAMILIES[name]) return name;
  // The longest known family the name starts with: gpt-5.4-mini-fast → gpt-5.4-mini.
  const prefix = Object.keys(MODEL_FAMILIES)
    .filter((family) => name.startsWith(`${family}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ?? null;
}

export type CapabilityOverrides = Partial<Omit<ModelCapabilities, 'price'>> & { price?: Price | null };

/**
 * What a model can do: its family's row (named by configuration when the
 * model's name does not say, as with Azure deployments), with the overrides
 * applied on top.
 */
export function capabilitiesOf(
  model: string,
  options: { family?: string; overrides?: CapabilityOverrides; prices?: Record<string, Price> } = {},
): ModelCapabilities {
  const family = options.overrides?.family ?? options.family ?? familyOf(model);
  const row = (family && MODEL_FAMILIES[family]) || UNKNOWN_MODEL;
  const listed = options.prices?.[model] ?? (family ? options.prices?.[family] : undefined);
  const merged: ModelCapabilities = { ...row, family: family ?? 'unknown', ...options.overrides } as ModelCapabilities;
  if (listed) merged.price = { ...listed, asOf: 'configured', source: 'PRECIS_PRICES' };
  return merged;
}

/**
 * The effort to send: the configured one when the model takes it, else the
 * nearest it does take, the higher of two as near (so `minimal` becomes `low`
 * on gpt-5.1, `none` becomes `minimal` on gpt-5), and nothing for a model that
 * takes none.
 */
export function effortFor(
  capabilities: ModelCapabilities,
  wanted: ReasoningEffort | undefined,
): ReasoningEffort | undefined {
  if (!wanted || capabilities.efforts.length === 0) return undefined;
  if (capabilities.efforts.includes(wanted)) return wanted;
  const rank = (e: ReasoningEffort) => REASONING_EFFORTS.indexOf(e);
  // Ties go to the higher effort: asking for a little reasoning should not get none.
  return [...capabilities.efforts].sort(
    (a, b) => Math.abs(rank(a) - rank(wanted)) - Math.abs(rank(b) - rank(wanted)) || rank(b) - rank(a),
  )[0];
}

/** Output tokens kept for reasoning at each effort, on top of the answer itself. */
export const REASONING_ROOM: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 2_048,
  low: 6_144,
  medium: 16_384,
  high: 32_768,
  xhigh: 49_152,
};
