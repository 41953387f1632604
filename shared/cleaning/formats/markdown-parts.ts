import type { Budget } from '../budget.js';
import { LIMITS, tooComplex } from '../limits.js';

/**
 * A Markdown body as parts that micromark parses one at a time, read in one
 * pass that refuses the document (TOO_COMPLEX) past a limit of
 * LIMITS.markdown. micromark keeps every event of what it parses until it
 * ends, some kilobytes per table row or link: parsed whole, a few megabytes
 * of Markdown took gigabytes. In parts, memory grows with the largest part.
 *
 * A part ends where a blank line is followed by a line that starts at its
 * first column with anything but `>`: every quote, list item, table and
 * paragraph open there has ended, so the parts parse as the whole would.
 * Fenced code and HTML blocks are never split. Reference links whose
 * definition sits in another part get a copy of it (its label: precis keeps
 * no link targets).
 */

/** Parts end at the first place they may once they are this long. */
const PART_CHARS = 32_000;

const isBlank = (line: string) => /^[ \t]*$/.test(line);

/** Quote and list markers before a line's text: `> > - 1. text` has four. */
function containers(line: string): number {
  let depth = 0;
  let i = 0;
  for (;;) {
    while (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09) i++;
    const c = line.charCodeAt(i);
    const spaceAfter = (at: number) => line.charCodeAt(at) === 0x20 || line.charCodeAt(at) === 0x09;
    if (c === 0x3e) i++;
    else if ((c === 0x2d || c === 0x2a || c === 0x2b) && spaceAfter(i + 1)) i += 2;
    else if (c >= 0x30 && c <= 0x39) {
      let j = i;
      while (j < i + 9 && line.charCodeAt(j) >= 0x30 && line.charCodeAt(j) <= 0x39) j++;
      const mark = line.charCodeAt(j);
      if ((mark !== 0x2e && mark !== 0x29) || !spaceAfter(j + 1)) return depth;
      i = j + 2;
    } else return depth;
    if (++depth > LIMITS.markdown.nesting)
      throw tooComplex('how deep Markdown quotes and lists nest', LIMITS.markdown.nesting);
  }
}

/** `*`, `_`, `[` and backticks in a line: what opens emphasis, links and code spans. */
function inlineMarkup(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x2a || c === 0x5f || c === 0x5b || c === 0x60) count++;
  }
  return count;
}

/** A table's delimiter row, `| --- | :-: |`: pipes, dashes, colons and spaces only. */
function delimiterCells(line: string): number {
  let pipes = 0;
  let dashes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x7c) pipes++;
    else if (c === 0x2d) dashes++;
    else if (c !== 0x3a && c !== 0x20 && c !== 0x09) return 0;
  }
  return pipes > 0 && dashes > 0 ? cellsOf(line, pipes) : 0;
}

/** Cells in a table row with this many pipes: one more than the pipes, less the pipes that open and close it. */
function cellsOf(line: string, pipes = line.split('|').length - 1): number {
  const trimmed = line.trim();
  return Math.max(1, pipes + 1 - Number(trimmed.startsWith('|')) - Number(trimmed.length > 1 && trimmed.endsWith('|')));
}

/** The code fence a line opens (``` or ~~~, up to three spaces in): a line of at least as many of it closes it. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const closesFence = (line: string, fence: string) => {
  const closing = FENCE.exec(line)?.[1];
  return (
    closing !== undefined &&
    closing[0] === fence[0] &&
    closing.length >= fence.length &&
    isBlank(line.slice(line.indexOf(closing) + closing.length))
  );
};
/** HTML blocks that end at a marker rather than at a blank line (CommonMark's kinds 1 to 5), with their end. */
const HTML_BLOCKS: [RegExp, RegExp][] = [
  [/^ {0,3}<(script|pre|style|textarea)(\s|>|$)/i, /<\/(script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];
const DEFINITION = /^ {0,3}\[((?:[^\\[\]]|\\.){1,999})\]:/;
const LABEL = /\[((?:[^\\[\]]|\\.){1,999})\]/g;
/** A reference label as CommonMark matches it: white space collapsed, case folded. */
const labelKey = (label: string) =>
  label
    .replace(/[\t\n\r ]+/g, ' ')
    .trim()
    .toLowerCase()
    .toUpperCase();

/** The body's parts, each to parse alone, in order; a part ends at the first place it may once `partChars` long. */
export function markdownParts(body: string, budget: Budget, partChars = PART_CHARS): string[] {
  const lines = body.split('\n');
  const parts: { lines: string[]; defined: Set<string> }[] = [];
  let part: { lines: string[]; defined: Set<string> } = { lines: [], defined: new Set() };
  let size = 0;
  /** Each definition's label, by key: the first wins, as in CommonMark. */
  const definitions = new Map<string, string>();
  let markup = 0;
  let cells = 0;
  let tableColumns = 0;
  let fence: string | null = null;
  let htmlEnd: RegExp | null = null;
  let previousBlank = true;

  for (const line of lines) {
    budget.tick('reading the Markdown’s structure');
    const blank = isBlank(line);
    const first = line.charCodeAt(0);
    const splittable =
      previousBlank &&
      !blank &&
      fence === null &&
      htmlEnd === null &&
      first !== 0x20 &&
      first !== 0x09 &&
      first !== 0x3e;
    if (splittable && size >= partChars) {
      parts.push(part);
      part = { lines: [], defined: new Set() };
      size = 0;
    }
    part.lines.push(line);
    size += line.length + 1;
    if (size > LIMITS.markdown.blockChars) {
      throw tooComplex('a stretch of Markdown with no blank line to end it (characters)', LIMITS.markdown.blockChars);
    }
    previousBlank = blank;

    if (fence !== null) {
      if (closesFence(line, fence)) fence = null;
      continue;
    }
    if (htmlEnd !== null) {
      if (htmlEnd.test(line)) htmlEnd = null;
      continue;
    }
    containers(line);
    markup += inlineMarkup(line);
    if (markup > LIMITS.markdown.inlineMarkup) {
      throw tooComplex('the number of Markdown emphasis, link and code marks', LIMITS.markdown.inlineMarkup);
    }
    const opened = FENCE.exec(line);
    if (opened) {
      fence = opened[1] as string;
      continue;
    }
    const html = HTML_BLOCKS.find(([start]) => start.test(line));
    if (html && !html[1].test(line.replace(html[0], ''))) htmlEnd = html[1];

    const definition = DEFINITION.exec(line);
    if (definition) {
      const key = labelKey(definition[1] as string);
      if (!definitions.has(key)) definitions.set(key, definition[1] as string);
      part.defined.add(key);
      if (definitions.size > LIMITS.markdown.linkDefinitions) {
        throw tooComplex('the number of Markdown link definitions', LIMITS.markdown.linkDefinitions);
      }
    }

    if (blank) tableColumns = 0;
    else if (tableColumns > 0) cells += Math.max(tableColumns, cellsOf(line));
    else if (line.includes('|')) {
      const columns = delimiterCells(line);
      // The delimiter row and the header above it.
      if (columns > 0) {
        tableColumns = columns;
        cells += 2 * columns;
      }
    }
    if (cells > LIMITS.markdown.tableCells) {
      throw tooComplex('the number of Markdown table cells', LIMITS.markdown.tableCells);
    }
  }
  parts.push(part);

  return parts.map(({ lines: partLines, defined }, index) => {
    const text = partLines.join('\n');
    // A fence or HTML block left open runs to the end: a definition put after it would be read as its text.
    if (definitions.size === 0 || (index === parts.length - 1 && (fence !== null || htmlEnd !== null))) return text;
    const borrowed = new Set<string>();
    for (const [, label] of text.matchAll(LABEL)) {
      const key = labelKey(label as string);
      if (!defined.has(key) && definitions.has(key)) borrowed.add(key);
    }
    if (borrowed.size === 0) return text;
    return `${text}\n\n${[...borrowed].map((key) => `[${definitions.get(key)}]: #`).join('\n')}\n`;
  });
}
