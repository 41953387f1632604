import { countTokens } from 'gpt-tokenizer';
import { splitSentences } from '../sentences.js';

/** Tokens of a text as OpenAI's current models count them (o200k_base). */
export function tokenCount(text: string): number {
  return countTokens(text);
}

/**
 * Splits a text into parts of at most `maxTokens` tokens on paragraph
 * boundaries; a paragraph longer than that is split between sentences. No
 * text is dropped: the parts joined with blank lines are the text.
 */
export function chunkText(text: string, maxTokens: number, language?: string | null): string[] {
  const units: string[] = [];
  for (const paragraph of text.split(/\n{2,}/)) {
    if (tokenCount(paragraph) <= maxTokens) {
      units.push(paragraph);
      continue;
    }
    let part = '';
    for (const sentence of splitSentences(paragraph, language).map((s) => s.text)) {
      const candidate = part ? `${part} ${sentence}` : sentence;
      if (part && tokenCount(candidate) > maxTokens) {
        units.push(part);
        part = sentence;
      } else {
        part = candidate;
      }
    }
    if (part) units.push(part);
  }
  const chunks: string[] = [];
  let current = '';
  for (const unit of units) {
    const candidate = current ? `${current}\n\n${unit}` : unit;
    if (current && tokenCount(candidate) > maxTokens) {
      chunks.push(current);
      current = unit;
    } else {
      current = candidate;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
