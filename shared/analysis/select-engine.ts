import OpenAI from 'openai';
import { type AnalyzeConfig, ConfigError } from '../config.js';
import { type AnalysisCache, CachedEngine } from './cache.js';
import type { AnalysisEngine } from './engine.js';
import { FallbackEngine } from './fallback.js';
import { LlmEngine } from './llm/engine.js';
import { DEFAULT_PRICES } from './llm/prices.js';
import { OfflineEngine } from './offline-engine.js';

export type EngineConfig = Pick<
  AnalyzeConfig,
  | 'PRECIS_ENGINE'
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'PRECIS_MODEL'
  | 'PRECIS_ANALYSIS_MODEL'
  | 'PRECIS_TRANSLATION_MODEL'
  | 'PRECIS_REASONING_EFFORT'
  | 'PRECIS_LLM_TIMEOUT_MS'
  | 'PRECIS_LLM_RETRIES'
  | 'PRECIS_ARTICLE_BUDGET_MS'
  | 'PRECIS_MAX_INPUT_TOKENS'
  | 'PRECIS_DROP_UNGROUNDED'
  | 'PRECIS_PRICES'
>;

/** Whether configuration names an LLM: an OpenAI key, or an OpenAI-compatible server. */
export function llmConfigured(
  config: Pick<EngineConfig, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>,
  apiKey?: string,
): boolean {
  return Boolean(apiKey ?? config.OPENAI_API_KEY) || Boolean(config.OPENAI_BASE_URL);
}

/**
 * The engine configuration asks for. With an LLM configured (and
 * PRECIS_ENGINE not `offline`): the LLM engine, behind the analysis cache
 * when one is given, with the offline engine as the last-delivery fallback.
 * Otherwise the offline engine.
 */
export function selectEngine(
  config: EngineConfig,
  deps: { cache?: AnalysisCache; apiKey?: string } = {},
): AnalysisEngine {
  const offline = new OfflineEngine();
  const apiKey = deps.apiKey ?? config.OPENAI_API_KEY;
  const configured = llmConfigured(config, apiKey);
  if (config.PRECIS_ENGINE === 'offline' || (config.PRECIS_ENGINE === 'auto' && !configured)) return offline;
  if (!configured) {
    throw new ConfigError('PRECIS_ENGINE=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server.');
  }
  const llm = createLlmEngine(config, apiKey);
  return new FallbackEngine(deps.cache ? new CachedEngine(llm, deps.cache) : llm, offline);
}

/** The LLM engine alone (no cache, no fallback), on OpenAI or the configured compatible server. */
export function createLlmEngine(config: EngineConfig, apiKey = config.OPENAI_API_KEY): LlmEngine {
  const client = new OpenAI({
    // Local servers (Ollama, vLLM, llama.cpp) take any key; the client insists on one.
    apiKey: apiKey ?? 'no-key',
    baseURL: config.OPENAI_BASE_URL,
    timeout: config.PRECIS_LLM_TIMEOUT_MS,
    maxRetries: config.PRECIS_LLM_RETRIES,
  });
  return new LlmEngine(client, {
    analysisModel: config.PRECIS_ANALYSIS_MODEL ?? config.PRECIS_MODEL,
    translationModel: config.PRECIS_TRANSLATION_MODEL ?? config.PRECIS_MODEL,
    reasoningEffort: config.PRECIS_REASONING_EFFORT,
    budgetMs: config.PRECIS_ARTICLE_BUDGET_MS,
    maxInputTokens: config.PRECIS_MAX_INPUT_TOKENS,
    dropUngrounded: config.PRECIS_DROP_UNGROUNDED,
    prices: { ...DEFAULT_PRICES, ...config.PRECIS_PRICES },
  });
}
