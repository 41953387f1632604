import { numberArticle, splitRange } from '../shared/analysis/llm/numbered.js';
import { estimateTokens } from '../shared/analysis/llm/tokens.js';
import { OfflineEngine } from '../shared/analysis/offline-engine.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { plainReadability } from './cleaning.js';
import { longArticle } from './lib/long-article.js';
import type { Row } from './lib/report.js';
import { times } from './lib/report.js';
import { interleaved, median } from './lib/stats.js';

const SHORT = 5_000;
const LONG = 80_000;
const engine = new OfflineEngine();

async function wallMs(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * How each stage's time per word grows from a 5k-word article to an 80k-word
 * one (1.00× is linear), next to plain Readability's on the same pages.
 */
export async function benchScaling(rounds: number, log: (line: string) => void): Promise<Row[]> {
  await loadLanguageModels();
  const short = longArticle(SHORT);
  const long = longArticle(LONG);
  const stages: Record<string, (article: typeof short) => unknown> = {
    'plain Readability': (a) => plainReadability(a.html),
    cleaning: (a) => cleanDocument(Buffer.from(a.html), { name: 'long.html' }),
    'offline engine': (a) =>
      engine.analyze(
        { text: a.text, language: 'en', title: a.title, publishedAt: null, contentHash: 'bench' },
        { targetLanguages: [] },
      ),
    // As the engine splits an article it cannot answer in one call: in halves.
    chunking: (a) =>
      splitRange(numberArticle(a.text, 'en'), { start: 0, end: a.text.length }, Math.ceil(estimateTokens(a.text) / 2)),
  };
  const perWord: Record<string, number> = {};
  for (const [stage, run] of Object.entries(stages)) {
    log(`scaling: ${stage}, ${SHORT.toLocaleString('en')} and ${LONG.toLocaleString('en')} words`);
    await run(short); // warm
    const results = await interleaved(rounds, {
      short: () => wallMs(() => run(short)),
      long: () => wallMs(() => run(long)),
    });
    perWord[stage] = median(results.long ?? []) / long.words / (median(results.short ?? []) / short.words);
  }
  const anchor = perWord['plain Readability'] as number;
  return ['cleaning', 'offline engine', 'chunking'].map((stage) => {
    const growth = perWord[stage] as number;
    return {
      measure: `time per word, ${stage}, 80k vs 5k words`,
      anchor: `its own 5k-word time; plain Readability grows ${times(anchor)}`,
      value: `${times(growth)} per word`,
      ratio: growth,
      goal: '≤ 1.50×',
      met: growth <= 1.5,
    };
  });
}
