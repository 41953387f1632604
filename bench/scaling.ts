import { numberArticle, splitRange } from '../shared/analysis/llm/numbered.js';
import { estimateTokens } from '../shared/analysis/llm/tokens.js';
import { OfflineEngine } from '../shared/analysis/offline-engine.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { plainReadability } from './cleaning.js';
import { longArticle } from './lib/long-article.js';
import type { Row } from './lib/report.js';
import { times } from './lib/report.js';
import { cpuMsOf, interleaved, median } from './lib/stats.js';

const SHORT = 5_000;
const LONG = 80_000;
/** The short article is run this many times a round: as many words as the long one, and as much garbage. */
const COPIES = LONG / SHORT;
/** Rounds at least: a ratio of two medians of two samples each swung from 1.2× to 2.6× on a busy machine. */
const MIN_ROUNDS = 7;
const engine = new OfflineEngine();

/**
 * How each stage's time per word grows from a 5k-word article to an 80k-word
 * one (1.00× is linear), next to plain Readability's on the same pages.
 * Each round times the long article once and the short one COPIES times in
 * a row, the same words either way, so that each side pays for its own
 * garbage collections rather than one 5k-word run catching a collection
 * another's garbage made. Times are CPU (a thread preempted by another
 * process costs none) and the figure is the median of the rounds' ratios,
 * the two sides interleaved.
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
    await run(long);
    const results = await interleaved(Math.max(rounds, MIN_ROUNDS), {
      short: () =>
        cpuMsOf(async () => {
          for (let copy = 0; copy < COPIES; copy++) await run(short);
        }),
      long: () => cpuMsOf(() => run(long)),
    });
    const ratios = (results.long ?? []).map(
      (ms, i) => ms / long.words / ((results.short?.[i] ?? Number.NaN) / (COPIES * short.words)),
    );
    perWord[stage] = median(ratios);
    const sorted = [...ratios].sort((a, b) => a - b);
    log(`scaling: ${stage}, rounds' ratios ${sorted.map((r) => r.toFixed(2)).join(' ')}`);
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
