import { countTokens } from 'gpt-tokenizer';
import { splitSentences } from '../sentences.js';

/** Tokens of a text as OpenAI's current models count them (o200k_base). */
export function tokenCount(text: string): number {
  return countTokens(text);
}

/** Joins consecutive pieces with `separator` into parts of at most `maxTokens` tokens (a larger piece stays alone). */
function pack(pieces: string[], separator: string, maxTokens: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const candidate = current ? `${current}${separator}${piece}` : piece;
    if (current && tokenCount(candidate) > maxTokens) {
      parts.push(current);
      current = piece;
    } else {
      current = candidate;
    }
  }
  if (current) parts.push(current);
  return parts;
}

/**
 * Splits a text into parts of at most `maxTokens` tokens on paragraph
 * boundaries; a paragraph longer than that is split between sentences. No
 * text is dropped: the parts joined with blank lines are the text.
 */
export function chunkText(text: string, maxTokens: number, language?: string | null): string[] {
  const units = text.split(/\n{2,}/).flatMap((paragraph) =>
    tokenCount(paragraph) <= maxTokens
      ? [paragraph]
      : pack(
          splitSentences(paragraph, language).map((s) => s.text),
          ' ',
          maxTokens,
        ),
  );
  return pack(units, '\n\n', maxTokens);
}
