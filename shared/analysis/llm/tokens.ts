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

const PIECES =
  /(\p{Script=Latin}+)|(\p{Script=Cyrillic}+)|(\p{Script=Arabic}[\p{Script=Arabic}\p{M}]*)|([\p{Script=Greek}\p{Script=Hebrew}]+)|([\p{Script=Devanagari}\p{Script=Bengali}][\p{Script=Devanagari}\p{Script=Bengali}\p{M}]*)|([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])|(\p{L}[\p{L}\p{M}]*)|(\p{N}+)|(\s+)|([^\s\p{L}\p{N}])/gu;

/** How far the estimate is raised above the fitted one. */
export const TOKEN_ESTIMATE_MARGIN = 1.2;

/** The fitted count, before the margin. */
function fitted(text: string): number {
  let tokens = 0;
  for (const m of text.matchAll(PIECES)) {
    const piece = m[0];
    if (m[1] !== undefined) {
      // Latin: a quarter of a token per ASCII letter; accented letters split words into more pieces.
      let ascii = 0;
      for (let i = 0; i < piece.length; i++) {
        const c = piece.charCodeAt(i) | 32;
        if (c >= 97 && c <= 122) ascii++;
      }
      tokens += 0.255 * ascii + 0.81 * (piece.length - ascii);
    } else if (m[2] !== undefined) tokens += 0.17 + 0.32 * piece.length;
    else if (m[3] !== undefined) tokens += 0.59 + 0.25 * piece.length;
    else if (m[4] !== undefined) tokens += 0.38 + 0.385 * piece.length;
    else if (m[5] !== undefined) tokens += 0.12 + 0.37 * piece.length;
    else if (m[6] !== undefined) tokens += 0.83;
    else if (m[7] !== undefined) tokens += 0.3 * piece.length;
    else if (m[8] !== undefined) tokens += Math.ceil(piece.length / 3);
    else if (m[10] !== undefined) tokens += 0.63;
  }
  return tokens;
}

/** About how many tokens OpenAI's current models (o200k_base) count in a text; rarely fewer than they do. */
export function estimateTokens(text: string): number {
  return Math.ceil(keptFitted(text) * TOKEN_ESTIMATE_MARGIN);
}

/**
 * The fitted counts of the long texts counted last: a call's prompt is counted when its input budget is
 * checked, when it is admitted and when its answer's usage is read, its article before it is numbered.
 */
const keptFitted = keptByText(fitted, 16, 1_000);
