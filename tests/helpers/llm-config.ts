import { type AnalyzeConfig, analyzeEnvSchema, loadConfig } from '../../shared/config.js';

/**
 * The analyze function's configuration against the stand-in LLM at `baseURL`,
 * as the tests build their engines: the OpenAI provider (the stand-in answers
 * with OpenAI's parameter names by default), a test key, and `env` over it.
 */
export function stubLlmConfig(baseURL: string, env: Record<string, string> = {}): AnalyzeConfig {
  return loadConfig(analyzeEnvSchema, {
    PRECIS_TABLE: 't',
    PRECIS_BUCKET: 'b',
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: 'sk-test',
    PRECIS_LLM_PROVIDER: 'openai',
    ...env,
  });
}
