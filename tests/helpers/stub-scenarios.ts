import type { StubOptions } from './stub-openai.js';

/**
 * Situations the LLM path must get right, each as a stand-in server set up
 * as its provider documents it and the configuration a user would give
 * precis for it (besides OPENAI_BASE_URL, which points at the stand-in).
 * The tests run the samples through each; `npm run measure:cost --
 * --profiles` measures one article on each; `npm run stub:llm -- --profile
 * NAME` serves one.
 */
export interface Scenario {
  /** What it stands for. */
  about: string;
  stub: StubOptions;
  env: Record<string, string>;
  /** The article measured on it: a sample, or `long` (the English samples joined, three times over). */
  article: string;
  /** Analyse another sample first, so the server's cache holds the prompt's shared beginning. */
  warm?: boolean;
}

export const SCENARIOS = {
  'gpt-5.6': {
    about: 'OpenAI serving gpt-5.6-luna, which reasons at medium by default (no effort configured)',
    stub: { profile: 'openai' },
    env: { PRECIS_LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-stub', PRECIS_MODEL: 'gpt-5.6-luna' },
    article: 'basra-water.html',
  },
  'unknown-reasoner': {
    about: 'a hosted compatible server with a reasoning model no table knows, thinking at length by default',
    stub: { profile: 'vllm', contextTokens: 131_072 },
    env: { OPENAI_API_KEY: 'sk-stub', PRECIS_MODEL: 'acme-reasoner-1' },
    article: 'basra-water.html',
  },
  gateway: {
    about: 'a gateway in front of OpenAI at its own URL (LiteLLM, Helicone), passing OpenAI’s rules on',
    stub: { profile: 'gateway' },
    env: { OPENAI_API_KEY: 'sk-stub', PRECIS_MODEL: 'gpt-5.4-mini' },
    article: 'basra-water.html',
  },
  'qwen3-thinking': {
    about: 'Ollama serving Qwen3, which thinks by default inside max_tokens (the Ollama recipe, thinking left on)',
    stub: { profile: 'ollama', contextTokens: 16_384 },
    env: { PRECIS_MODEL: 'qwen3:8b', PRECIS_CONTEXT_TOKENS: '16384' },
    article: 'basra-water.html',
  },
  'reasoning-content': {
    about: 'LM Studio with a thinking model and a JSON schema: empty content, the JSON in reasoning_content',
    stub: { profile: 'lmstudio', contextTokens: 16_384 },
    env: { PRECIS_MODEL: 'qwen/qwen3-8b', PRECIS_CONTEXT_TOKENS: '16384' },
    article: 'basra-water.html',
  },
  'cached-undercount': {
    about: 'an Ollama version that leaves KV-cached prompt tokens out of prompt_tokens, after another article',
    stub: { profile: 'ollama', contextTokens: 16_384, undercountCached: true },
    env: { PRECIS_MODEL: 'llama3.1:8b', PRECIS_CONTEXT_TOKENS: '16384' },
    article: 'basra-water.html',
    warm: true,
  },
  'cut-85': {
    about: 'Ollama at its default 4,096-token context, precis not told: a long article read at 70–85 %',
    stub: { profile: 'ollama', contextTokens: 4_096 },
    env: { PRECIS_MODEL: 'llama3.1:8b' },
    article: 'long',
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/** The situations, each as a Scenario. */
export const scenarios = (): [ScenarioName, Scenario][] => Object.entries(SCENARIOS) as [ScenarioName, Scenario][];
