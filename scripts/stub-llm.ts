/**
 * An OpenAI-compatible stub server on 127.0.0.1 that answers like a careful
 * model (extractive analysis, script-faithful "translations"), as a provider
 * of your choice does, or set up as one of the situations the tests run,
 * for trying the LLM path with no network:
 *
 *   npm run stub:llm [-- --profile ollama --context 4096]   # prints the environment to use
 *   npm run stub:llm -- --profile qwen3-thinking             # a situation: see tests/helpers/stub-scenarios.ts
 *   npm run stub:llm -- --batch-step 2                       # its batches take a step every 2 s (default 10)
 *   OPENAI_BASE_URL=http://127.0.0.1:11435/v1 PRECIS_LLM_PROVIDER=openai npm run demo
 */
import { parseArgs } from 'node:util';
import { STUB_SERVER } from '../shared/analysis/llm/transport.js';
import { type ProviderProfile, type StubOptions, startStubOpenAI } from '../tests/helpers/stub-openai.js';
import { SCENARIOS, type Scenario } from '../tests/helpers/stub-scenarios.js';

const PROVIDERS: Record<ProviderProfile, string> = {
  openai: 'PRECIS_LLM_PROVIDER=openai',
  azure: 'PRECIS_LLM_PROVIDER=azure PRECIS_MODEL=news-summaries PRECIS_MODEL_FAMILY=gpt-5.4-mini',
  gateway: 'OPENAI_API_KEY=sk-stub PRECIS_MODEL=gpt-5.4-mini',
  openrouter: 'PRECIS_LLM_PROVIDER=openrouter PRECIS_MODEL=openai/gpt-5.4-mini',
  ollama: 'PRECIS_MODEL=qwen3:8b',
  vllm: 'PRECIS_MODEL=Qwen/Qwen3-8B',
  lmstudio: 'PRECIS_MODEL=qwen2.5-7b-instruct',
  llamacpp: 'PRECIS_MODEL=qwen3-8b',
};

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'openai' },
    context: { type: 'string' },
    think: { type: 'boolean' },
    'batch-step': { type: 'string', default: '10' },
  },
});
const name = values.profile ?? 'openai';
const scenario: Scenario | undefined = SCENARIOS[name as keyof typeof SCENARIOS];
if (!scenario && !(name in PROVIDERS)) {
  console.error(`--profile must be one of ${[...Object.keys(PROVIDERS), ...Object.keys(SCENARIOS)].join(', ')}`);
  process.exit(2);
}
// Named as precis's stand-in in every answer: precis marks what it wrote as a stub's, and bills it nothing.
const options: StubOptions = {
  ...(scenario
    ? scenario.stub
    : {
        profile: name as ProviderProfile,
        ...(values.context ? { contextTokens: Number(values.context) } : {}),
        ...(values.think ? { think: true } : {}),
        ...(name === 'azure' ? { deployments: { 'news-summaries': 'gpt-5.4-mini' } } : {}),
      }),
  server: STUB_SERVER,
};
const env = scenario
  ? Object.entries(scenario.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')
  : `${PROVIDERS[name as ProviderProfile]}${values.context ? ` PRECIS_CONTEXT_TOKENS=${values.context}` : ''}`;
const stub = await startStubOpenAI(options, Number(process.env.PRECIS_STUB_PORT ?? 11435));
console.log(`OpenAI-compatible stub answering as ${name} on ${stub.baseURL} (Ctrl-C stops it)`);
if (scenario) console.log(`(${scenario.about})`);
console.log(
  'Its "translations" are filler words in the script of the language: precis marks what it answers as a stub\'s (stub translation: not a real translation), and bills it nothing.',
);
console.log(`Use it with: OPENAI_BASE_URL=${stub.baseURL} ${env}`);
// The helper's batches move only when told (tests drive them); here each takes a step every few seconds, so a
// batch-mode article ends in about a minute instead of waiting for ever: validating, in progress, finalizing, completed.
const step = Number(values['batch-step']);
if (!(step > 0)) {
  console.error('--batch-step must be a number of seconds above 0');
  process.exit(2);
}
setInterval(() => stub.batches.advance(), step * 1000).unref();
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
