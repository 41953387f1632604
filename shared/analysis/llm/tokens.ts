/**
 * Tokens of a text, estimated without a tokenizer: OpenAI's o200k table is
 * 2.7 MB, too much to load at every cold start to decide whether an article
 * needs splitting. The estimate adds a cost per letter and per word for each
 * script, fitted (least squares on the log ratio) to o200k counts of news
 * text in 24 languages (half of the language-ID sentences and 60 CNN/DM
 * articles), then raised by a margin so that it rarely counts fewer tokens
 * than a server does: on the held-out half it lies between 0.92× (Swahili)
 * and 1.41× (English) of o200k's count. tests/unit/analysis/tokens.test.ts
 * checks it against gpt-tokenizer. The server's own count, in each
 * answer's usage, is what is billed; `structured.ts` compares the two.
 *
 * One pass over the text, and additive: the estimate of a text is the sum
 * of its pieces' (give or take a separator's), which keeps chunking linear.
 */

import { keptByText } from '../../kept-by-text.js';
import { once } from '../../lazily.js';
import { unicodePattern } from '../../unicode-pattern.js';

/**
 * The pieces a text is counted by: a run of Latin letters, of Cyrillic, of
 * Arabic (with its marks), of Greek or Hebrew, of Devanagari or Bengali
 * (with their marks), one Han, kana or Hangul character, a run of letters
 * of another script (with marks), of digits, of white space, and any other
 * character alone.
 *
 * Built on first use, and only for a text with a character outside the
 * blocks fittedByScan reads: its ten `\p{Script=…}` classes cost the
 * analyze function about 10M instructions at every cold start, most of it
 * ICU loading its script data.
 */
const PIECES = once(() =>
  unicodePattern(
    String.raw`(\p{Script=Latin}+)|(\p{Script=Cyrillic}+)|(\p{Script=Arabic}[\p{Script=Arabic}\p{M}]*)|([\p{Script=Greek}\p{Script=Hebrew}]+)|([\p{Script=Devanagari}\p{Script=Bengali}][\p{Script=Devanagari}\p{Script=Bengali}\p{M}]*)|([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])|(\p{L}[\p{L}\p{M}]*)|(\p{N}+)|(\s+)|([^\s\p{L}\p{N}])`,
    'gu',
  ),
);

/** How far the estimate is raised above the fitted one. */
export const TOKEN_ESTIMATE_MARGIN = 1.2;

/** A Latin run's tokens: a quarter of a token per ASCII letter; accented letters split words into more pieces. */
const latinTokens = (ascii: number, length: number) => 0.255 * ascii + 0.81 * (length - ascii);
/** A run of letters of a script not fitted on its own. */
const letterTokens = (length: number) => 0.3 * length;
/** A run of digits: about three to a token. */
const numberTokens = (length: number) => Math.ceil(length / 3);
/** Any other character that is not white space. */
const OTHER_TOKENS = 0.63;

/*
 * What PIECES says of each character of the blocks the scan reads (Basic
 * Latin to Combining Diacritical Marks, Latin Extended Additional, General
 * Punctuation, Superscripts and Subscripts, Currency Symbols): a letter of
 * the Latin script, a letter of no script of its own (the modifier letters
 * of Spacing Modifier Letters, the micro sign: \p{L} of the Common script),
 * a mark (\p{M}), a number (\p{N}), white space (\s), or another character
 * (0). Written as ranges, not read from ICU; a test checks every code point
 * against the pattern.
 */
const LATIN = 1;
const LETTER = 2;
const MARK = 4;
const NUMBER = 8;
const SPACE = 16;
/** A character the scan does not know: the text is counted by PIECES from the start of the piece it is in. */
const UNREAD = 32;

const SCANNED = new Uint8Array(0x20d0).fill(UNREAD, 0x370, 0x1e00).fill(UNREAD, 0x1f00, 0x2000);
for (const [from, to, kind] of [
  [0x09, 0x0d, SPACE],
  [0x20, 0x20, SPACE],
  [0x30, 0x39, NUMBER],
  [0x41, 0x5a, LATIN],
  [0x61, 0x7a, LATIN],
  [0xa0, 0xa0, SPACE],
  [0xaa, 0xaa, LATIN],
  [0xb2, 0xb3, NUMBER],
  [0xb5, 0xb5, LETTER],
  [0xb9, 0xb9, NUMBER],
  [0xba, 0xba, LATIN],
  [0xbc, 0xbe, NUMBER],
  [0xc0, 0xd6, LATIN],
  [0xd8, 0xf6, LATIN],
  [0xf8, 0x2b8, LATIN],
  [0x2b9, 0x2c1, LETTER],
  [0x2c6, 0x2d1, LETTER],
  [0x2e0, 0x2e4, LATIN],
  [0x2ec, 0x2ec, LETTER],
  [0x2ee, 0x2ee, LETTER],
  [0x300, 0x36f, MARK],
  [0x1e00, 0x1eff, LATIN],
  [0x2000, 0x200a, SPACE],
  [0x2028, 0x2029, SPACE],
  [0x202f, 0x202f, SPACE],
  [0x205f, 0x205f, SPACE],
  [0x2070, 0x2070, NUMBER],
  [0x2071, 0x2071, LATIN],
  [0x2074, 0x2079, NUMBER],
  [0x207f, 0x207f, LATIN],
  [0x2080, 0x2089, NUMBER],
  [0x2090, 0x209c, LATIN],
] as const)
  SCANNED.fill(kind, from, to + 1);

/** What the scan knows of the character at `index`: UNREAD past SCANNED's blocks, nothing (0) past the text's end. */
function kindAt(text: string, index: number): number {
  if (index >= text.length) return 0;
  const code = text.charCodeAt(index);
  return code < SCANNED.length ? (SCANNED[code] as number) : UNREAD;
}

/**
 * The fitted count of PIECES's pieces, read by a scan of char codes: the
 * same pieces, each counted by the same expression and added in the same
 * order, so the same number to the last bit. At the first character
 * outside SCANNED's blocks (a surrogate among them) PIECES counts the
 * rest, from the start of the piece the scan was in: as its match would
 * have started there, the count is PIECES's over the whole text.
 */
function fittedByScan(text: string): number {
  let tokens = 0;
  let index = 0;
  while (index < text.length) {
    const start = index;
    const kind = kindAt(text, index);
    if (kind === LATIN) {
      let ascii = 0;
      let next = kind;
      do {
        // Only A-Z and a-z are letters of the Latin script below 128.
        if (text.charCodeAt(index) < 128) ascii++;
        next = kindAt(text, ++index);
      } while (next === LATIN);
      if (next & UNREAD) return fittedByPattern(text, start, tokens);
      tokens += latinTokens(ascii, index - start);
    } else if (kind === LETTER) {
      let next = kind;
      do next = kindAt(text, ++index);
      while (next & (LATIN | LETTER | MARK));
      if (next & UNREAD) return fittedByPattern(text, start, tokens);
      tokens += letterTokens(index - start);
    } else if (kind === NUMBER || kind === SPACE) {
      let next = kind;
      do next = kindAt(text, ++index);
      while (next === kind);
      if (next & UNREAD) return fittedByPattern(text, start, tokens);
      if (kind === NUMBER) tokens += numberTokens(index - start);
    } else if (kind & UNREAD) {
      return fittedByPattern(text, start, tokens);
    } else {
      // A mark with no letter before it in its piece, or a character that is no letter, number or space.
      tokens += OTHER_TOKENS;
      index++;
    }
  }
  return tokens;
}

/** `tokens` and the fitted count of PIECES's pieces in `text` from `from` on, added one by one. */
function fittedByPattern(text: string, from: number, tokens: number): number {
  const pieces = PIECES();
  pieces.lastIndex = from;
  for (let m = pieces.exec(text); m !== null; m = pieces.exec(text)) {
    const piece = m[0];
    if (m[1] !== undefined) {
      let ascii = 0;
      for (let i = 0; i < piece.length; i++) {
        const c = piece.charCodeAt(i) | 32;
        if (c >= 97 && c <= 122) ascii++;
      }
      tokens += latinTokens(ascii, piece.length);
    } else if (m[2] !== undefined) tokens += 0.17 + 0.32 * piece.length;
    else if (m[3] !== undefined) tokens += 0.59 + 0.25 * piece.length;
    else if (m[4] !== undefined) tokens += 0.38 + 0.385 * piece.length;
    else if (m[5] !== undefined) tokens += 0.12 + 0.37 * piece.length;
    else if (m[6] !== undefined) tokens += 0.83;
    else if (m[7] !== undefined) tokens += letterTokens(piece.length);
    else if (m[8] !== undefined) tokens += numberTokens(piece.length);
    else if (m[10] !== undefined) tokens += OTHER_TOKENS;
  }
  return tokens;
}

/** The fitted count of a text, before the margin: what the estimate raises and rounds up. */
export function fittedTokens(text: string): number {
  return fittedByScan(text);
}

/** About how many tokens OpenAI's current models (o200k_base) count in a text; rarely fewer than they do. */
export function estimateTokens(text: string): number {
  return Math.ceil(keptFitted(text) * TOKEN_ESTIMATE_MARGIN);
}

/**
 * The fitted counts of the long texts counted last: a call's prompt is counted when its input budget is
 * checked, when it is admitted and when its answer's usage is read, its article before it is numbered.
 */
const keptFitted = keptByText(fittedByScan, 16, 1_000);
