/**
 * How figures are written in running text, for every part that reads them
 * (the claims' scores and duplicates, the figure checks): thousands grouped
 * by commas, dots or spaces, and the spaces may be a no-break space, the
 * narrow no-break space French typesetting uses, or a thin space
 * ("1 200", "12 500 000"); a decimal comma or dot ("2,5 %", "4.5").
 */

/** The characters that group thousands when a space does: " ", U+00A0, U+202F, U+2009. */
export const GROUP_SPACE = '[ \\u00a0\\u202f\\u2009]';

/** A figure as written, any script's digits: "1,200", "2,5", "4.5", "1 200", "12 500 000,75". */
export const FIGURE = new RegExp(
  `\\p{Nd}{1,3}(?:${GROUP_SPACE}\\p{Nd}{3})+(?!\\p{Nd})(?:[.,]\\p{Nd}+)?|\\p{Nd}+(?:[.,]\\p{Nd}+)*`,
  'gu',
);

const GROUP_SPACES = new RegExp(GROUP_SPACE, 'gu');
const SPACED_GROUP = new RegExp(`(?<![\\d.,])(\\d{1,3})${GROUP_SPACE}(?=\\d{3}(?!\\d))`, 'g');

/** "1 200" → "1200" in a text of ASCII digits: spaced thousands joined, so that they read as one figure. */
export function joinSpacedThousands(text: string): string {
  return text.replace(SPACED_GROUP, '$1');
}

/** The figures of a text as written, their grouping spaces taken out ("1 200" and "1200" are the same figure). */
export function figuresIn(text: string): string[] {
  return (text.match(FIGURE) ?? []).map((figure) => figure.replace(GROUP_SPACES, ''));
}
