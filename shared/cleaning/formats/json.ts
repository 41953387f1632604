import * as z from 'zod';
import { InvalidInputError } from '../../errors.js';
import type { Budget } from '../budget.js';
import { parseDate } from '../dates.js';
import type { DocumentMetadata, ParsedDocument } from '../document.js';
import { jsonNestsPast, LIMITS, tooComplex } from '../limits.js';
import { parseHtml } from './html.js';
import { parseText } from './text.js';

const jsonArticleSchema = z
  .object({
    title: z.string().nullish(),
    url: z.string().nullish(),
    publishedAt: z.string().nullish(),
    byline: z.string().nullish(),
    author: z.string().nullish(),
    site: z.string().nullish(),
    body: z.string().nullish(),
    html: z.string().nullish(),
  })
  .refine((value) => Boolean(value.body?.trim() || value.html?.trim()), {
    message: 'a non-empty "body" or "html" field is required',
  });

/**
 * A JSON article, `{title?, url?, publishedAt?, byline? | author?, site?, body | html}`:
 * the body as pasted text, or the html as a web page; what the JSON states
 * wins over what is read from its content. Throws INVALID_JSON otherwise.
 */
export function parseJsonArticle(text: string, budget?: Budget): ParsedDocument {
  checkJsonDepth(text);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError('INVALID_JSON', `The JSON file is malformed: ${(error as Error).message}`, error);
  }
  const parsed = jsonArticleSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ');
    throw new InvalidInputError(
      'INVALID_JSON',
      `The JSON article is not of the form {title?, url?, publishedAt?, body | html}: ${detail}`,
    );
  }
  const doc = parsed.data;
  const given = {
    title: doc.title?.trim() || null,
    url: doc.url?.trim() || null,
    publishedAt: doc.publishedAt ? parseDate(doc.publishedAt) : null,
    byline: (doc.byline ?? doc.author)?.trim() || null,
    site: doc.site?.trim() || null,
  };
  const inner = doc.html?.trim() ? parseHtml(doc.html, budget) : parseText(doc.body ?? '', budget);
  const metadata: DocumentMetadata = { ...inner.metadata };
  for (const [key, value] of Object.entries(given)) if (value) metadata[key as keyof typeof given] = value;
  return { ...inner, metadata };
}

/** Throws TOO_COMPLEX when arrays and objects nest deeper than LIMITS.json.depth (brackets in strings do not count). */
function checkJsonDepth(text: string): void {
  if (jsonNestsPast(text, LIMITS.json.depth)) throw tooComplex('how deep the JSON nests', LIMITS.json.depth);
}
