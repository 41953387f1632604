import { isBoilerplateLine } from './boilerplate.js';
import { type Budget, NO_DEADLINE } from './budget.js';
import { TimestampLines } from './dates.js';
import { normalizeLine, normalizeNewlines } from './normalize.js';
import { bylineOf } from './paste-rules.js';

const BULLET = /^(?:[-*•·▪◦‣–]|\d{1,2}[.)])\s+/;
/** A line that ends a sentence: its stop, then any closing quotes or brackets ('nothing,"' ends none). */
const TERMINAL = /[.!?…。！？؟]["”’'»)\]]*$/u;

/**
 * Splits pasted text into paragraphs. Blank lines separate paragraphs; inside
 * a block, hard-wrapped lines (a column of similar widths) are rejoined,
 * while short independent lines (headings, list items) stay apart.
 */
export function splitParagraphs(raw: string, budget: Budget = NO_DEADLINE): string[] {
  const lines = normalizeNewlines(raw).split('\n').map(normalizeLine);
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    budget.tick('splitting the text into paragraphs');
    if (line === '') {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current);
  const timestamps = new TimestampLines(budget);
  return blocks.flatMap((block) => apartFurniture(block, timestamps)).flatMap(unwrapBlock);
}

/**
 * A "Read also: …" or "Share on Facebook" line, a "By Jane Doe" byline or a
 * timestamp line is a paragraph of its own, never joined to its neighbours
 * as a wrapped line would be: the rules that remove or read them see it
 * whole (and a headline above them stays the headline alone).
 */
function apartFurniture(lines: string[], timestamps: TimestampLines): string[][] {
  if (lines.length === 1) return [lines];
  const out: string[][] = [];
  let run: string[] = [];
  for (const line of lines) {
    if (isBoilerplateLine(line) || bylineOf(line, timestamps) !== null || timestamps.of(line) !== null) {
      if (run.length > 0) out.push(run);
      out.push([line]);
      run = [];
    } else run.push(line);
  }
  if (run.length > 0) out.push(run);
  return out;
}

function unwrapBlock(lines: string[]): string[] {
  if (lines.length === 1) return lines;
  if (lines.every((line) => BULLET.test(line))) return [lines.join('\n')];
  // A loop, not Math.max(...lines): a block of 130,000 lines would overflow the stack as arguments.
  let width = 0;
  for (const line of lines) if (line.length > width) width = line.length;
  const body = lines.slice(0, -1);
  const wrapped =
    width >= 40 && width <= 120 && body.filter((l) => l.length >= width * 0.6).length >= body.length * 0.6;
  if (!wrapped) return lines;
  const paragraphs: string[] = [];
  let paragraph = '';
  for (const [i, line] of lines.entries()) {
    if (BULLET.test(line) && paragraph) {
      paragraphs.push(paragraph);
      paragraph = '';
    }
    paragraph = paragraph ? joinWrapped(paragraph, line) : line;
    const next = lines[i + 1];
    // A line that ends a sentence while the next line's first word would have fitted on it
    // was ended by hand, not by the wrap: a paragraph ends there. So does a line before a bullet.
    const nextWord = next?.split(' ')[0] ?? '';
    // The next line must start as a sentence does: one that goes on in lower case is the same sentence.
    const endsParagraph =
      next === undefined ||
      (TERMINAL.test(line) && line.length + 1 + nextWord.length <= width && !/^\p{Ll}/u.test(next)) ||
      BULLET.test(next);
    if (endsParagraph) {
      paragraphs.push(paragraph);
      paragraph = '';
    }
  }
  return paragraphs;
}

function joinWrapped(left: string, right: string): string {
  // "well-" + "known": the hyphen was typed, keep it but join without a space.
  if (/\p{L}-$/u.test(left) && /^\p{Ll}/u.test(right)) return left + right;
  return `${left} ${right}`;
}
