import { segments } from '../segment.js';

/**
 * Characters that carry no text: zero-width spaces, word joiners, the BOM,
 * soft hyphens and bidi controls left by copy and paste. ZWNJ and ZWJ stay:
 * Persian, Kurdish and Indic scripts need them.
 */
const INVISIBLE = /[\u00ad\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Every space that is not a plain space or a line break. */
const ODD_SPACES = /[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/** One line of text: Unicode NFC, no invisible characters, single spaces, trimmed. */
export function normalizeLine(line: string): string {
  return line.normalize('NFC').replace(INVISIBLE, '').replace(ODD_SPACES, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Line endings to \n, and the line separators of Unicode too. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?|\u2028|\u2029|\u0085/g, '\n');
}

/** Paragraphs separated by one blank line, each paragraph one normalised line. */
export function joinParagraphs(paragraphs: string[]): string {
  return paragraphs
    .map(normalizeLine)
    .filter((p) => p.length > 0)
    .join('\n\n');
}

/** Letters and digits only, lower case: to compare strings that differ in punctuation, quotes or spacing. */
export function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Counts words the way a reader would, in any script (CJK included). */
export function countWords(text: string, language?: string | null): number {
  let count = 0;
  for (const segment of segments(text, 'word', language)) if (segment.isWordLike) count++;
  return count;
}
