import { llmConfigured, providerFor } from '../lambdas/analyze/deps.js';
import type { EngineConfig } from '../shared/config.js';

/**
 * What the banner of `npm start` says of the engine that will analyse: the
 * LLM, with its model and where it is asked, or the offline engine and how
 * to have an LLM instead (the same choice as selectEngine's).
 */
export function engineLine(config: EngineConfig): string {
  if (config.PRECIS_ENGINE === 'offline') return 'offline (PRECIS_ENGINE=offline): no translations';
  if (!llmConfigured(config)) {
    return 'offline, no LLM configured: no translations (set OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server)';
  }
  const model = config.PRECIS_ANALYSIS_MODEL ?? config.PRECIS_MODEL;
  const where = config.OPENAI_BASE_URL ?? 'OpenAI';
  return `LLM ${model} at ${where} (provider ${providerFor(config)}); the offline engine answers a last delivery`;
}
