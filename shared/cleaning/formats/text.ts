import type { Budget } from '../budget.js';
import type { ParsedDocument } from '../document.js';
import { splitParagraphs } from '../plaintext.js';

/** Pasted or plain text: paragraphs by blank lines, hard wraps rejoined; it states nothing about itself. */
export function parseText(text: string, budget?: Budget): ParsedDocument {
  return { paragraphs: splitParagraphs(text, budget), metadata: {}, page: false };
}
