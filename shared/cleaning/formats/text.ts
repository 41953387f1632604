import type { ParsedDocument } from '../document.js';
import { splitParagraphs } from '../plaintext.js';

/** Pasted or plain text: paragraphs by blank lines, hard wraps rejoined; it states nothing about itself. */
export function parseText(text: string): ParsedDocument {
  return { paragraphs: splitParagraphs(text), metadata: {}, page: false };
}
