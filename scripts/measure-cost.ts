/**
 * What a run costs: tokens per stage for each sample article through the LLM
 * engine, for several current models at their default reasoning effort. The
 * requests are the real prompts, built for each model (output cap, effort);
 * the answers come from the stub server (tests/helpers), shaped and sized
 * like a model's, its usage counted with gpt-tokenizer. Reasoning tokens are
 * the stub's fixed allowance per call at each effort (none 0, minimal 48,
 * low 200, medium 800, high 2,400): an assumption, not a measurement.
 *
 *   npm run measure:cost [-- --target ar,fr]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLlmEngine } from '../lambdas/analyze/deps.js';
import { capabilitiesOf } from '../shared/analysis/llm/models.js';
import { UsageMeter } from '../shared/analysis/usage.js';
import { analyzeEnvSchema, loadConfig } from '../shared/config.js';
import { analyzeDocument } from '../shared/usecases/analyze-document.js';
import { startStubOpenAI } from '../tests/helpers/stub-openai.js';

const { values } = parseArgs({ options: { target: { type: 'string', default: 'ar,fr' } } });
const targets = (values.target ?? '').split(',').filter(Boolean);
const MODELS = ['gpt-5.4-nano', 'gpt-5.4-mini', 'gpt-4.1-mini', 'gpt-5-mini', 'o4-mini', 'gpt-5.4', 'gpt-5.5'];
const SAMPLES = resolve(import.meta.dirname, '../samples');
const names = readdirSync(SAMPLES).sort();

const stub = await startStubOpenAI();
const usd = (n: number | null) => (n === null ? '—' : `$${n.toFixed(4)}`);
try {
  console.log(
    `Tokens and USD per article at each model's default effort, target languages: ${targets.join(', ') || 'none'}\n`,
  );
  const perModel: Record<string, { cost: number[]; reasoning: number }> = {};
  const perArticle: Record<string, { words: number; input: number; output: number }> = {};
  for (const model of MODELS) {
    const config = loadConfig(analyzeEnvSchema, {
      PRECIS_TABLE: '-',
      PRECIS_BUCKET: '-',
      OPENAI_BASE_URL: stub.baseURL,
      PRECIS_LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'measure',
      PRECIS_MODEL: model,
    });
    const engine = createLlmEngine(config);
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
  console.log(
    `\n${stub.requests.length} requests: ${targets.length + 1} per article per model (one analysis, one per language).`,
  );
} finally {
  await stub.close();
}
