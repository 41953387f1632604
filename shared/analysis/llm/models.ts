import { type Price, REASONING_EFFORT_VALUES } from '../../config.js';
import { type DatedPrice, MODEL_TABLE, type ModelRow, type ReasoningEffort, type Shutdown } from './model-table.js';

export type { DatedPrice, ReasoningEffort, Shutdown };

/**
 * What precis knows about a model: its row of the capability table
 * (model-table.ts) under the name it was matched by, with configuration on
 * top. Requests are built from this, never from guesses about a name.
 */

export const REASONING_EFFORTS = REASONING_EFFORT_VALUES;

export interface ModelCapabilities extends Omit<ModelRow, 'prefix'> {
  /** The table row the model was matched to, or `unknown`. */
  family: string;
  /** Whether the table (or configuration) knows the model. */
  known: boolean;
}

/**
 * A model precis does not know (a local model, a proxy's alias, a model
 * newer than this table): safe whatever it turns out to be. No effort is
 * sent (the server may refuse it); room is kept for reasoning, since many
 * models reason by default and their reasoning counts against the cap; no
 * price (its cost is recorded as unknown, with a warning); JSON-schema
 * outputs tried first. Its context window is what PRECIS_CONTEXT_TOKENS or
 * the server's model list says, else this.
 */
export const UNKNOWN_MODEL: ModelRow = {
  efforts: [],
  defaultEffort: 'medium',
  contextTokens: 32_768,
  maxOutputTokens: 32_768,
  structuredOutputs: true,
  api: 'chat',
  price: null,
  shutdown: null,
};

/**
 * A model's row in the table from its name: a provider prefix (`openai/`),
 * a date suffix (`-2025-04-14`) and a tag (`:latest`) are dropped, then the
 * name must be a row's, or start with an open-weight family's name.
 */
export function familyOf(model: string): string | null {
  const name = model
    .toLowerCase()
    .replace(/^[\w.-]+\//, '')
    .replace(/-\d{4}-\d{2}-\d{2}$/, '')
    .replace(/:.*$/, '');
  if (MODEL_TABLE[name]) return name;
  // qwen3-8b, qwen3.5-9b, deepseek-r1-distill-qwen-7b: the longest family the name starts with.
  const prefix = Object.entries(MODEL_TABLE)
    .filter(([family, row]) => row.prefix && new RegExp(`^${family.replace(/\./g, '\\.')}(?:$|[-.:_])`).test(name))
    .map(([family]) => family)
    .sort((a, b) => b.length - a.length)[0];
  return prefix ?? null;
}

/** Fields of a row a user may set for a model (PRECIS_MODEL_CAPABILITIES), with the shutdown as two fields. */
export type CapabilityOverrides = Partial<Omit<ModelCapabilities, 'price' | 'shutdown' | 'known'>> & {
  price?: Price | null;
  shutdownDate?: string | null;
  replacement?: string | null;
};

/**
 * What a model can do: its row (named by configuration when the model's
 * name does not say, as with Azure deployments), with the overrides on top
 * and the configured price, if any. A model configuration describes counts
 * as known.
 */
export function capabilitiesOf(
  model: string,
  options: { family?: string; overrides?: CapabilityOverrides; prices?: Record<string, Price> } = {},
): ModelCapabilities {
  const { shutdownDate, replacement, ...overrides } = options.overrides ?? {};
  const family = overrides.family ?? options.family ?? familyOf(model);
  const row = (family && MODEL_TABLE[family]) || UNKNOWN_MODEL;
  const { prefix: _prefix, ...fields } = row;
  const listed = options.prices?.[model] ?? (family ? options.prices?.[family] : undefined);
  const merged: ModelCapabilities = {
    ...fields,
    family: family ?? 'unknown',
    known: row !== UNKNOWN_MODEL || Object.keys(overrides).length > 0 || Boolean(listed),
    ...overrides,
  } as ModelCapabilities;
  if (listed) merged.price = { ...listed, asOf: 'configured', source: 'PRECIS_PRICES' };
  if (shutdownDate !== undefined) {
    merged.shutdown = shutdownDate
      ? { date: shutdownDate, replacement: replacement ?? merged.shutdown?.replacement ?? null, source: 'configured' }
      : null;
  }
  return merged;
}

/**
 * The effort to send: the configured one when the model takes it, else the
 * nearest it does take, the higher of two as near (so `minimal` becomes `low`
 * on gpt-5.1, `none` becomes `minimal` on gpt-5), and nothing for a model that
 * takes none (or of which no one says what it takes).
 */
export function effortFor(
  capabilities: Pick<ModelCapabilities, 'efforts'>,
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

/**
 * Output tokens kept for reasoning at each effort, on top of the answer
 * itself. An allowance chosen here, not a provider's figure: no provider
 * documents how many tokens an effort spends.
 */
export const REASONING_ROOM: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 2_048,
  low: 6_144,
  medium: 16_384,
  high: 32_768,
  xhigh: 49_152,
  max: 65_536,
};

/** How many days before a shutdown configuration starts warning. */
export const SHUTDOWN_NOTICE_DAYS = 30;

/** Whole days from `now` to a YYYY-MM-DD date (negative once it has passed). */
export function daysUntil(date: string, now: Date): number {
  const day = Date.parse(`${date}T00:00:00Z`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((day - today) / 86_400_000);
}

/**
 * What a user must hear about a model's shutdown: that it has been shut
 * down, or that it shuts down within SHUTDOWN_NOTICE_DAYS, naming what the
 * provider offers instead. Null when neither.
 */
export function shutdownNotice(model: string, shutdown: Shutdown | null, now: Date): string | null {
  if (!shutdown) return null;
  const days = daysUntil(shutdown.date, now);
  if (days > SHUTDOWN_NOTICE_DAYS) return null;
  const instead = shutdown.replacement
    ? ` Its provider names ${shutdown.replacement} instead: set PRECIS_MODEL=${shutdown.replacement}.`
    : '';
  const when =
    days <= 0
      ? `was shut down on ${shutdown.date}: calls to it fail`
      : `shuts down on ${shutdown.date}, in ${days} day${days === 1 ? '' : 's'}`;
  return `${model} ${when}.${instead}`;
}
