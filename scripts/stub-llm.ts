/**
 * An OpenAI-compatible stub server on 127.0.0.1 that answers like a careful
 * model (extractive analysis, script-faithful "translations"), as a provider
 * of your choice does, for trying the LLM path with no network:
 *
 *   npm run stub:llm [-- --profile ollama --context 4096]   # prints the environment to use
 *   OPENAI_BASE_URL=http://127.0.0.1:11435/v1 PRECIS_LLM_PROVIDER=openai npm run demo
 */
import { parseArgs } from 'node:util';
import { type ProviderProfile, startStubOpenAI } from '../tests/helpers/stub-openai.js';

const PROFILES: ProviderProfile[] = ['openai', 'azure', 'ollama', 'vllm', 'lmstudio', 'llamacpp', 'openrouter'];
const { values } = parseArgs({
  options: { profile: { type: 'string', default: 'openai' }, context: { type: 'string' }, think: { type: 'boolean' } },
});
const profile = values.profile as ProviderProfile;
if (!PROFILES.includes(profile)) {
  console.error(`--profile must be one of ${PROFILES.join(', ')}`);
  process.exit(2);
}
const stub = await startStubOpenAI(
  {
    profile,
    ...(values.context ? { contextTokens: Number(values.context) } : {}),
    ...(values.think ? { think: true } : {}),
    ...(profile === 'azure' ? { deployments: { 'news-summaries': 'gpt-5.4-mini' } } : {}),
  },
  Number(process.env.PRECIS_STUB_PORT ?? 11435),
);
const env: Record<ProviderProfile, string> = {
  openai: 'PRECIS_LLM_PROVIDER=openai',
  azure: 'PRECIS_LLM_PROVIDER=azure PRECIS_MODEL=news-summaries PRECIS_MODEL_FAMILY=gpt-5.4-mini',
  openrouter: 'PRECIS_LLM_PROVIDER=openrouter PRECIS_MODEL=openai/gpt-5.4-mini',
  ollama: `PRECIS_MODEL=qwen3:8b${values.context ? ` PRECIS_CONTEXT_TOKENS=${values.context}` : ''}`,
  vllm: `PRECIS_MODEL=Qwen/Qwen3-8B${values.context ? ` PRECIS_CONTEXT_TOKENS=${values.context}` : ''}`,
  lmstudio: 'PRECIS_MODEL=qwen2.5-7b-instruct',
  llamacpp: 'PRECIS_MODEL=qwen3-8b',
};
console.log(`OpenAI-compatible stub answering as ${profile} on ${stub.baseURL} (Ctrl-C stops it)`);
console.log(`Use it with: OPENAI_BASE_URL=${stub.baseURL} ${env[profile]}`);
setInterval(() => {
  const n = stub.requests.length;
  if (n > 0) console.log(`${n} requests so far: ${stub.requests.map((r) => r.task).join(', ')}`);
  stub.requests.length = 0;
}, 2000).unref();
process.on('SIGINT', async () => {
  await stub.close();
  process.exit(0);
});
await new Promise(() => undefined);
