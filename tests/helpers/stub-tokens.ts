import { countTokens } from 'gpt-tokenizer';
import { keptByText } from '../../shared/kept-by-text.js';

/**
 * A text's tokens in OpenAI's o200k count, a text met lately counted once
 * (the last 512: a request's messages, schema and cached prefix, for the
 * last requests). A server tokenizes a prompt once to run it, and reports
 * its usage, its cached prefix and its context check from that one reading;
 * the stand-in counts the same prompt for each of these, and the schema and
 * the system prompt of every request of a kind are the same text. Counting
 * each again was about half of the stand-in's CPU in a burst of uploads
 * (bench/uploads.ts), on the cores the stack shares with it.
 */
export const tokensOf: (text: string) => number = keptByText((text) => countTokens(text), 512);
