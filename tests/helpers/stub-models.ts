import { capabilitiesOf, familyOf } from '../../shared/analysis/llm/models.js';

/**
 * The models the stand-in server serves, as their providers document them,
 * and how it bills them. It reads the engine's capability table only for
 * models the table has long held; the models added since, and the ones no
 * table holds, are described here, so that the server does not learn what
 * the engine expects from the engine itself (and runs against an engine
 * that does not know them, as `npm run measure:cost -- --before` does).
 */

/** USD per 1M tokens, as the provider bills them. */
export interface BilledPrice {
  input: number;
  cachedInput?: number;
  output: number;
  /** OpenAI's 272k rule: a prompt over `aboveInputTokens` is billed `input`× and `output`× for the whole request. */
  longContext?: { aboveInputTokens: number; input: number; output: number };
}

export interface ServedModel {
  /** `reasoning_effort` values it takes; empty when it refuses the parameter. */
  efforts: readonly string[];
  /** The effort it reasons at when none is sent (OpenAI's models). */
  defaultEffort: string | null;
  contextTokens: number;
  maxOutputTokens: number;
  api: 'chat' | 'responses';
  price: BilledPrice | null;
  /**
   * Tokens it thinks before answering when nothing turns thinking off: an
   * open-weight thinking model, or a reasoning model precis has no row for.
   * An assumption about the model, fixed so tests can check the bill.
   */
  thinks?: number;
  /** What `GET /models/{id}` says of its shutdown (OpenAI's `shutdown_date`). */
  shutdownDate?: string | null;
}

const LONG = { aboveInputTokens: 272_000, input: 2, output: 1.5 };
const GPT56 = ['none', 'low', 'medium', 'high', 'xhigh', 'max'] as const;

/** Reasoning models that postdate the engine's first table, and one no table holds. */
export const CATALOGUE: Record<string, ServedModel> = {
  // developers.openai.com/api/docs/models/gpt-5.6-luna: effort none…max, medium by default; 1,050,000 context,
  // 128,000 output; $0.20 input, $0.02 cached, $1.20 output; over 272k input, 2× input and 1.5× output.
  'gpt-5.6-luna': {
    efforts: GPT56,
    defaultEffort: 'medium',
    contextTokens: 1_050_000,
    maxOutputTokens: 128_000,
    api: 'chat',
    price: { input: 0.2, cachedInput: 0.02, output: 1.2, longContext: LONG },
    shutdownDate: null,
  },
  'gpt-6-luna': {
    efforts: GPT56,
    defaultEffort: 'medium',
    contextTokens: 1_050_000,
    maxOutputTokens: 128_000,
    api: 'chat',
    price: { input: 0.1, cachedInput: 0.01, output: 0.5, longContext: LONG },
    shutdownDate: null,
  },
  // A hosted OpenAI-compatible reasoning model no table knows: it takes no effort parameter and reasons at
  // length by default, inside max_tokens, returning its reasoning apart (`reasoning_content`).
  'acme-reasoner-1': {
    efforts: [],
    defaultEffort: null,
    contextTokens: 131_072,
    maxOutputTokens: 32_768,
    api: 'chat',
    price: { input: 0.2, cachedInput: 0.02, output: 1.2 },
    thinks: 3_000,
  },
};

/** Open-weight families that think by default (their model cards), and what the stand-in spends thinking. */
const THINKING = /^(?:[\w.-]+\/)?(qwen3|deepseek-r1|qwq)/i;
const THINKING_TOKENS = 1_800;

/** A model a hosted provider serves by name (OpenAI, Azure by deployment family, OpenRouter), or null. */
export function hostedModel(model: string, family?: string): ServedModel | null {
  const name = model.replace(/^openai\//, '');
  const listed = CATALOGUE[name] ?? (family ? CATALOGUE[family] : undefined);
  if (listed) return listed;
  if (!family && !familyOf(name)) return null;
  const caps = capabilitiesOf(name, family ? { family } : {});
  return {
    efforts: caps.efforts,
    defaultEffort: caps.defaultEffort,
    contextTokens: caps.contextTokens,
    maxOutputTokens: caps.maxOutputTokens,
    api: caps.api,
    price: caps.price
      ? { input: caps.price.input, cachedInput: caps.price.cachedInput, output: caps.price.output }
      : null,
  };
}

/** A model a local server has loaded: any name, at the context it was started with, thinking if its family does. */
export function localModel(model: string, contextTokens: number): ServedModel {
  const listed = CATALOGUE[model];
  if (listed) return { ...listed, contextTokens: Math.min(listed.contextTokens, contextTokens) };
  return {
    efforts: [],
    defaultEffort: null,
    contextTokens,
    maxOutputTokens: contextTokens,
    api: 'chat',
    price: null,
    ...(THINKING.test(model) ? { thinks: THINKING_TOKENS } : {}),
  };
}

/** What one answer is billed, in USD, by the provider's own rules. */
export function billOf(
  price: BilledPrice | null,
  usage: { inputTokens: number; cachedInputTokens: number; outputTokens: number },
): number {
  if (!price) return 0;
  const long = price.longContext && usage.inputTokens > price.longContext.aboveInputTokens ? price.longContext : null;
  const fresh = usage.inputTokens - usage.cachedInputTokens;
  const input = fresh * price.input + usage.cachedInputTokens * (price.cachedInput ?? price.input);
  return (input * (long?.input ?? 1) + usage.outputTokens * price.output * (long?.output ?? 1)) / 1e6;
}
