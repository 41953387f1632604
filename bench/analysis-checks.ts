/**
 * What the LLM engine's own work costs the handlers' thread per article,
 * apart from the stack: the bench's uploads (`npm run bench -- --only
 * uploads`: 700-word articles, cleaned as ingest cleans them) analysed by
 * the LLM engine against the stub LLM in a process of its own (answering at
 * once, translating into ar and fr as the bench's stack does), one after
 * another, and then the checks of the answers alone, replayed:
 *
 *   npx tsx bench/analysis-checks.ts [--articles 20] [--rounds 5] [--replays 20]
 *
 * - engine: this thread's CPU per `analyze` (the requests to the stub, the
 *   answers' parses and checks, the prompts), the median of the rounds;
 * - checks: the checks of the same answers replayed without a call (the
 *   article's support, grounding, the summary's figures and the verifier,
 *   each translation's checks as the translator and the engine make them),
 *   CPU per article over `--replays` passes, the median of the rounds.
 *
 * Each round's figure is this thread's CPU (Linux: /proc/thread-self/schedstat), so
 * the stub's process and V8's threads are not counted.
 */
import '../local/process-env.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLlmEngine } from '../lambdas/analyze/deps.js';
import { articleSupport } from '../shared/analysis/checks/grounding.js';
import { compareFigures } from '../shared/analysis/checks/numbers.js';
import { loadLanguageDetector, translationProblems } from '../shared/analysis/checks/translation.js';
import { verifySummary } from '../shared/analysis/checks/verify.js';
import type { AnalysisInput } from '../shared/analysis/engine.js';
import { AnswerChecks } from '../shared/analysis/llm/answer-checks.js';
import { numberArticle } from '../shared/analysis/llm/numbered.js';
import { asSentences, summaryText, translatableText } from '../shared/analysis/llm/run.js';
import type { AnalysisOutput } from '../shared/analysis/llm/schemas.js';
import type { Summary } from '../shared/article.js';
import { cleanDocument } from '../shared/cleaning/index.js';
import { stubLlmConfig } from '../tests/helpers/llm-config.js';
import { longArticle } from './lib/long-article.js';
import { median } from './lib/stats.js';
import { startStub } from './lib/stub.js';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '5' },
    replays: { type: 'string', default: '20' },
  },
});
const ARTICLES = Number(values.articles);
const ROUNDS = Number(values.rounds);
const REPLAYS = Number(values.replays);
const LANGUAGES = ['ar', 'fr'];
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

/** This thread's time on a CPU so far (ms; Linux's schedstat, in nanoseconds). */
const threadMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;

// The bench's uploads (bench/uploads.ts: seeds from 101), cleaned.
const detector = await loadLanguageDetector();
const inputs: AnalysisInput[] = Array.from({ length: ARTICLES }, (_, i) => {
  const html = longArticle(700, 101 + i).html;
  const cleaned = cleanDocument(new TextEncoder().encode(html), { name: `bench-${101 + i}.html` });
  return {
    text: cleaned.text,
    title: cleaned.title,
    language: cleaned.language,
    publishedAt: cleaned.publishedAt,
    contentHash: `bench-${101 + i}`,
  };
});

// The answers the checks saw, kept for the replay: the claims as the model gave them, by article.
const answered = new Map<string, AnalysisOutput['claims']>();
const ground = AnswerChecks.prototype.ground;
AnswerChecks.prototype.ground = function (this: AnswerChecks, article, raw, support) {
  answered.set(article.text, raw);
  return ground.call(this, article, raw, support);
};

const stub = await startStub();
try {
  const engine = createLlmEngine(stubLlmConfig(stub.baseURL), undefined, () => undefined);
  const analyse = (input: AnalysisInput, round: number) =>
    engine.analyze({ ...input, contentHash: `${input.contentHash}-${round}` }, { targetLanguages: LANGUAGES });
  const results = await Promise.all(inputs.map((input) => analyse(input, -1)));
  const translated = results.flatMap((r) => Object.values(r.translations)).filter((t) => t.status === 'done');
  console.log(`${results.length} articles, ${answered.size} answers grounded, ${translated.length} translations`);

  /** The checks of one article's answers, as the engine and the translator make them. */
  const checks = async (input: AnalysisInput, index: number) => {
    const result = results[index];
    const raw = answered.get(input.text);
    if (!result || !raw) throw new Error(`no answer for ${input.contentHash}`);
    const summary: Summary = result.summary;
    const support = await articleSupport(input);
    const article = numberArticle(input.text, input.language);
    const checker = new AnswerChecks({} as never, { analysisModel: 'stub', maxOutputTokens: 0 });
    checker.ground(article, raw, support);
    checker.settledSummary(input, summary, support);
    verifySummary(input.text, asSentences(summary), undefined, { allowed: support.dates, reader: support.reader });
    checker.absentFigures(input, support)(summaryText(summary));
    const source = translatableText({ ...summary, claims: result.claims });
    for (const lang of LANGUAGES) {
      const translation = result.translations[lang];
      if (translation?.status !== 'done') continue;
      const output = translatableText(translation);
      translationProblems(source, output, lang, input.language, detector);
      compareFigures(source, output);
    }
  };

  const engineMs: number[] = [];
  const checksMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let start = threadMs();
    for (const input of inputs) await analyse(input, round);
    engineMs.push((threadMs() - start) / ARTICLES);
    start = threadMs();
    for (let replay = 0; replay < REPLAYS; replay++) {
      for (const [index, input] of inputs.entries()) await checks(input, index);
    }
    checksMs.push((threadMs() - start) / (ARTICLES * REPLAYS));
  }
  const show = (values: number[]) =>
    `median ${median(values).toFixed(2)} ms (rounds: ${values.map((v) => v.toFixed(2)).join(' ')})`;
  console.log(`engine, this thread's CPU per article: ${show(engineMs)}`);
  console.log(`checks replayed, this thread's CPU per article: ${show(checksMs)}`);
} finally {
  stub.stop();
}
