/**
 * Cutting a text short, marked with an ellipsis: one rule for every place
 * that does it (the API's messages, the CLI's tables, the metadata a prompt
 * or a cleaned article keeps, the offline headline). Each caller keeps its
 * own limit.
 *
 * Limits count code points, not graphemes: a limit is there to bound a size
 * (a record, a prompt, a line), and a grapheme can be any length (one letter
 * with ten thousand combining marks is one), so only code points bound it.
 * Nor UTF-16 units, which split a character outside the basic plane in two.
 * The cut itself still falls between graphemes, so no letter loses its
 * accent and no flag or emoji sequence is split; only a single grapheme
 * longer than the whole limit is cut inside.
 */

const ELLIPSIS = '…';

let graphemes: Intl.Segmenter | undefined;

/** A cut marked as one: white space it ends with off, then the ellipsis. */
export function ellipsized(head: string): string {
  return `${head.trimEnd()}${ELLIPSIS}`;
}

/**
 * `text` if it has at most `max` code points; else cut to `max` code points
 * at most, the ellipsis included. With `atSpace`, the cut moves back to the
 * last space when one is in the kept part's last fifth, so no word is cut
 * that need not be.
 */
export function truncate(text: string, max: number, options: { atSpace?: boolean } = {}): string {
  if (text.length <= max || offsetAfter(text, max) === text.length) return text;
  let cut = graphemeStart(text, offsetAfter(text, Math.max(max - 1, 0)));
  if (options.atSpace) {
    const space = text.lastIndexOf(' ', cut);
    if (space > cut * 0.8) cut = space;
  }
  return ellipsized(text.slice(0, cut));
}

/** The offset (in UTF-16 units) just past the first `count` code points, or the text's length if it has fewer. */
function offsetAfter(text: string, count: number): number {
  let offset = 0;
  for (let n = 0; n < count && offset < text.length; n += 1) {
    offset += (text.codePointAt(offset) as number) > 0xffff ? 2 : 1;
  }
  return offset;
}

/**
 * `offset`, or the start of the grapheme it falls inside. Whether a grapheme
 * boundary lies before a character depends only on the text before it and on
 * that character, so only that much is segmented.
 */
function graphemeStart(text: string, offset: number): number {
  if (offset === 0 || offset >= text.length) return offset;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  const next = (text.codePointAt(offset) as number) > 0xffff ? 2 : 1;
  const start = graphemes.segment(text.slice(0, offset + next)).containing(offset)?.index ?? offset;
  // A grapheme longer than the whole limit: cut inside it rather than keep nothing.
  return start > 0 ? start : offset;
}
