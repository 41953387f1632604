import { ara, dan, deu, eng, fas, fra, ita, nld, nob, pol, por, rus, spa, swe, tur, ukr } from 'stopword';
import type { Budget } from '../budget.js';
import type { El } from '../page-metadata.js';
import { activeBlockModel, type BlockModel, modelClasses, modelProbabilities } from './block-model.js';
import { type PageBlock, type PageBlocks, pageBlocks, visibleChars } from './blocks.js';

/**
 * The article's text from a page's blocks, in the way jusText and
 * trafilatura find it: each block is classed by its own length, link
 * density and share of function words (good, near-good, short, bad); short
 * and near-good blocks then take the class of the blocks around them; the
 * article is the element whose good text most outweighs its bad text, and
 * its good blocks are the article's paragraphs.
 */

/** Function words of the languages a page is most often in: prose is full of them, menus and teasers are not. */
const FUNCTION_WORDS = new Set(
  [eng, deu, fra, spa, ita, por, nld, rus, ara, fas, tur, pol, swe, dan, nob, ukr].flat().map((w) => w.toLowerCase()),
);

/** Thresholds, in characters without white space and in shares (jusText's, tuned on the tune halves). */
export const THRESHOLDS = {
  /** Below this a block is short: its neighbours decide. */
  lengthLow: 60,
  /** From this a block of prose is good on its own; shorter prose is near-good. */
  lengthHigh: 170,
  /** More of its text in links than this: bad. */
  maxLinkDensity: 0.25,
  /** The same for a block that ends as a sentence ends. */
  maxSentenceLinkDensity: 0.45,
  /** Function words' share of a block's words: prose at or above `high`, near-good from `low`. */
  functionLow: 0.2,
  functionHigh: 0.28,
  /** Below this share even a long sentence is not prose (a list of names, a product table). */
  functionFloor: 0.12,
  /** Prose may link this much of its text and still be near-good. */
  maxProseLinkDensity: 0.6,
  /** Distance (characters) a heading may sit before good text and still belong to it. */
  headingReach: 200,
  /** Distance (characters) from which good text no longer decides a short or near-good block's class. */
  goodReach: 800,
  /** Distance (characters) a near-good lead may sit before good text and still belong to it. */
  leadReach: 160,
  /** Weight of bad text against good text when the article's element is chosen. */
  badWeight: 0.5,
  /** The named body is taken when it holds at least this share of the chosen element's good text. */
  namedShare: 0.5,
  /** A named body keeps the blocks the classes rejected while they are at most this share of its good text. */
  namedOther: 1,
};

export type Cls = 'good' | 'near' | 'short' | 'bad';

const WORD = /[\p{L}\p{M}'’]+/gu;
/** Scripts whose words the function-word lists do not cover: sentence punctuation stands for them. */
const UNLISTED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Hebrew}\p{Script=Greek}\p{Script=Devanagari}]/u;

function functionShare(text: string): number {
  const words = text.match(WORD);
  if (!words || words.length === 0) return 0;
  if (UNLISTED.test(text)) return /[.!?。！？؟,，、]/.test(text) ? 1 : 0;
  let hits = 0;
  for (const word of words) if (FUNCTION_WORDS.has(word.toLowerCase())) hits++;
  return hits / words.length;
}

/** Each block's function-word share, computed once: a block is classed more than once (with and without its furniture marks), and the block model reads it too. */
const shares = new WeakMap<PageBlock, number>();

export function blockShare(block: PageBlock): number {
  let share = shares.get(block);
  if (share === undefined) {
    share = functionShare(block.text);
    shares.set(block, share);
  }
  return share;
}

/** A block's class from itself alone. */
function classify(block: PageBlock, furniture: boolean, lead = false): Cls {
  if (block.table) return 'near';
  // A page's lead is often named "teaser" or "intro" as its teasers are: long prose under such a
  // name is near-good, and the article around it decides.
  if (furniture) return lead && classify(block, false) === 'good' ? 'near' : 'bad';
  const density = block.chars === 0 ? 1 : block.linkChars / block.chars;
  // A sentence may link a few of its words; a menu or a teaser is its links.
  const sentence = block.chars >= THRESHOLDS.lengthLow && /[.!?。؟]["”»’)]?$/.test(block.text);
  if (/©|&copy;|\(c\) \d{4}/i.test(block.text)) return 'bad';
  if (density > (sentence ? THRESHOLDS.maxSentenceLinkDensity : THRESHOLDS.maxLinkDensity)) {
    // Prose that links many of its words (a deals post, a sourced paragraph) is near-good: its
    // neighbours decide, so that a teaser's linked title and summary stay out.
    const prose = sentence && density <= THRESHOLDS.maxProseLinkDensity;
    return prose && blockShare(block) >= THRESHOLDS.functionHigh ? 'near' : 'bad';
  }
  if (block.chars < THRESHOLDS.lengthLow) return block.linkChars > 0 ? 'bad' : 'short';
  const share = blockShare(block);
  if (share >= THRESHOLDS.functionHigh) return block.chars > THRESHOLDS.lengthHigh ? 'good' : 'near';
  if (share >= THRESHOLDS.functionLow) return 'near';
  // A lead ("intro", "chapo") is one or two sentences dense with names: its neighbours decide.
  if (lead && block.linkChars === 0) return 'near';
  // A long sentence full of names (a quoted executive and their title) is prose too, if the text around it is.
  return sentence && block.chars > THRESHOLDS.lengthHigh && share >= THRESHOLDS.functionFloor ? 'near' : 'bad';
}

/** For each block, the class of the nearest block before (step -1) or after (+1) that is good or bad, or near too. */
function neighbours(blocks: PageBlock[], classes: Cls[], step: 1 | -1, withNear: boolean): Cls[] {
  const out: Cls[] = new Array(classes.length);
  let last: Cls = 'bad';
  // Text since the last good block: good text far away does not vouch for a block (a rail of teasers
  // between an article and its last paragraph of notes).
  let since = 0;
  const n = classes.length;
  for (let k = 0; k < n; k++) {
    const i = step === 1 ? n - 1 - k : k;
    out[i] = last === 'good' && since > THRESHOLDS.goodReach ? 'bad' : last;
    const c = classes[i] as Cls;
    if (c === 'good' || c === 'bad' || (withNear && c === 'near')) last = c;
    since = c === 'good' ? 0 : since + (blocks[i] as PageBlock).chars;
  }
  return out;
}

/** Headings followed by good text within reach become `to`. */
function promoteHeadings(blocks: PageBlock[], classes: Cls[], from: (c: Cls, i: number) => boolean, to: Cls): void {
  // The distance to the next good block, from the end: linear.
  let goodAt = -1;
  let between = 0;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i] as PageBlock;
    const promoted = block.heading && from(classes[i] as Cls, i) && goodAt >= 0 && between <= THRESHOLDS.headingReach;
    // A promoted heading does not carry the reach on: a rail of kickers over headlines is not a chain of headings.
    if (promoted) classes[i] = to;
    if (classes[i] === 'good' && !promoted) {
      goodAt = i;
      between = 0;
    } else between += block.chars;
  }
}

/**
 * A near-good sentence shortly before good text is the article's lead, kept
 * apart from its body by a dateline, a photo credit or a "view all" link:
 * good. Only before (teasers under a linked title follow an article). Linear.
 */
function promoteLeads(blocks: PageBlock[], first: Cls[], final: Cls[]): void {
  let between = Number.POSITIVE_INFINITY;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i] as PageBlock;
    if (final[i] === 'good') {
      between = 0;
      continue;
    }
    if (first[i] === 'near' && between <= THRESHOLDS.leadReach && /[.!?。؟]["”»’)]?$/.test(block.text)) {
      // It does not carry the reach on: a rail of teasers is not a chain of leads.
      final[i] = 'good';
    }
    between += block.chars;
  }
}

/** jusText's context-sensitive pass: short and near-good blocks take their class from their neighbours. */
function revise(blocks: PageBlock[], first: Cls[]): Cls[] {
  const classes = [...first];
  promoteHeadings(blocks, classes, (c) => c === 'short', 'near');
  const prev = neighbours(blocks, classes, -1, false);
  const next = neighbours(blocks, classes, 1, false);
  const prevAny = neighbours(blocks, classes, -1, true);
  const nextAny = neighbours(blocks, classes, 1, true);
  const revised = classes.map((c, i) => {
    if (c !== 'short') return c;
    const [p, n] = [prev[i], next[i]];
    if (p === 'good' && n === 'good') return 'good';
    if (p === 'bad' && n === 'bad') return 'bad';
    return (p === 'bad' && prevAny[i] === 'near') || (n === 'bad' && nextAny[i] === 'near') ? 'good' : 'bad';
  });
  // A run of near-good blocks as long as a good one is prose, whatever surrounds it (paragraphs between ads).
  for (let i = 0; i < revised.length; ) {
    if (revised[i] !== 'near') {
      i++;
      continue;
    }
    let j = i;
    let chars = 0;
    while (j < revised.length && revised[j] === 'near') chars += (blocks[j++] as PageBlock).chars;
    if (j - i >= 2 && chars > THRESHOLDS.lengthHigh) revised.fill('good', i, j);
    i = j;
  }
  const p2 = neighbours(blocks, revised, -1, false);
  const n2 = neighbours(blocks, revised, 1, false);
  const final = revised.map((c, i) => (c !== 'near' ? c : p2[i] === 'bad' && n2[i] === 'bad' ? 'bad' : 'good'));
  promoteHeadings(blocks, final, (c, i) => c === 'bad' && first[i] !== 'bad', 'good');
  promoteLeads(blocks, first, final);
  return final;
}

const FALLBACK_CHARS = 250;

/**
 * The text of the first element named as the article's body (class, id or
 * itemprop): its good blocks, and every other block that is not mostly
 * links (list items, a recipe's lines, a specification) unless it follows
 * one that is (a teaser's summary under its linked title).
 */
function namedBody(page: PageBlocks, furniture: boolean[], classes: Cls[]): Joined | null {
  const at = page.bonus.indexOf(2);
  if (at < 0) return null;
  const last = page.end[at] as number;
  const inside = (block: PageBlock) => block.owner >= at && block.owner <= last;
  // Its blocks, and the good blocks right before it (a lead the page prints above its body; what
  // follows a named body is the page's, not the article's).
  const from = extend(page, classes, page.blocks.findIndex(inside), -1);
  const to = page.blocks.findLastIndex(inside);
  const kept: PageBlock[] = [];
  const good: PageBlock[] = [];
  let [goodChars, otherChars] = [0, 0];
  for (let i = Math.max(0, from); i <= to; i++) {
    const block = page.blocks[i] as PageBlock;
    if (classes[i] === 'good') {
      kept.push(block);
      good.push(block);
      goodChars += block.chars;
    } else if (
      inside(block) &&
      !furniture[block.owner] &&
      !linkBlock(block) &&
      !/©|&copy;/.test(block.text) &&
      (i === 0 || !linkBlock(page.blocks[i - 1] as PageBlock))
    ) {
      kept.push(block);
      otherChars += block.chars;
    }
  }
  // A body mostly of what the block classes rejected is a page's whole content area (comments,
  // teasers, listings), not an article with its short lines: its good blocks only, then.
  return joined(otherChars > THRESHOLDS.namedOther * goodChars ? good : kept);
}

const SENTENCE_END = /[.!?。؟:;)"”»’]$/;

/** How many of `lines` at the end are labels (`label` says which): one or two, a longer run being the article's own list. */
export function trailingLabels<T>(lines: T[], label: (line: T) => boolean): number {
  let end = lines.length;
  while (end > 1 && label(lines[end - 1] as T)) end--;
  return lines.length - end > 2 ? 0 : lines.length - end;
}

/** A short line that does not end as a sentence does: a label ("More news", "Tags"), not a paragraph. */
export function labelLine(text: string, chars = visibleChars(text)): boolean {
  return chars < THRESHOLDS.lengthLow && !SENTENCE_END.test(text);
}

/**
 * The kept blocks' text, less a heading or two short lines at the end: an
 * article does not end on a heading or a label ("More news", "Tags", "No
 * comments"), the section after it does.
 */
interface Joined {
  paragraphs: string[];
  chars: number;
  blocks: PageBlock[];
}

function joined(kept: PageBlock[]): Joined {
  // A longer run of short lines is the article's own list (tour dates, a recipe's last steps).
  const end = kept.length - trailingLabels(kept, (b) => b.heading || labelLine(b.text, b.chars));
  const paragraphs: string[] = [];
  let chars = 0;
  for (const block of kept.slice(0, end)) {
    paragraphs.push(block.text);
    chars += block.chars;
  }
  return { paragraphs, chars, blocks: kept.slice(0, end) };
}

/** A block that is mostly its links. */
function linkBlock(block: PageBlock): boolean {
  return block.chars > 0 && block.linkChars / block.chars > 0.5;
}

/** Largest share of the page's text an element named as furniture may hold and still be furniture. */
const FURNITURE_SHARE = 0.25;

/**
 * The page's own body: the first element named as the article's body
 * (class, id or itemprop) that holds no other so named, or -1. A page names
 * its wrappers so too ("main-content"), and may name boxes beside the
 * article as bodies (an author's box's "entry-content"): the innermost one
 * first in reading order is the article's. Linear: each element's subtree is
 * searched only up to the next named element.
 */
function ownBody(page: PageBlocks): number {
  for (let id = 0; id < page.parent.length; id++) {
    if (page.bonus[id] !== 2) continue;
    const end = page.end[id] as number;
    let inner = id + 1;
    while (inner <= end && page.bonus[inner] !== 2) inner++;
    if (inner > end) return id;
    id = inner - 1;
  }
  return -1;
}

/**
 * Which block elements are furniture: named so (or inside one that is), and
 * holding less than a quarter of the page's text, so that a wrapper whose
 * classes merely mention a tag or a menu ("tag-berlin") keeps its article.
 * An element named as the article's body is never furniture by its own
 * name; inside furniture, only the page's own body (ownBody) stays out of
 * it, so that an author's box or a footer that names its text as a body
 * stays furniture. Preorder: a parent is decided before its children.
 */
export function furnitureMarks(page: PageBlocks): boolean[] {
  const total = page.chars.reduce((sum, c, id) => (page.parent[id] === -1 ? sum + c : sum), 0);
  const body = ownBody(page);
  const marks: boolean[] = [];
  for (let id = 0; id < page.parent.length; id++) {
    const up = page.parent[id] as number;
    const inherited = up >= 0 && (marks[up] ?? false);
    const own =
      ((page.furniture[id] ?? false) && (page.chars[id] ?? 0) < FURNITURE_SHARE * total) || (page.sure[id] ?? false);
    marks.push(page.bonus[id] === 2 ? inherited && id !== body : inherited || own);
  }
  return marks;
}

/** Each block's class from itself (`first`), then from its neighbours (`final`). */
export function classifyBlocks(page: PageBlocks, furniture: boolean[]): { first: Cls[]; final: Cls[] } {
  const first = page.blocks.map((b) =>
    classify(b, b.owner >= 0 && (furniture[b.owner] ?? false), b.owner >= 0 && (page.lead[b.owner] ?? false)),
  );
  return { first, final: revise(page.blocks, first) };
}

/** Longest run of other text (characters) the article's range steps over to a good block beside it: a "view all" link, a credit. */
const GAP_CHARS = 24;

/** The range's end moved over the good blocks beside it, and over short gaps between them. */
function extend(page: PageBlocks, classes: Cls[], from: number, step: 1 | -1): number {
  const blocks = page.blocks;
  if (from < 0) return from;
  let at = from;
  let gap = 0;
  for (let i = from + step; i >= 0 && i < blocks.length; i += step) {
    const block = blocks[i] as PageBlock;
    // Before the article, a lead the page names as one ("intro", "excerpt") may sit further off, past
    // a byline, a date or a photo credit.
    if (classes[i] === 'good' && (gap <= GAP_CHARS || (step === -1 && (page.lead[block.owner] ?? false)))) {
      at = i;
      gap = 0;
      continue;
    }
    gap += block.chars;
    if (gap > (step === -1 ? THRESHOLDS.leadReach : GAP_CHARS)) break;
  }
  return at;
}

export interface Extracted {
  paragraphs: string[];
  /** Characters of good text on the whole page, and in the chosen element. */
  pageChars: number;
  chars: number;
  /** Characters of all the page's blocks, good or not. */
  allChars: number;
  /** Each paragraph lies inside the element whose own <p> children hold the most text. */
  inDense: boolean[];
  /** The block model's probability of each paragraph (NaN without a model). */
  probabilities: number[];
}

/** The element whose own <p> children (mostly not links) hold the most text, or -1. */
function densest(page: PageBlocks): number {
  const own = new Float64Array(page.parent.length);
  for (const block of page.blocks) {
    const p = block.owner;
    if (p < 0 || !page.paragraph[p] || block.linkChars >= 0.3 * block.chars) continue;
    const up = page.parent[p] as number;
    if (up >= 0) own[up] = (own[up] ?? 0) + block.chars;
  }
  let best = -1;
  for (let id = 0; id < own.length; id++) if ((own[id] as number) > (best < 0 ? 0 : (own[best] as number))) best = id;
  return best;
}

/** The article's blocks as one set of classes chooses them, and the good text of the page. */
interface Selection {
  chosen: Joined;
  pageChars: number;
}

/**
 * The element whose good text most outweighs its bad text (one pass up the
 * tree of block elements, preorder, so a child's index is above its
 * parent's), joined with the good blocks beside it; or the element the page
 * names as its body when it holds text enough.
 */
function select(page: PageBlocks, marks: boolean[], classes: Cls[]): Selection {
  const n = page.parent.length;
  const good = new Float64Array(n);
  const bad = new Float64Array(n);
  let pageChars = 0;
  page.blocks.forEach((block, i) => {
    if (block.owner < 0) return;
    if (classes[i] === 'good') {
      good[block.owner] = (good[block.owner] ?? 0) + block.chars;
      pageChars += block.chars;
    } else bad[block.owner] = (bad[block.owner] ?? 0) + block.chars;
  });
  for (let id = n - 1; id > 0; id--) {
    const up = page.parent[id] as number;
    if (up < 0) continue;
    good[up] = (good[up] ?? 0) + (good[id] ?? 0);
    bad[up] = (bad[up] ?? 0) + (bad[id] ?? 0);
  }
  let best = -1;
  let bestScore = 0;
  for (let id = 0; id < n; id++) {
    const score = (good[id] as number) - THRESHOLDS.badWeight * (bad[id] as number);
    if (score > bestScore) [best, bestScore] = [id, score];
  }
  // Text outside any block element (straight in <body>, or in elements this reading does not know as
  // blocks) has no element to choose: the whole page then, if it outweighs the best element; a stray
  // notice in <body> does not make the page's every good block the article.
  let looseChars = 0;
  page.blocks.forEach((b, i) => {
    if (b.owner < 0 && classes[i] === 'good') looseChars += b.chars;
  });
  const loose = looseChars > 0 && looseChars >= bestScore;
  const inside = (owner: number) => loose || (best >= 0 && owner >= best && owner <= (page.end[best] as number));
  // The element's blocks, joined with the good blocks right before and after it (a lead or a last
  // paragraph the page keeps in a sibling element).
  let first = page.blocks.findIndex((b) => inside(b.owner));
  let last = page.blocks.findLastIndex((b) => inside(b.owner));
  first = extend(page, classes, first, -1);
  last = extend(page, classes, last, 1);
  const kept: PageBlock[] = [];
  for (let i = Math.max(0, first); i <= last; i++) if (classes[i] === 'good') kept.push(page.blocks[i] as PageBlock);
  const own = joined(kept);
  const named = namedBody(page, marks, classes);
  // The element the page names as its body, as trafilatura prefers it, when it holds text enough.
  const chosen = named && named.chars >= Math.max(FALLBACK_CHARS, THRESHOLDS.namedShare * own.chars) ? named : own;
  return { chosen, pageChars };
}

/** What the block model reads of a page: its blocks, marks, both passes' classes and the rules' choice. */
export interface PageReading {
  page: PageBlocks;
  marks: boolean[];
  first: Cls[];
  final: Cls[];
  /** The blocks the rules' selection keeps. */
  kept: Set<PageBlock>;
  /** The element whose own <p> children hold the most text, or -1. */
  dense: number;
}

/**
 * The article's paragraphs in `root`: one walk for the blocks, linear passes
 * for their classes, one pass up the tree to weigh each element; then the
 * block model's reading of each block (from the same figures) and the same
 * selection on its classes, when a model is given.
 */
export function extractArticle(root: El, budget: Budget, model: BlockModel | null = activeBlockModel()): Extracted {
  return extractFromBlocks(pageBlocks(root, budget), model);
}

/** The article's paragraphs from a page's blocks (above). */
export function extractFromBlocks(page: PageBlocks, model: BlockModel | null = activeBlockModel()): Extracted {
  const furniture = furnitureMarks(page);
  const none = page.parent.map(() => false);
  const dense = densest(page);
  let allChars = 0;
  for (const block of page.blocks) allChars += block.chars;
  const run = (ignoreFurniture: boolean): Extracted => {
    const marks = ignoreFurniture ? none : furniture;
    const { first, final } = classifyBlocks(page, marks);
    let selected = select(page, marks, final);
    let probabilityOf: Map<PageBlock, number> | null = null;
    if (model) {
      const reading = { page, marks, first, final, kept: new Set(selected.chosen.blocks), dense };
      const probabilities = modelProbabilities(model, reading);
      probabilityOf = new Map(page.blocks.map((b, i) => [b, probabilities[i] as number]));
      selected = select(page, marks, modelClasses(model, probabilities));
    }
    const { chosen, pageChars } = selected;
    const inDense = chosen.blocks.map((b) => dense >= 0 && b.owner >= dense && b.owner <= (page.end[dense] as number));
    const probabilities = chosen.blocks.map((b) => probabilityOf?.get(b) ?? Number.NaN);
    return { paragraphs: chosen.paragraphs, chars: chosen.chars, pageChars, allChars, inDense, probabilities };
  };
  const found = run(false);
  // Furniture names are guesses: a page whose every block sits under one ("has-sidebar") is read without them.
  return found.chars >= FALLBACK_CHARS ? found : run(true);
}

/** The rules' reading of a page, for the block model's trainer. */
export function readBlocks(page: PageBlocks): PageReading {
  const furniture = furnitureMarks(page);
  const { first, final } = classifyBlocks(page, furniture);
  const kept = new Set(select(page, furniture, final).chosen.blocks);
  return { page, marks: furniture, first, final, kept, dense: densest(page) };
}
