import { distance } from 'fastest-levenshtein';
import { once } from '../../lazily.js';
import { unicodePattern } from '../../unicode-pattern.js';
import {
  type ArticleContext,
  allowedDates,
  type DateReader,
  type DayParts,
  dateReaderFor,
  readingOnce,
  withoutAllowedDates,
} from './dates.js';
import { unsupportedFigures } from './numbers.js';

export interface Span {
  start: number;
  end: number;
  /** How the span was found. */
  match: 'exact' | 'normalized' | 'fuzzy';
  /** 1 for exact and normalised matches; the similarity for fuzzy ones. */
  score: number;
}

/** Typographic variants that models swap freely when they copy text. */
const FOLD: Record<string, string> = {
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '″': '"',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '′': "'",
  '`': "'",
  '–': '-',
  '—': '-',
  '‑': '-',
  '…': '.',
};

/**
 * What one UTF-16 unit folds to: null for white space, else the unit mapped
 * by FOLD and lower-cased alone (a surrogate stays as it is, a capital sigma
 * is always `σ`), as `fold` always read it.
 */
function foldUnit(ch: string): string | null {
  return /\s/u.test(ch) ? null : (FOLD[ch] ?? ch).toLocaleLowerCase();
}

/** The folds of the ASCII units, by char code; of the others, each worked out the first time it is read. */
const ASCII_FOLDS = once(() => Array.from({ length: 128 }, (_, code) => foldUnit(String.fromCharCode(code))));
const OTHER_FOLDS = new Map<number, string | null>();

/**
 * The text folded for comparison (quotes, dashes, case, runs of white space)
 * with, for each folded character, the offset of the original character it
 * came from, so a match in the folded text maps back to the original. Each
 * unit is folded by a table rather than a pattern and a locale-aware case
 * mapping each time (about 1 ms an article; the result is the same).
 */
export function fold(text: string): { folded: string; origin: number[] } {
  const parts: string[] = [];
  const origin: number[] = [];
  const ascii = ASCII_FOLDS();
  let lastWasSpace = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let mapped = code < 128 ? ascii[code] : OTHER_FOLDS.get(code);
    if (mapped === undefined) {
      mapped = foldUnit(text[i] as string);
      OTHER_FOLDS.set(code, mapped);
    }
    if (mapped === null) {
      if (!lastWasSpace) {
        parts.push(' ');
        origin.push(i);
      }
      lastWasSpace = true;
      continue;
    }
    lastWasSpace = false;
    parts.push(mapped);
    // An offset for each code point the unit folded to, as before (`İ` folds to two).
    if (mapped.length === 1) origin.push(i);
    else for (const _ of mapped) origin.push(i);
  }
  if (parts.at(-1) === ' ') {
    parts.pop();
    origin.pop();
  }
  return { folded: parts.join(''), origin };
}

/** Trims the quotes and ellipses a model puts around a copied span. */
function trimQuote(evidence: string): string {
  return evidence
    .trim()
    .replace(/^["'“”«»‘’]+|["'“”«»‘’]+$/gu, '')
    .replace(/^(\.\.\.|…)\s*|\s*(\.\.\.|…)$/gu, '')
    .trim();
}

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    out.push({ text: m[0].toLocaleLowerCase(), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Locates a claim's evidence in the cleaned text: first verbatim, then after
 * folding quotes, dashes, case and white space, then as the most similar
 * window of words whose character similarity reaches `threshold`. Returns
 * null when the text holds nothing close enough: the evidence is invented.
 */
export function locate(text: string, evidence: string, threshold = 0.85): Span | null {
  const needle = trimQuote(evidence);
  if (needle.length === 0) return null;
  const exact = text.indexOf(needle);
  if (exact >= 0) return { start: exact, end: exact + needle.length, match: 'exact', score: 1 };

  const hay = fold(text);
  const folded = fold(needle).folded;
  const at = hay.folded.indexOf(folded);
  if (at >= 0) {
    const start = hay.origin[at] as number;
    const end = (hay.origin[at + folded.length - 1] as number) + 1;
    return { start, end, match: 'normalized', score: 1 };
  }
  return fuzzy(text, needle, threshold);
}

function fuzzy(text: string, needle: string, threshold: number): Span | null {
  const words = tokens(text);
  const target = tokens(needle);
  const n = target.length;
  if (n < 3 || words.length === 0) return null;
  const wanted = new Map<string, number>();
  for (const t of target) wanted.set(t.text, (wanted.get(t.text) ?? 0) + 1);

  // Cheap pass: windows of n words ranked by shared words; only the best few get an edit distance.
  const candidates: { i: number; overlap: number }[] = [];
  const window = new Map<string, number>();
  let overlap = 0;
  const add = (w: string, sign: 1 | -1) => {
    const before = window.get(w) ?? 0;
    const after = before + sign;
    window.set(w, after);
    const want = wanted.get(w) ?? 0;
    overlap += Math.min(after, want) - Math.min(before, want);
  };
  for (let i = 0; i < words.length; i++) {
    add((words[i] as Token).text, 1);
    if (i >= n) add((words[i - n] as Token).text, -1);
    if (i >= n - 1) candidates.push({ i: i - n + 1, overlap });
  }
  if (words.length < n) candidates.push({ i: 0, overlap });
  candidates.sort((a, b) => b.overlap - a.overlap);

  const target$ = fold(needle).folded;
  let best: Span | null = null;
  for (const { i, overlap: shared } of candidates.slice(0, 5)) {
    if (shared < n * 0.5) break;
    // Let the window grow or shrink a little around the candidate: models drop or add a word.
    for (const delta of [0, -1, 1, -2, 2]) {
      const last = Math.min(words.length, i + n + delta) - 1;
      if (last < i) continue;
      const start = (words[i] as Token).start;
      const end = (words[last] as Token).end;
      const candidate = fold(text.slice(start, end)).folded;
      const score = 1 - distance(candidate, target$) / Math.max(candidate.length, target$.length);
      if (score >= threshold && (!best || score > best.score)) best = { start, end, match: 'fuzzy', score };
    }
  }
  return best;
}

const TOKEN_CHAR = /[\p{L}\p{N}\p{M}]/u;
/** What ends a quoted figure or a sentence and belongs with it: a percent, closing quotes and brackets, end stops. */
const CLOSING = /[%‰)\]}»”"’'.!?…]/u;
/** What opens a figure and belongs with it: a currency sign, opening quotes and brackets. */
const OPENING = /[$€£¥₹«“"‘'([]/u;

/**
 * The span grown to whole tokens, then to the closing punctuation after it
 * and the currency sign or opening quote before it: a fuzzy match on "95"
 * that stopped at "99" becomes "99 %.", so the figure is read whole.
 */
export function extendSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start > 0 && TOKEN_CHAR.test(text[start - 1] as string)) start--;
  while (end < text.length && TOKEN_CHAR.test(text[end] as string)) end++;
  // A percent sign or unit glued after a space ("12 %") is part of the figure.
  if (text[end] === ' ' && /[%‰]/u.test(text[end + 1] ?? '')) end++;
  while (end < text.length && CLOSING.test(text[end] as string)) end++;
  while (start > 0 && OPENING.test(text[start - 1] as string)) start--;
  return { ...span, start, end };
}

/** Words in a cased script that start with a capital: names, as far as a text without a tagger can tell. */
function names(text: string): string[] {
  const words = [...text.matchAll(unicodePattern(String.raw`[\p{L}\p{M}][\p{L}\p{M}'’-]*`, 'gu'))].map((m) => ({
    word: m[0],
    at: m.index,
  }));
  return words
    .filter(({ word }, i) => i > 0 && /^\p{Lu}/u.test(word) && word.length > 1)
    .map(({ word }) => word.replace(/['’]s$/u, ''));
}

const folded = (s: string) => fold(s).folded;

/**
 * What a claim may take from its article besides its evidence, read once
 * per article: the dates the article allows (dates.ts), and the names it
 * gives anywhere, title included. The prompt asks for both: absolute dates
 * for relative ones, and names in place of pronouns and "the ministry".
 */
export interface ArticleSupport {
  dates: DayParts[];
  /** The article's date reader, each text read once for this article (readingOnce): what dates.ts reads a claim's dates with. */
  reader: DateReader;
  /** The article and its title, folded as evidence is. */
  folded: string;
}

export async function articleSupport(context: ArticleContext): Promise<ArticleSupport> {
  // Its checks read some texts twice (a claim that is a bullet, the short's sentences): each is read once.
  const reader = readingOnce(await dateReaderFor(context.language));
  return {
    dates: allowedDates(context, reader),
    reader,
    folded: folded(`${context.title ?? ''}\n${context.text}`),
  };
}

/**
 * What a claim states that its article does not support: its figures (by
 * value, any digits) that its evidence lacks, and in scripts with capitals
 * its names (capitalised words after the first) that neither the evidence
 * nor the rest of the article gives. A date the article allows (one it
 * states, one its relative dates resolve to from the publication time, the
 * publication day) counts as stated, month and weekday names included.
 * Empty when the claim is supported.
 */
export function unsupportedByEvidence(
  claim: { text: string; speaker: string | null },
  evidence: string,
  support?: ArticleSupport,
): string[] {
  const text = support ? withoutAllowedDates(claim.text, support.dates, support.reader) : claim.text;
  const missing: string[] = unsupportedFigures(text, evidence);
  const inEvidence = folded(evidence);
  for (const name of new Set(names(text))) {
    const key = folded(name);
    if (inEvidence.includes(key) || support?.folded.includes(key)) continue;
    missing.push(name);
  }
  return [...new Set(missing)];
}
