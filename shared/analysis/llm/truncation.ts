import { estimateTokens } from './tokens.js';
import type { Message } from './transport.js';

/**
 * Whether a server read the whole prompt. Some servers cut a prompt longer
 * than their context silently (Ollama keeps its end and reports the cut
 * `prompt_tokens`): the answer then summarises part of an article. A prompt
 * the server counted below TRUNCATION_SHARE of precis's own count was cut.
 *
 * precis's own count is OpenAI's o200k count (gpt-tokenizer): servers'
 * tokenizers differ from it by about a tenth on news text, older ones
 * counting more tokens rather than fewer, so a prompt read whole counts at
 * 0.9× or more. The estimate (tokens.ts) runs up to 1.41× of o200k and is
 * only used to skip the exact count when the server plainly read
 * everything; the tokenizer is loaded the first time a count is close.
 *
 * Tokens the server read from its prompt cache are added back: where the
 * usage reports them (`cached_tokens`), as reported. Where it does not (some
 * Ollama versions leave KV-cached tokens out of `prompt_tokens` and say
 * nothing), and the model's window is known to hold the prompt (configured,
 * or reported by the server), the longest prefix this prompt shares with one
 * sent before to the same model is allowed to be missing. With the window
 * unknown that allowance is not made: a cut of that size would pass unseen,
 * and an undercount taken for a cut only makes the article go in parts.
 * (The caller judges only a conversation's first call: a repair repeats a
 * prompt the server holds.)
 */

/** The share of precis's count a server must have read. */
export const TRUNCATION_SHARE = 0.85;
/** Prompts shorter than this are not judged: tokenizers differ too much on little text. */
export const TRUNCATION_MIN_TOKENS = 1000;
/** The estimate is at least this share of o200k's count (tokens.ts): above it, a count is plainly whole. */
const ESTIMATE_FLOOR = 0.92;

/** Tokens the server should count for a prompt: contents plus a few per message for their framing. */
export function promptTokens(messages: Message[], count: (text: string) => number = estimateTokens): number {
  return messages.reduce((sum, m) => sum + count(m.content) + 4, 3);
}

/** The prompt as one text, for finding what it shares with earlier ones. */
export const promptText = (messages: Message[]) => messages.map((m) => `${m.role}\n${m.content}`).join('\n');

/**
 * The o200k tokenizer's module, named at run time: bundlers leave such an
 * import out, so the functions' bundles do not carry its 2.7 MB of ranks
 * (their cold start would pay to parse them). Where it is not installed
 * beside the code (a bundled Lambda function), the estimate stands in,
 * taken at its lowest against o200k's count (ESTIMATE_CEILING): a cut of
 * more than about 40 % is still caught there; the local stack, the CLI and
 * the tests have the package.
 */
const TOKENIZER = ['gpt-tokenizer', 'encoding', 'o200k_base'].join('/');
/** The estimate is at most this multiple of o200k's count (tokens.ts: English, 1.41×). */
const ESTIMATE_CEILING = 1.41;

let o200k: Promise<((text: string) => number) | null> | null = null;
function exactCounter(): Promise<((text: string) => number) | null> {
  o200k ??= (import(TOKENIZER) as Promise<{ countTokens: (text: string) => number }>)
    .then((m) => m.countTokens)
    .catch(() => null);
  return o200k;
}

function sharedPrefix(text: string, earlier: readonly string[]): string {
  let longest = 0;
  for (const seen of earlier) {
    const n = Math.min(seen.length, text.length);
    let i = 0;
    while (i < n && seen.charCodeAt(i) === text.charCodeAt(i)) i++;
    longest = Math.max(longest, i);
  }
  return text.slice(0, longest);
}

export interface Reading {
  /** The prompt as sent (the first call of a conversation). */
  sent: Message[];
  /** The server's `prompt_tokens`. */
  counted: number;
  /** The cached tokens its usage reported, and whether it reported any such field. */
  cached: number;
  reportedCache: boolean;
  /** Prompts sent to the same model before, as `promptText` gives them, whose beginning the server may hold. */
  earlier: readonly string[];
}

/**
 * The tokens precis expected the server to read, when it read less than
 * TRUNCATION_SHARE of them; null when the prompt was read whole (or is too
 * short to judge).
 */
export async function shortRead(reading: Reading): Promise<{ read: number; expected: number } | null> {
  const estimate = promptTokens(reading.sent);
  if (estimate < TRUNCATION_MIN_TOKENS || reading.counted <= 0) return null;
  const read = reading.counted + reading.cached;
  if (read >= (TRUNCATION_SHARE / ESTIMATE_FLOOR) * estimate) return null;
  const exact = await exactCounter();
  const count = exact ?? ((text: string) => estimateTokens(text) / ESTIMATE_CEILING);
  const whole = promptTokens(reading.sent, count);
  const mayBeCached = reading.reportedCache ? '' : sharedPrefix(promptText(reading.sent), reading.earlier);
  const expected = Math.round(whole - (mayBeCached ? count(mayBeCached) : 0));
  return read >= TRUNCATION_SHARE * expected ? null : { read, expected };
}
