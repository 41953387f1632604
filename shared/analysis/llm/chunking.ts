import { splitSentences } from '../sentences.js';
import { estimateTokens } from './tokens.js';

/**
 * Joins consecutive pieces with `separator` into parts of at most
 * `maxTokens` tokens (a larger piece stays alone). Each piece is counted
 * once: a part's count is the sum of its pieces' and separators'.
 */
function pack(pieces: string[], separator: string, maxTokens: number): string[] {
  const separatorTokens = estimateTokens(separator);
  const parts: string[] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const piece of pieces) {
    const size = estimateTokens(piece);
    if (current.length > 0 && tokens + separatorTokens + size > maxTokens) {
      parts.push(current.join(separator));
      current = [];
      tokens = 0;
    }
    tokens += (current.length > 0 ? separatorTokens : 0) + size;
    current.push(piece);
  }
  if (current.length > 0) parts.push(current.join(separator));
  return parts;
}

/**
 * Splits a text into parts of at most `maxTokens` tokens on paragraph
 * boundaries; a paragraph longer than that is split between sentences. No
 * text is dropped: the parts joined with blank lines are the text.
 */
export function chunkText(text: string, maxTokens: number, language?: string | null): string[] {
  const units = text.split(/\n{2,}/).flatMap((paragraph) =>
    estimateTokens(paragraph) <= maxTokens
      ? [paragraph]
      : pack(
          splitSentences(paragraph, language).map((s) => s.text),
          ' ',
          maxTokens,
        ),
  );
  return pack(units, '\n\n', maxTokens);
}
