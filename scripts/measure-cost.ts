/**
 * What a run costs: tokens per stage for each sample article through the LLM
 * engine, priced for several current models. The requests are the real
 * prompts; the answers come from the stub server (tests/helpers), shaped and
 * sized like a model's, and its usage numbers are counted with gpt-tokenizer.
 *
 *   npm run measure:cost [-- --target ar,fr]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLlmEngine } from '../lambdas/analyze/deps.js';
import { costOf, DEFAULT_PRICES, priceOf } from '../shared/analysis/llm/prices.js';
import { analyzeEnvSchema, loadConfig } from '../shared/config.js';
import { analyzeDocument } from '../shared/usecases/analyze-document.js';
import { startStubOpenAI } from '../tests/helpers/stub-openai.js';

const { values } = parseArgs({ options: { target: { type: 'string', default: 'ar,fr' } } });
const targets = (values.target ?? '').split(',').filter(Boolean);
const MODELS = ['gpt-5.4-nano', 'gpt-5.4-mini', 'gpt-4.1-mini', 'gpt-5.4', 'gpt-5.5'];
const SAMPLES = resolve(import.meta.dirname, '../samples');

const stub = await startStubOpenAI();
try {
  const config = loadConfig(analyzeEnvSchema, {
    PRECIS_TABLE: '-',
    PRECIS_BUCKET: '-',
    OPENAI_BASE_URL: stub.baseURL,
    OPENAI_API_KEY: 'measure',
  });
  const engine = createLlmEngine(config);
  console.log(`Tokens and USD per article, target languages: ${targets.join(', ') || 'none'}\n`);
  console.log(`| article | words | input tokens | output tokens | ${MODELS.join(' | ')} |`);
  console.log(`| --- | --- | --- | --- | ${MODELS.map(() => '---').join(' | ')} |`);
  const totals = { input: 0, output: 0, n: 0 };
  for (const name of readdirSync(SAMPLES).sort()) {
    const record = await analyzeDocument(readFileSync(join(SAMPLES, name)), { name, engine, targetLanguages: targets });
    const stages = Object.values(record.usage);
    const input = stages.reduce((s, u) => s + u.inputTokens, 0);
    const output = stages.reduce((s, u) => s + u.outputTokens, 0);
    totals.input += input;
    totals.output += output;
    totals.n++;
    const costs = MODELS.map(
      (m) => `$${(costOf(priceOf(m, DEFAULT_PRICES), { inputTokens: input, outputTokens: output }) ?? 0).toFixed(4)}`,
    );
    console.log(`| ${name} | ${record.wordCount} | ${input} | ${output} | ${costs.join(' | ')} |`);
  }
  const meanIn = Math.round(totals.input / totals.n);
  const meanOut = Math.round(totals.output / totals.n);
  const means = MODELS.map(
    (m) => `$${(costOf(priceOf(m), { inputTokens: meanIn, outputTokens: meanOut }) ?? 0).toFixed(4)}`,
  );
  console.log(`| mean | | ${meanIn} | ${meanOut} | ${means.join(' | ')} |`);
  console.log(
    `\nPer 1,000 articles like these: ${MODELS.map((m) => `${m} $${((costOf(priceOf(m), { inputTokens: meanIn, outputTokens: meanOut }) ?? 0) * 1000).toFixed(2)}`).join(', ')}.`,
  );
  console.log(`${stub.requests.length} requests: ${targets.length + 1} per article (one analysis, one per language).`);
} finally {
  await stub.close();
}
