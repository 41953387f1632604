import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectEngine } from '../../lambdas/analyze/deps.js';
import { providerOf } from '../../shared/analysis/llm/transport.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { analyzeDocument } from '../../shared/usecases/analyze-document.js';
import { type ProviderProfile, type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

/**
 * The provider recipes of docs/llm-providers.md, run as written: each block's variables,
 * with the base URL pointed at the stand-in server answering as that
 * provider (and with the context the recipe starts the server with), analyse
 * every sample to DONE, on the LLM engine, with usage equal to the bill.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const PROVIDERS_DOC = readFileSync(join(ROOT, 'docs/llm-providers.md'), 'utf8');
const SAMPLES = join(ROOT, 'samples');

interface Recipe {
  name: ProviderProfile;
  env: Record<string, string>;
  /** The context the recipe's server command gives it. */
  serverContext?: number;
}

function recipes(): Recipe[] {
  return [...PROVIDERS_DOC.matchAll(/<!-- recipe: (\w+) -->\n```sh\n([\s\S]*?)```/g)].map(([, name, block = '']) => {
    const env: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (!line.startsWith('export ')) continue;
      const assignments = line.replace(/\s+#.*$/, '').slice('export '.length);
      for (const [, key, raw = ''] of assignments.matchAll(/(\w+)=('[^']*'|"[^"]*"|\S+)/g)) {
        env[key as string] = raw.replace(/^(['"])([\s\S]*)\1$/, '$2');
      }
    }
    const context = /OLLAMA_CONTEXT_LENGTH=(\d+)|--max-model-len (\d+)|--ctx-size (\d+)|--context-length (\d+)/.exec(
      block,
    );
    const serverContext = context ? Number(context.slice(1).find(Boolean)) : undefined;
    return { name: name as ProviderProfile, env, serverContext };
  });
}

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());

describe('the provider recipes of docs/llm-providers.md', () => {
  const all = recipes();

  it('cover OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, llama.cpp and OpenRouter', () => {
    expect(all.map((r) => r.name).sort()).toEqual(
      ['azure', 'llamacpp', 'lmstudio', 'ollama', 'openai', 'openrouter', 'vllm'].sort(),
    );
  });

  for (const recipe of all) {
    it(`${recipe.name}: every sample ends DONE on the LLM engine, its usage equal to the bill`, async () => {
      stub.reset();
      const key = recipe.env.OPENAI_API_KEY;
      stub.setOptions({
        profile: recipe.name,
        ...(recipe.serverContext ? { contextTokens: recipe.serverContext } : {}),
        ...(recipe.name === 'azure'
          ? { deployments: { [recipe.env.PRECIS_MODEL as string]: recipe.env.PRECIS_MODEL_FAMILY as string } }
          : {}),
        ...(recipe.name === 'llamacpp' ? { think: true } : {}),
        ...(key ? { apiKey: key } : {}),
      });
      const env = {
        ...recipe.env,
        // The recipe's server is the stand-in; who it is still comes from the recipe's URL.
        PRECIS_LLM_PROVIDER: recipe.env.PRECIS_LLM_PROVIDER ?? providerOf(recipe.env.OPENAI_BASE_URL),
        OPENAI_BASE_URL: stub.baseURL,
        PRECIS_TABLE: 't',
        PRECIS_BUCKET: 'b',
      };
      const engine = selectEngine(loadConfig(analyzeEnvSchema, env));
      for (const name of readdirSync(SAMPLES).sort()) {
        const record = await analyzeDocument(readFileSync(join(SAMPLES, name)), {
          name,
          engine,
          targetLanguages: ['ar', 'fr'],
        });
        expect(record.status, `${recipe.name} ${name}`).toBe('DONE');
        expect(record.provenance.engine).toBe('openai');
        expect(record.provenance.fallback).toBeUndefined();
      }
      expect(stub.ledger.refused).toBe(0);
      expect(stub.requests.length).toBeGreaterThan(0);
    });
  }
});

describe('usage equals the bill across a recipe run', () => {
  it('adds up every answer the server sent', async () => {
    stub.reset();
    stub.setOptions({ profile: 'openai' });
    const engine = selectEngine(
      loadConfig(analyzeEnvSchema, {
        PRECIS_TABLE: 't',
        PRECIS_BUCKET: 'b',
        OPENAI_BASE_URL: stub.baseURL,
        OPENAI_API_KEY: 'k',
        PRECIS_LLM_PROVIDER: 'openai',
      }),
    );
    const totals = [];
    for (const name of readdirSync(SAMPLES).sort()) {
      const record = await analyzeDocument(readFileSync(join(SAMPLES, name)), {
        name,
        engine,
        targetLanguages: ['fr'],
      });
      totals.push(UsageMeter.sum(record.usage));
    }
    expect(totals.reduce((s, t) => s + (t.calls ?? 0), 0)).toBe(stub.ledger.billed);
    expect(totals.reduce((s, t) => s + t.inputTokens, 0)).toBe(stub.ledger.inputTokens);
    expect(totals.reduce((s, t) => s + t.outputTokens, 0)).toBe(stub.ledger.outputTokens);
  });
});
