/**
 * What a run costs, measured against the stub server (tests/helpers).
 *
 *   npm run measure:cost [-- --target ar,fr]   # tokens and USD per sample for current models
 *   npm run measure:cost -- --profiles         # one article on each stand-in profile: calls and cost billed
 *
 * The first table: each sample through the LLM engine for several current
 * models at their default reasoning effort. The requests are the real
 * prompts, built for each model (output cap, effort); the answers come from
 * the stub, shaped and sized like a model's, its usage counted with
 * gpt-tokenizer. Reasoning tokens are the stub's fixed allowance per call
 * at each effort (none 0, minimal 48, low 200, medium 800, high 2,400):
 * an assumption, not a measurement.
 *
 * The second: one article on each situation of tests/helpers/stub-scenarios.ts
 * (as its configuration would run it, with the offline fallback), what the
 * stand-in billed (answered calls, USD at the provider's prices) and what
 * the article's record says it cost. It uses only what every version of the
 * engine has, so copying this file and tests/helpers/ into an older checkout
 * measures that version the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLlmEngine, selectEngine } from '../lambdas/analyze/deps.js';
import { capabilitiesOf } from '../shared/analysis/llm/models.js';
import { UsageMeter } from '../shared/analysis/usage.js';
import { analyzeEnvSchema, loadConfig } from '../shared/config.js';
import { analyzeDocument } from '../shared/usecases/analyze-document.js';
import { startStubOpenAI } from '../tests/helpers/stub-openai.js';
import { scenarios } from '../tests/helpers/stub-scenarios.js';

const { values } = parseArgs({
  options: { target: { type: 'string', default: 'ar,fr' }, profiles: { type: 'boolean' } },
});
const targets = (values.target ?? '').split(',').filter(Boolean);
const MODELS = [
  'gpt-6-luna',
  'gpt-5.6-luna',
  'gpt-5.4-nano',
  'gpt-5.4-mini',
  'gpt-5.6-terra',
  'gpt-5.4',
  'gpt-5.6-sol',
];
const SAMPLES = resolve(import.meta.dirname, '../samples');
const names = readdirSync(SAMPLES).sort();
const usd = (n: number | null) => (n === null ? '—' : `$${n.toFixed(4)}`);
const base = { PRECIS_TABLE: '-', PRECIS_BUCKET: '-' };

/** The English samples joined, four times over: an article longer than a small context. */
function longArticle(): Buffer {
  const english = ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md'];
  return Buffer.from(
    Array.from({ length: 3 }, () => english.map((n) => readFileSync(join(SAMPLES, n), 'utf8').replace(/<[^>]+>/g, ' ')))
      .flat()
      .join('\n\n'),
  );
}

async function profiles() {
  console.log(`One article on each stand-in profile, target languages: ${targets.join(', ') || 'none'}\n`);
  console.log('| profile | article | ends | engine (fallback) | billed calls | refused | billed USD | recorded USD |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, scenario] of scenarios()) {
    const stub = await startStubOpenAI(scenario.stub);
    try {
      const engine = selectEngine(
        loadConfig(analyzeEnvSchema, { ...base, ...scenario.env, OPENAI_BASE_URL: stub.baseURL }),
      );
      const run = (bytes: Buffer, file: string) =>
        analyzeDocument(bytes, { name: file, engine, targetLanguages: targets });
      if (scenario.warm) await run(readFileSync(join(SAMPLES, 'kirkuk-checkpoints.txt')), 'kirkuk-checkpoints.txt');
      const before = { ...stub.ledger };
      const isLong = scenario.article === 'long';
      const record = await run(
        isLong ? longArticle() : readFileSync(join(SAMPLES, scenario.article)),
        isLong ? 'long.txt' : scenario.article,
      );
      const total = UsageMeter.sum(record.usage);
      const fallback = record.provenance.fallback ? ` (${record.provenance.fallback.code})` : '';
      console.log(
        `| ${name} | ${scenario.article} | ${record.status} | ${record.provenance.engine}${fallback} | ${stub.ledger.billed - before.billed} | ${stub.ledger.refused - before.refused} | ${usd(stub.ledger.costUsd - before.costUsd)} | ${usd(total.costUsd)} |`,
      );
    } finally {
      await stub.close();
    }
  }
}

async function models() {
  const stub = await startStubOpenAI();
  try {
    console.log(
      `Tokens and USD per article at each model's default effort, target languages: ${targets.join(', ') || 'none'}\n`,
    );
    const perModel: Record<string, { cost: number[]; reasoning: number }> = {};
    const perArticle: Record<string, { words: number; input: number; output: number }> = {};
    for (const model of MODELS) {
      const config = loadConfig(analyzeEnvSchema, {
        ...base,
        OPENAI_BASE_URL: stub.baseURL,
        PRECIS_LLM_PROVIDER: 'openai',
        OPENAI_API_KEY: 'measure',
        PRECIS_MODEL: model,
      });
      const engine = createLlmEngine(config, 'measure', () => undefined);
      perModel[model] = { cost: [], reasoning: 0 };
      for (const name of names) {
        const record = await analyzeDocument(readFileSync(join(SAMPLES, name)), {
          name,
          engine,
          targetLanguages: targets,
        });
        const total = UsageMeter.sum(record.usage);
        perModel[model].cost.push(total.costUsd ?? 0);
        perModel[model].reasoning += total.reasoningTokens ?? 0;
        // Visible tokens do not depend on the model: keep one model's.
        perArticle[name] ??= {
          words: record.wordCount,
          input: total.inputTokens,
          output: total.outputTokens - (total.reasoningTokens ?? 0),
        };
      }
    }
    console.log(`| article | words | input tokens | output tokens | ${MODELS.join(' | ')} |`);
    console.log(`| --- | --- | --- | --- | ${MODELS.map(() => '---').join(' | ')} |`);
    names.forEach((name, i) => {
      const a = perArticle[name] as { words: number; input: number; output: number };
      console.log(
        `| ${name} | ${a.words} | ${a.input} | ${a.output} | ${MODELS.map((m) => usd(perModel[m]?.cost[i] ?? null)).join(' | ')} |`,
      );
    });
    console.log('\n| model | default effort | reasoning tokens per article | USD per 1,000 articles |');
    console.log('| --- | --- | --- | --- |');
    for (const model of MODELS) {
      const m = perModel[model] as { cost: number[]; reasoning: number };
      const mean = m.cost.reduce((s, c) => s + c, 0) / m.cost.length;
      console.log(
        `| ${model} | ${capabilitiesOf(model).defaultEffort ?? '—'} | ${Math.round(m.reasoning / names.length)} | $${(mean * 1000).toFixed(2)} |`,
      );
    }
    console.log(`\n${stub.requests.length} requests.`);
  } finally {
    await stub.close();
  }
}

if (values.profiles) await profiles();
else await models();
