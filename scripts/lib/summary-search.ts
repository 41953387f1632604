/**
 * What `npm run eval:summary` chooses and scores: the articles read once
 * (their sentences ranked without weights, their leads cut), each article's
 * ROUGE under some ranking weights, and the search that chooses the weights
 * on a set of articles: one weight at a time, in two passes over a fixed
 * grid from a fixed start (not from the weights in the code, which were
 * chosen on these articles), each set to the value with the best worst
 * margin: the bullets over Lead-3 and the short summary over the lead of its
 * own length, on ROUGE-1, -2 and -L.
 */
import { type RougeScores, rouge } from '../../bench/lib/rouge.js';
import { splitSentences } from '../../shared/analysis/sentences.js';
import {
  type PreparedText,
  prepareSummary,
  type RankingWeights,
  summarizePrepared,
} from '../../shared/analysis/summarize.js';

export interface Article {
  id: string;
  reference: string;
  prepared: PreparedText;
  /** The article's text, sentence by sentence, as the leads take it. */
  lead: string[];
  lead3: RougeScores;
  lead3Words: number;
}

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** CNN/DailyMail rows `{id, article, reference}`, one JSON object a line. */
export function readArticles(jsonl: string): Article[] {
  return jsonl
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { id: string; article: string; reference: string };
      const lead = splitSentences(row.article, 'en').map((s) => s.text);
      const lead3 = lead.slice(0, 3).join(' ');
      return {
        id: row.id,
        reference: row.reference,
        prepared: prepareSummary(row.article, 'en'),
        lead,
        lead3: rouge(lead3, row.reference),
        lead3Words: wordsOf(lead3),
      };
    });
}

export interface Scored {
  id: string;
  lead3: RougeScores;
  bullets: RougeScores;
  /** The article's first words, as many as the short summary has (its last sentence cut where the count ends). */
  sameLead: RougeScores;
  short: RougeScores;
  words: { lead3: number; bullets: number; sameLead: number; short: number };
}

export function scoreArticles(articles: readonly Article[], weights: RankingWeights): Scored[] {
  return articles.map((a) => {
    const summary = summarizePrepared(a.prepared, weights);
    const bullets = summary.bullets.join(' ');
    const shortWords = wordsOf(summary.short);
    const sameLead = a.lead.join(' ').split(/\s+/).slice(0, shortWords).join(' ');
    return {
      id: a.id,
      lead3: a.lead3,
      bullets: rouge(bullets, a.reference),
      sameLead: rouge(sameLead, a.reference),
      short: rouge(summary.short, a.reference),
      words: { lead3: a.lead3Words, bullets: wordsOf(bullets), sameLead: wordsOf(sameLead), short: shortWords },
    };
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const METRICS = ['rouge1', 'rouge2', 'rougeL'] as const;

/** The worst of the six mean margins (bullets − Lead-3 and short − its lead, on three figures). */
export function worstMargin(articles: readonly Article[], weights: RankingWeights): number {
  const scored = scoreArticles(articles, weights);
  const margin = (a: keyof Scored, b: keyof Scored) =>
    Math.min(...METRICS.map((m) => mean(scored.map((s) => (s[a] as RougeScores)[m] - (s[b] as RougeScores)[m]))));
  return Math.min(margin('bullets', 'lead3'), margin('short', 'sameLead'));
}

/** Where the search starts: round values, chosen on no article. */
export const SEARCH_START: RankingWeights = {
  centroid: 1,
  position: 1,
  centrality: 1,
  positionDecay: 1,
  redundancy: 0.5,
  dependent: 0,
  sentencesPerBullet: 10,
  long: 0,
  longWords: 50,
};

export const GRID: { [K in keyof RankingWeights]?: number[] } = {
  position: [0.5, 1, 2, 3, 4],
  positionDecay: [0.25, 0.5, 1, 1.5],
  centroid: [0.25, 0.5, 1],
  centrality: [0, 0.25, 0.5, 1],
  redundancy: [0.5, 0.9],
  dependent: [0, 0.3, 0.6],
  sentencesPerBullet: [8, 10, 15, 20],
  long: [0, 0.5, 0.8],
  longWords: [40, 50, 60],
};
const PASSES = 2;

/** The weights the search chooses on `articles`, from `start`; `log` hears each step. */
export function search(
  articles: readonly Article[],
  start: RankingWeights,
  log: (line: string) => void = () => {},
  grid = GRID,
): RankingWeights {
  let best = { weights: start, margin: worstMargin(articles, start) };
  log(`start ${JSON.stringify(start)}: worst margin ${(100 * best.margin).toFixed(2)}`);
  for (let pass = 0; pass < PASSES; pass++) {
    for (const [key, values] of Object.entries(grid) as [keyof RankingWeights, number[]][]) {
      for (const value of values) {
        if (value === best.weights[key]) continue;
        const weights = { ...best.weights, [key]: value };
        const margin = worstMargin(articles, weights);
        if (margin > best.margin) best = { weights, margin };
      }
      log(`pass ${pass + 1}: ${key} = ${best.weights[key]} (worst margin ${(100 * best.margin).toFixed(2)})`);
    }
  }
  return best.weights;
}
