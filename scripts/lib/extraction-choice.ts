/**
 * A study for the extractor's trainer: could a learned choice between the
 * two readings of a page (precis's own, cut where it runs past
 * Readability's, or Readability's) beat the cleaner's rules
 * (shared/cleaning/formats/agreement.ts, defaultChoice)? Each page where
 * the cleaner asks Readability is cleaned with each choice; a logistic
 * regression over what the choice knows of both readings (their lengths,
 * how much of each the other holds, the block model's probabilities of the
 * own reading's paragraphs) is trained on the other folds' pages, by how
 * much the better reading wins, and scored end to end next to the rules.
 * Each such page is also cleaned with readings made of both (madeOfBoth),
 * for a ceiling of what combining the readings, not choosing one, could add.
 */
import { scorePage } from '../../bench/lib/shingles.js';
import {
  defaultChoice,
  type Readings,
  sharedWith,
  speaksOf,
  statedWords,
  withChoice,
} from '../../shared/cleaning/formats/agreement.js';
import { treesLogOdds } from '../../shared/cleaning/formats/block-trees.js';
import { fitLogistic, type Logistic, predict, type Sample } from './extraction-logistic.js';
import { segmentCounts, setScores } from './extraction-scores.js';
import { DEFAULT_TREES, firstTrees, fitTrees, logLossByCount } from './extraction-trees.js';
import { foldOfPage } from './paired-folds.js';

/** A page as the study needs it: its set, its fold, its gold text or segments. */
export interface ChoicePage {
  id: string;
  set: 'sh' | 'traf';
  fold: number;
  gold?: string;
  with?: string[];
  without?: string[];
}

/** One page's score under a choice: ScrapingHub's precision and recall, or trafilatura's counts. */
interface Tally {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
}

/** A page's two readings (null when the cleaner did not ask Readability) and its score under each choice. */
interface Studied {
  page: ChoicePage;
  readings: Readings | null;
  rules: Tally;
  own: Tally;
  theirs: Tally;
  /** Its score under each reading made of both (madeOfBoth), where Readability was asked. */
  both: Tally[];
}

/**
 * Readings made of both, not a choice between them: the paragraphs both
 * keep (in each one's order), and each reading with the other's lead and
 * its last paragraphs (those before the first, and after the last, that
 * both keep). `own` is precis's reading as the cleaner takes it (cut where
 * it runs past Readability's).
 */
export function madeOfBoth(own: string[], theirs: string[]): string[][] {
  const ownHeld = sharedWith(own, theirs.join(' '));
  const theirHeld = sharedWith(theirs, own.join(' '));
  const [firstTheirs, lastTheirs] = [theirHeld.indexOf(true), theirHeld.lastIndexOf(true)];
  const [firstOwn, lastOwn] = [ownHeld.indexOf(true), ownHeld.lastIndexOf(true)];
  const around = (reading: string[], other: string[], first: number, last: number) =>
    first < 0
      ? []
      : [
          [...other.slice(0, first), ...reading],
          [...reading, ...other.slice(last + 1)],
        ];
  return [
    own.filter((_, i) => ownHeld[i]),
    theirs.filter((_, i) => theirHeld[i]),
    ...around(own, theirs, firstTheirs, lastTheirs),
    ...around(theirs, own, firstOwn, lastOwn),
  ].filter((r) => r.length > 0);
}

function tally(page: ChoicePage, text: string): Tally {
  if (page.set === 'sh') return { ...scorePage(page.gold ?? '', text), tp: 0, fp: 0, fn: 0 };
  return { precision: 0, recall: 0, ...segmentCounts(page, text) };
}

/** Cleans `page` with the rules' choice and, where Readability was asked, with each reading forced. */
export function study(page: ChoicePage, clean: () => string): Studied {
  let readings: Readings | null = null;
  const rules = tally(
    page,
    withChoice((r) => {
      readings = r;
      return defaultChoice(r);
    }, clean),
  );
  if (readings === null) return { page, readings, rules, own: rules, theirs: rules, both: [] };
  // Precis's own reading, cut where it runs past Readability's, as a long reading is.
  let cut: string[] = [];
  const own = tally(
    page,
    withChoice((r) => {
      cut = defaultChoice({ ...r, long: true }) ?? [];
      return cut;
    }, clean),
  );
  const theirs = tally(
    page,
    withChoice(() => null, clean),
  );
  const { theirs: paragraphs } = readings as Readings;
  const both = madeOfBoth(cut, paragraphs).map((reading) =>
    tally(
      page,
      withChoice(() => reading, clean),
    ),
  );
  return { page, readings, rules, own, theirs, both };
}

const share = (lengths: number[], marks: boolean[]) => {
  let [all, marked] = [0, 0];
  lengths.forEach((l, i) => {
    all += l;
    if (marks[i]) marked += l;
  });
  return all === 0 ? 0 : marked / all;
};

/** What the choice knows of both readings. */
function features({ own, theirs, long }: Readings): number[] {
  const ownLengths = own?.paragraphs.map((p) => p.length) ?? [];
  const theirLengths = theirs.map((p) => p.length);
  const [ownLength, theirLength] = [ownLengths, theirLengths].map((ls) => ls.reduce((s, l) => s + l, 0)) as [
    number,
    number,
  ];
  const scored = (own?.probabilities ?? [])
    .map((p, i) => [p, ownLengths[i] as number])
    .filter(([p]) => !Number.isNaN(p));
  const weight = scored.reduce((s, [, l]) => s + (l as number), 0);
  const meanProbability =
    weight === 0 ? 0.5 : scored.reduce((s, [p, l]) => s + (p as number) * (l as number), 0) / weight;
  const minProbability = scored.length === 0 ? 0.5 : Math.min(...scored.map(([p]) => p as number));
  return [
    Math.log((theirLength + 50) / (ownLength + 50)),
    own ? share(ownLengths, sharedWith(own.paragraphs, theirs.join(' '))) : 0,
    own ? share(theirLengths, sharedWith(theirs, own.paragraphs.join(' '))) : 0,
    own && own.allChars > 0 ? own.chars / own.allChars : 0,
    meanProbability,
    minProbability,
    own ? share(ownLengths, own.inDense) : 0,
    long ? 1 : 0,
    Math.log1p(ownLength) / 8,
    Math.log1p(theirLength) / 8,
  ];
}

const SENTENCE_END = /[.!?。؟:]["”»’)]?$/;
/** Share of a reading's characters in paragraphs that end a sentence. */
const sentences = (ps: string[]) =>
  share(
    ps.map((p) => p.length),
    ps.map((p) => SENTENCE_END.test(p.trim())),
  );

/**
 * More of what the choice could know of each reading, for the trees: how
 * much of what the page says it is about each one's opening speaks of, how
 * many paragraphs each has, their mean length, and how much of each ends
 * sentences (pages of short lines, labels, link lists).
 */
function richFeatures(r: Readings): number[] {
  const ownParagraphs = r.own?.paragraphs ?? [];
  const words = statedWords(r.stated, r.site);
  const each = (ps: string[]) => [
    words ? speaksOf(words, ps) : -1,
    Math.log1p(ps.length),
    Math.log1p(ps.reduce((n, p) => n + p.length, 0) / Math.max(1, ps.length)),
    sentences(ps),
  ];
  return [...features(r), ...each(ownParagraphs), ...each(r.theirs)];
}

/** A choice's value on a page, in its set's own unit: F1 on ScrapingHub, segments right less segments kept wrongly on trafilatura's. */
const value = (page: ChoicePage, t: Tally) =>
  page.set === 'sh'
    ? t.precision + t.recall === 0
      ? 0
      : (2 * t.precision * t.recall) / (t.precision + t.recall)
    : t.tp - t.fp;

/**
 * What one unit of a page's value weighs among `pages`: a ScrapingHub page's
 * F1 over its set's pages, a trafilatura segment over its set's segments, so
 * that each set weighs the same in total.
 */
function unitOf(pages: Studied[]): (s: Studied) => number {
  const shPages = Math.max(1, pages.filter((s) => s.page.set === 'sh').length);
  const segments = Math.max(
    1,
    pages.reduce((n, s) => n + (s.page.with?.length ?? 0), 0),
  );
  return (s) => (s.page.set === 'sh' ? shPages : segments);
}

/** The pages where one reading scores better, each weighing by how much (mean weight 1). */
function samplesOf(pages: Studied[], figures: (r: Readings) => number[] = features): Sample[] {
  const samples: Sample[] = [];
  const unit = unitOf(pages);
  for (const s of pages) {
    if (!s.readings) continue;
    const [own, theirs] = [value(s.page, s.own), value(s.page, s.theirs)];
    if (own === theirs) continue;
    // A page weighs by what the better reading adds to its set's score.
    const w = Math.abs(own - theirs) / unit(s);
    samples.push({ x: figures(s.readings), y: own > theirs ? 1 : 0, w });
  }
  const mean = samples.reduce((m, s) => m + s.w, 0) / samples.length;
  return samples.map((s) => ({ ...s, w: s.w / mean }));
}

function train(pages: Studied[], lambda: number): Logistic | null {
  const samples = samplesOf(pages);
  return samples.length < 2 ? null : fitLogistic(samples, lambda);
}

/** Depths and numbers of trees the choice's trees are chosen from, inside each fold. */
const DEPTHS = [1, 2, 3];
const COUNTS = [10, 25, 50, 100];

/** Trees for the choice, their depth and number chosen by an inner cross-validation of the loss over `pages` alone. */
function trainTrees(
  pages: Studied[],
  k: number,
  figures: (r: Readings) => number[] = features,
): ((r: Readings) => number) | null {
  const inner = (s: Studied) => foldOfPage(`${s.page.id}:inner`) % k;
  const settings = (depth: number) => ({ ...DEFAULT_TREES, depth, trees: Math.max(...COUNTS), minHessian: 0.5 });
  let best = { loss: Number.POSITIVE_INFINITY, depth: 1, count: COUNTS[0] as number };
  for (const depth of DEPTHS) {
    const loss = COUNTS.map(() => 0);
    for (let i = 0; i < k; i++) {
      const [fit, held] = [
        samplesOf(pages.filter((s) => inner(s) !== i)),
        samplesOf(pages.filter((s) => inner(s) === i)),
      ];
      if (fit.length < 2 || held.length === 0) continue;
      logLossByCount(fitTrees(fit, settings(depth)), held, COUNTS).forEach((l, j) => {
        loss[j] = (loss[j] as number) + l;
      });
    }
    loss.forEach((l, j) => {
      if (l < best.loss) best = { loss: l, depth, count: COUNTS[j] as number };
    });
  }
  const samples = samplesOf(pages, figures);
  if (samples.length < 2) return null;
  const model = firstTrees(fitTrees(samples, settings(best.depth)), best.count);
  return (r) => 1 / (1 + Math.exp(-treesLogOdds(model, figures(r))));
}

/** How sure the trees must be (their probability this far from one half) to overrule the rules' choice. */
const SURE = [0.5, 0.4, 0.3, 0.2, 0.1, 0];

/** What a choice adds over the rules' on some pages, each set in the unit the choice's samples weigh in. */
function gain(pages: Studied[], pick: (s: Studied) => Tally): number {
  const unit = unitOf(pages);
  return pages.reduce((sum, s) => sum + (value(s.page, pick(s)) - value(s.page, s.rules)) / unit(s), 0);
}

/**
 * Trees that overrule the rules' choice only where sure: how sure, chosen
 * by an inner cross-validation over `pages` alone (by what overruling adds
 * on the inner folds' held pages).
 */
function trainSureTrees(pages: Studied[], k: number): { model: ((r: Readings) => number) | null; sure: number } {
  const inner = (s: Studied) => foldOfPage(`${s.page.id}:sure`) % k;
  const added = SURE.map(() => 0);
  for (let i = 0; i < k; i++) {
    const model = trainTrees(
      pages.filter((s) => inner(s) !== i),
      k,
    );
    const held = pages.filter((s) => inner(s) === i);
    SURE.forEach((m, j) => {
      added[j] = (added[j] as number) + gain(held, (s) => overrule(model, m, s));
    });
  }
  const j = added.indexOf(Math.max(...added));
  return { model: trainTrees(pages, k), sure: SURE[j] as number };
}

/** The trees' reading where they are at least `sure` away from one half, else the rules'. */
function overrule(model: ((r: Readings) => number) | null, sure: number, s: Studied): Tally {
  if (!s.readings || !model) return s.rules;
  const p = model(s.readings);
  if (Math.abs(p - 0.5) < sure || sure >= 0.5) return s.rules;
  return p >= 0.5 ? s.own : s.theirs;
}

/** ScrapingHub's F1 and trafilatura's F of some pages under a choice. */
function scores(pages: Studied[], pick: (s: Studied) => Tally): { sh: number; traf: number } {
  return setScores(
    pages.filter((s) => s.page.set === 'sh').map(pick),
    pages.filter((s) => s.page.set === 'traf').map(pick),
  );
}

/** The folds' scores of the rules' choice, of the best choice per page (a ceiling), and of learned choices. */
export function compareChoices(
  studied: Studied[],
  k: number,
  lambdas: number[],
): { name: string; sh: number[]; traf: number[] }[] {
  const folds = Array.from({ length: k }, (_, i) => ({
    train: studied.filter((s) => s.page.fold !== i),
    test: studied.filter((s) => s.page.fold === i),
  }));
  const row = (name: string, pick: (s: Studied, fold: number) => Tally) => {
    const each = folds.map((f, i) => scores(f.test, (s) => pick(s, i)));
    return { name, sh: each.map((x) => x.sh), traf: each.map((x) => x.traf) };
  };
  const better = (s: Studied, tallies: Tally[]) =>
    tallies.reduce((b, t) => (value(s.page, t) > value(s.page, b) ? t : b), s.rules);
  const rows = [
    row('the rules’ choice', (s) => s.rules),
    row('the better reading of each page (ceiling)', (s) =>
      value(s.page, s.own) >= value(s.page, s.theirs) ? s.own : s.theirs,
    ),
    row('the best of both and the readings made of both (ceiling)', (s) => better(s, [s.own, s.theirs, ...s.both])),
  ];
  for (const lambda of lambdas) {
    const models = folds.map((f) => train(f.train, lambda));
    rows.push(
      row(`learned, lambda ${lambda}`, (s, i) => {
        const model = models[i];
        if (!s.readings || !model) return s.rules;
        return predict(model, features(s.readings)) >= 0.5 ? s.own : s.theirs;
      }),
    );
  }
  // Sure by any margin: the trees' reading wherever they have one.
  const trees = folds.map((f) => trainTrees(f.train, k));
  rows.push(row('learned, trees', (s, i) => overrule(trees[i] ?? null, 0, s)));
  const rich = folds.map((f) => trainTrees(f.train, k, richFeatures));
  rows.push(row('learned, trees, with more of each reading', (s, i) => overrule(rich[i] ?? null, 0, s)));
  const sure = folds.map((f) => trainSureTrees(f.train, k));
  rows.push(
    row(`trees overruling the rules where sure (${sure.map((x) => x.sure).join(', ')})`, (s, i) => {
      const { model, sure: m } = sure[i] as { model: ((r: Readings) => number) | null; sure: number };
      return overrule(model, m, s);
    }),
  );
  return rows;
}
