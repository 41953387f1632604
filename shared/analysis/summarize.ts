import type { Summary } from '../article.js';
import { once } from '../lazily.js';
import { unicodePattern } from '../unicode-pattern.js';
import { clip, headlineOf } from './headline.js';
import { OPENING_MARK } from './quotes.js';
import { isProse, type Sentence, splitSentences, withinSentenceBound, wordTokensOf } from './sentences.js';

/** Function words of the languages precis reads most; other languages lean on in-document IDF alone. */
const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those ' +
    'he she they we you i his her their our your my him them us me who whom which what when where why how not no nor so ' +
    'than too very can will would should could may might must shall do does did has have had having also just about into ' +
    'over after before under again further then once there here all any both each few more most other some such only own ' +
    'same s t said says told according up out new one two year years mr mrs ms ' +
    'في من على إلى الى عن مع أن ان إن التي الذي الذين هذا هذه ذلك كان كانت قد لا ما لم لن و أو ثم بعد قبل حتى عند'
  ).split(' '),
);

export interface RankingWeights {
  /** Weight of similarity to the document's centroid (what the article is about). */
  centroid: number;
  /** Weight of the position prior (news puts the essentials first). */
  position: number;
  /** Weight of forward centrality: how much later sentences echo this one. */
  centrality: number;
  /** How fast the position prior decays with the sentence index. */
  positionDecay: number;
  /** Redundancy penalty when picking several sentences (maximal marginal relevance). */
  redundancy: number;
  /**
   * Penalty for sentences that lean on what came before (opening with a
   * pronoun, a conjunction or a quotation), which read badly out of context.
   */
  dependent: number;
  /** Number of bullets: at least 3, at most 5, one per this many sentences of the article. */
  sentencesPerBullet: number;
  /**
   * Penalty for a sentence longer than `longWords`: most often captions or
   * furniture run together without full stops, and a poor bullet either way.
   */
  long: number;
  longWords: number;
}

/**
 * Chosen on all 100 CNN/DailyMail dev articles by the search of
 * `npm run eval:summary -- --search` (scripts/lib/summary-search.ts: one
 * weight at a time from a fixed start, for the best worst margin over the
 * leads). What to expect of them on articles they never saw is what the same
 * search does in cross-validation (`npm run eval:summary`), not their score
 * on those 100.
 */
export const DEFAULT_WEIGHTS: RankingWeights = {
  centroid: 0.25,
  position: 4,
  centrality: 1,
  positionDecay: 0.5,
  redundancy: 0.9,
  dependent: 0,
  sentencesPerBullet: 15,
  long: 0.5,
  longWords: 50,
};

const DEPENDENT_START =
  /^(?:["'“‘«„»‹]|(?:he|she|it|they|this|that|these|those|but|and|however|also|so|yet|then|his|her|their|its|there)\b)/iu;
/**
 * The same in French, German, Spanish and Arabic: a pronoun or a
 * conjunction first ("Il a ajouté…", "Er sagte…", "Además…"), or a verb of
 * saying with no subject ("وأضاف أن…", "and he added that"). Built on first
 * use: the analyze function imports this module for the short summary's
 * rule, and summarises offline only when a summary's figures are still
 * wrong after its repair (or in the offline engine's chunk).
 */
const DEPENDENT_START_OTHER = once(() =>
  unicodePattern(
    String.raw`^(?:(?:il|elle|ils|elles|mais|et|er|sie|aber|doch|und|auch|außerdem|zudem|él|ella|ellos|ellas|pero|además|también)(?!\p{L})|[وف]?(?:قال|أضاف|تابع|أوضح|أكد|أشار|لفت|بيّن|اعتبر)ت?\s*(?:أن|إن|بأن|:))`,
    'iu',
  ),
);
/**
 * A short sentence with a pronoun or a "that long" refers back to what came
 * before ("Residents say they cannot wait that long."): alone, it says nothing.
 */
function leansOnContext(text: string): boolean {
  return text.split(/\s+/).length <= 12 && /\b(?:they|them|it|he|she|this|that|these|those|such)\b/i.test(text);
}

type Vector = Map<string, number>;

/** A paragraph that is one short quotation: a section heading in many outlets' style. */
function isQuotedHeading(sentence: Sentence, sentencesInParagraph: Map<number, number>): boolean {
  const alone = sentencesInParagraph.get(sentence.paragraph) === 1;
  return (
    alone &&
    OPENING_MARK.test(sentence.text) &&
    /["”“»«]$/u.test(sentence.text) &&
    sentence.text.split(/\s+/).length <= 12
  );
}

function normalised(v: Vector): Vector {
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  if (norm === 0) return new Map();
  const length = Math.sqrt(norm);
  return new Map([...v].map(([w, x]) => [w, x / length]));
}

function cosine(a: Vector, b: Vector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    const w = b.get(k);
    if (w !== undefined) dot += v * w;
  }
  for (const v of b.values()) nb += v * v;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface RankedSentence extends Sentence {
  score: number;
  vector: Vector;
  words: number;
  /** Opens with a pronoun, a conjunction or a quotation: it leans on the sentence before. */
  dependent: boolean;
}

/** Two sentences this similar say the same thing: a summary keeps one. */
const SAME_THING = 0.75;

/** What the ranking weighs, per prose sentence, normalised to 0..1 over the article. */
interface SentenceFeatures extends Sentence {
  vector: Vector;
  words: number;
  /** Similarity to the article's TF-IDF centroid. */
  centroid: number;
  /** Forward centrality: how much later sentences echo this one. */
  centrality: number;
  /** Opens with a pronoun, a conjunction or a quotation. */
  dependent: boolean;
}

/**
 * The features of every prose sentence: similarity to the TF-IDF centroid of
 * the article, and forward centrality (PacSum-style: a sentence that later
 * sentences elaborate on is central). Computed once; weights apply after.
 */
function sentenceFeatures(text: string, language?: string | null): SentenceFeatures[] {
  const all = splitSentences(text, language);
  const perParagraph = new Map<number, number>();
  for (const s of all) perParagraph.set(s.paragraph, (perParagraph.get(s.paragraph) ?? 0) + 1);
  // A sentence past the bound is no bullet, nor the headline, whatever else there is (sentences.ts).
  const bounded = all.filter((s) => withinSentenceBound(s.text));
  // Half a quotation (one that runs on into the next paragraph) is no bullet: it would end or start inside it.
  const candidates = bounded.filter((s) => isProse(s) && !s.partialQuote && !isQuotedHeading(s, perParagraph));
  const pool = candidates.length > 0 ? candidates : bounded;
  const tokens = wordTokensOf(text, pool, language).map((words) =>
    words.filter((w) => !STOPWORDS.has(w) && !/^\d+$/.test(w)),
  );
  const df = new Map<string, number>();
  for (const words of tokens) for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = pool.length;
  const vectors: Vector[] = tokens.map((words) => {
    const v: Vector = new Map();
    for (const w of words) v.set(w, (v.get(w) ?? 0) + 1);
    for (const [w, tf] of v) v.set(w, (1 + Math.log(tf)) * Math.log(1 + n / (df.get(w) ?? 1)));
    return v;
  });
  const centroid: Vector = new Map();
  for (const v of vectors) for (const [w, x] of v) centroid.set(w, (centroid.get(w) ?? 0) + x);

  // Σ_{j>i} cos(v_i, v_j) is v_i's unit vector against the sum of the later unit vectors:
  // one pass from the end keeps that sum, so the cost is linear in the words, not quadratic in the sentences.
  const centrality: number[] = new Array(n).fill(0);
  const later: Vector = new Map();
  for (let i = n - 1; i >= 0; i--) {
    const unit = normalised(vectors[i] as Vector);
    let sum = 0;
    for (const [w, x] of unit) sum += x * (later.get(w) ?? 0);
    centrality[i] = sum;
    for (const [w, x] of unit) later.set(w, (later.get(w) ?? 0) + x);
  }
  const maxCentrality = centrality.reduce((m, c) => Math.max(m, c), 1e-9);
  const centroidSims = vectors.map((v) => cosine(v, centroid));
  const maxCentroid = centroidSims.reduce((m, c) => Math.max(m, c), 1e-9);
  return pool.map((s, i) => ({
    ...s,
    vector: vectors[i] as Vector,
    words: s.text.split(/\s+/).length,
    centroid: (centroidSims[i] as number) / maxCentroid,
    centrality: (centrality[i] as number) / maxCentrality,
    dependent: DEPENDENT_START.test(s.text) || DEPENDENT_START_OTHER().test(s.text) || leansOnContext(s.text),
  }));
}

/** Scores sentences with the weights: centroid similarity, forward centrality and a position prior. */
function score(features: SentenceFeatures[], weights: RankingWeights): RankedSentence[] {
  return features.map(({ centroid, centrality, ...s }, i) => {
    const base =
      weights.centroid * centroid +
      weights.centrality * centrality +
      weights.position / (1 + i) ** weights.positionDecay;
    const long = s.words > weights.longWords ? 1 - weights.long : 1;
    return { ...s, score: base * long * (s.dependent ? 1 - weights.dependent : 1) };
  });
}

/** Every prose sentence of the text with its score under `weights`. */
export function rankSentences(
  text: string,
  language?: string | null,
  weights: RankingWeights = DEFAULT_WEIGHTS,
): RankedSentence[] {
  return score(sentenceFeatures(text, language), weights);
}

/** Picks sentences by score with a redundancy penalty until `fits` says stop; returns them in reading order. */
function pick(
  ranked: RankedSentence[],
  count: number,
  weights: RankingWeights,
  fits: (chosen: RankedSentence[], next: RankedSentence) => boolean,
): RankedSentence[] {
  const chosen: RankedSentence[] = [];
  const left = [...ranked];
  while (chosen.length < count && left.length > 0) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    // An indexed loop with no array a sentence (an entry, the overlaps): it runs once a bullet over every sentence.
    for (let i = 0; i < left.length; i++) {
      const s = left[i] as RankedSentence;
      if (!fits(chosen, s)) continue;
      // A sentence that leans on the one before comes only with it ("Residents say they cannot wait that long.").
      if (s.dependent && !chosen.some((c) => c.index === s.index - 1)) continue;
      let overlap = 0;
      for (const c of chosen) overlap = Math.max(overlap, cosine(c.vector, s.vector));
      if (overlap >= SAME_THING) continue;
      const mmr = s.score - weights.redundancy * overlap * s.score;
      if (mmr > bestScore) {
        bestScore = mmr;
        best = i;
      }
    }
    if (best < 0) break;
    chosen.push(...left.splice(best, 1));
  }
  return chosen.sort((a, b) => a.index - b.index);
}

export const SHORT_MAX_WORDS = 60;

/**
 * How many of the bullets, from the first, a short summary takes: as many as
 * fit in 60 words, one at least (clipped when it alone is longer). The
 * offline summary's short and the one made from a model's bullets
 * (llm/short-summary.ts) follow this one rule.
 */
export function bulletsInShort(bullets: readonly string[]): number {
  let used = 0;
  let taken = 0;
  for (const bullet of bullets) {
    const words = bullet.split(/\s+/).filter(Boolean).length;
    if (taken > 0 && used + words > SHORT_MAX_WORDS) break;
    taken++;
    used += words;
  }
  return taken;
}

/**
 * An extractive summary: the best sentence as headline, 3–5 bullets, and a
 * short summary of at most about 60 words, which is the bullets in reading
 * order as far as they fit (the first one clipped only when it alone is
 * longer). All are verbatim sentences of the article.
 *
 * The short stops at the first bullet that does not fit rather than reaching
 * for a lesser sentence that would: in cross-validation on CNN/DailyMail it
 * beats the lead of its own length, where filling the budget did not.
 */
export function summarize(text: string, language?: string | null, weights: RankingWeights = DEFAULT_WEIGHTS): Summary {
  return summarizePrepared(prepareSummary(text, language), weights);
}

/** What summarizing a text needs that no weight changes, computed once (a weight search reuses it). */
export type PreparedText = readonly SentenceFeatures[];

export function prepareSummary(text: string, language?: string | null): PreparedText {
  return sentenceFeatures(text, language);
}

/** The summary of a prepared text under `weights`: the same as `summarize` of the text. */
export function summarizePrepared(prepared: PreparedText, weights: RankingWeights = DEFAULT_WEIGHTS): Summary {
  const ranked = score([...prepared], weights);
  if (ranked.length === 0) return { headline: '', short: '', bullets: [] };
  const byScore = [...ranked].sort((a, b) => b.score - a.score);
  const bulletCount = Math.min(5, Math.max(3, Math.floor(ranked.length / weights.sentencesPerBullet)));
  const picked = pick(ranked, bulletCount, weights, () => true);
  // Every sentence leans on the one before (a text that is one quotation, say): the best one stands alone.
  const bullets = picked.length > 0 ? picked : byScore.slice(0, 1);

  const lead = bullets.slice(0, bulletsInShort(bullets.map((b) => b.text)));
  const short =
    lead.length === 1 ? clip((lead[0] as RankedSentence).text, SHORT_MAX_WORDS) : lead.map((b) => b.text).join(' ');
  return { headline: headlineOf(byScore), short, bullets: bullets.map((b) => b.text) };
}
