import { countTokens } from 'gpt-tokenizer';
import { keptByText } from '../../shared/kept-by-text.js';

/**
 * A line's tokens in OpenAI's o200k count, a line met lately counted once
 * (the last 4,096).
 */
const lineCount: (text: string) => number = keptByText((text) => countTokens(text), 4096);

/**
 * Where a text can be cut without changing its count: after a line break
 * and before a character that is neither white space nor `/`. o200k's
 * pre-tokenizer ends a piece there whatever follows (none of its pieces
 * holds a line break followed by anything but white space or `/`, and it
 * reads no character before a piece's start), and the piece before it is
 * the same whether the text goes on or ends there: so the count of the
 * whole is the sum of the counts of the lines cut there
 * (tests/unit/helpers/stub-same.test.ts checks it against the count of the
 * whole, and that a cut at every line break would not do).
 */
const CUT = /\n(?=[^\s/])/g;

/**
 * A text's tokens in OpenAI's o200k count, counted line by line (CUT), a
 * line met lately counted once. A server tokenizes a prompt once to run it,
 * and reports its usage, its cached prefix and its context check from that
 * one reading; the stand-in counts the same prompt for each of these, and
 * the prompts of a kind share most of their lines (the schema, the system
 * prompt). Counting each again was about half of the stand-in's CPU in a
 * burst of uploads (bench/uploads.ts), on the cores the stack shares with
 * it. The cached prefix of a prompt, a new text at each request, is counted
 * from its lines too: all but its last were counted before.
 */
export function tokensOf(text: string): number {
  let count = 0;
  let from = 0;
  for (const cut of text.matchAll(CUT)) {
    count += lineCount(text.slice(from, cut.index + 1));
    from = cut.index + 1;
  }
  return count + lineCount(from === 0 ? text : text.slice(from));
}
