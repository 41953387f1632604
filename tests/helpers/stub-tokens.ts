import { countTokens } from 'gpt-tokenizer';

/** How many texts the count keeps (a request's messages, schema and cached prefix, for the last requests). */
const KEPT = 512;
const counted = new Map<string, number>();

/**
 * A text's tokens in OpenAI's o200k count, a text met lately counted once.
 * A server tokenizes a prompt once to run it, and reports its usage, its
 * cached prefix and its context check from that one reading; the stand-in
 * counts the same prompt for each of these, and the schema and the system
 * prompt of every request of a kind are the same text. Counting each again
 * was about half of the stand-in's CPU in a burst of uploads (bench/uploads.ts),
 * on the cores the stack shares with it.
 */
export function tokensOf(text: string): number {
  const known = counted.get(text);
  if (known !== undefined) return known;
  const count = countTokens(text);
  if (counted.size >= KEPT) counted.delete(counted.keys().next().value as string);
  counted.set(text, count);
  return count;
}
