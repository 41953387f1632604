import { once } from '../lazily.js';
import { unicodePattern } from '../unicode-pattern.js';

/**
 * Where the quotations of a text open and close, in the marks the languages
 * precis reads use: "…", “…”, „…“ (German, closed by “ or ”), «…» (French,
 * Spanish, Arabic), »…« (German), ‹…›. A quotation is looked for within one
 * line: a line break ends a paragraph, and a quotation that runs on into the
 * next paragraph (English style leaves it open there) is marked unmatched,
 * as is a mark left alone by a typo. Single quotes are not read: ’ is also
 * the apostrophe.
 */

export interface Quotations {
  /** Matched quotations: `open` and `close` are the offsets of the two marks. */
  spans: { open: number; close: number }[];
  /** Opening marks whose quotation does not close on their line, in the text's order. */
  unclosed: number[];
  /** Closing marks that close nothing on their line (a quotation opened in an earlier paragraph), in order. */
  unopened: number[];
}

/** For each opening mark, the marks that close it. */
const CLOSERS: Record<string, string> = {
  '"': '"',
  '“': '”',
  '„': '“”',
  '«': '»',
  '‹': '›',
};

/**
 * A letter or digit, for the German marks only (» and › before a word):
 * built on first use, as a text without them, most of what the analyze
 * function reads, never tests it, and its \p{…} classes have ICU read every
 * letter and digit.
 */
const LETTER_OR_DIGIT = once(() => unicodePattern(String.raw`[\p{L}\p{N}]`, 'u'));

export function quotations(text: string): Quotations {
  const out: Quotations = { spans: [], unclosed: [], unopened: [] };
  let stack: { at: number; closers: string }[] = [];
  const endLine = () => {
    // One at a time: a line of 300,000 opening marks would overflow the stack as arguments.
    for (const open of stack) out.unclosed.push(open.at);
    stack = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      endLine();
      continue;
    }
    if (!'"“”„«»‹›'.includes(c)) continue;
    const top = stack.at(-1);
    if (top?.closers.includes(c)) {
      stack.pop();
      out.spans.push({ open: top.at, close: i });
      continue;
    }
    const closers = CLOSERS[c];
    if (closers !== undefined) {
      stack.push({ at: i, closers });
    } else if ((c === '»' || c === '›') && LETTER_OR_DIGIT().test(text[i + 1] ?? '')) {
      // German »…« and ›…‹: the mark that closes elsewhere opens here, touching its first word.
      stack.push({ at: i, closers: c === '»' ? '«' : '‹' });
    } else {
      out.unopened.push(i);
    }
  }
  endLine();
  out.spans.sort((a, b) => a.open - b.open);
  return out;
}

/**
 * Whether an offset lies inside a matched quotation (after its opening mark,
 * up to and with its closing one), answered in constant time from counts
 * made once: a long text asks this at every sentence boundary.
 */
export function insideQuotations(text: string, q: Quotations): (at: number) => boolean {
  if (q.spans.length === 0) return () => false;
  const depth = new Int32Array(text.length + 2);
  for (const { open, close } of q.spans) {
    depth[open + 1] = (depth[open + 1] as number) + 1;
    depth[close + 1] = (depth[close + 1] as number) - 1;
  }
  for (let i = 1; i < depth.length; i++) depth[i] = (depth[i] as number) + (depth[i - 1] as number);
  return (at) => (depth[at] ?? 0) > 0;
}

/** Whether a sorted list of offsets has one in lo..hi−1 (binary search). */
function anyWithin(sorted: readonly number[], lo: number, hi: number): boolean {
  let left = 0;
  let right = sorted.length;
  while (left < right) {
    const mid = (left + right) >> 1;
    if ((sorted[mid] as number) < lo) left = mid + 1;
    else right = mid;
  }
  return left < sorted.length && (sorted[left] as number) < hi;
}

/**
 * A stretch `start..end` of one line holds part of a quotation only: an
 * opening mark on its line before `end` never closes there, or a closing
 * mark on its line from `start` on closes a quotation opened before the line.
 */
export function partOfQuotation(text: string, q: Quotations, start: number, end: number): boolean {
  if (q.unclosed.length === 0 && q.unopened.length === 0) return false;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nextBreak = text.indexOf('\n', end);
  const lineEnd = nextBreak < 0 ? text.length : nextBreak;
  return anyWithin(q.unclosed, lineStart, end) || anyWithin(q.unopened, start, lineEnd);
}

/** Opening marks, any language: a sentence that starts with one is a quotation. */
export const OPENING_MARK = /^["“„«»‹›]/u;
/** Closing marks, any language. */
export const CLOSING_MARK = /["”“»«›‹]/u;
