import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ArticleMetadata, SourceFormat } from '../article.js';
import { InvalidInputError } from '../errors.js';
import { LANGUAGE_CODE } from '../languages.js';
import { parseDate } from './dates.js';
import { decodeBytes } from './decode.js';
import { type HtmlDocument, parseHtmlArticle } from './html.js';
import { detectLanguage } from './language.js';
import { parseMarkdown } from './markdown.js';
import { countWords, joinParagraphs, normalizeLine } from './normalize.js';
import { cleanParagraphs, type PasteFindings, splitParagraphs } from './plaintext.js';

import { CLEANER_VERSION } from './version.js';

export { CLEANER_VERSION };

export interface CleanedArticle extends ArticleMetadata {
  text: string;
  format: SourceFormat;
  encoding: string;
  /** sha256 of the cleaned text: identical content has the same hash. */
  contentHash: string;
  wordCount: number;
  cleanerVersion: string;
}

export interface CleanOptions {
  /** The file name or object key: its extension tells the format. */
  name: string;
  /** Languages to choose among (ISO 639-1); the default list when omitted. */
  languages?: readonly string[];
}

const EXTENSIONS: Record<string, SourceFormat> = {
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
  json: 'json',
};

export function formatFromName(name: string): SourceFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return ext ? (EXTENSIONS[ext] ?? null) : null;
}

/** A format from the content itself, for names without a known extension. */
function sniffFormat(text: string): SourceFormat {
  const start = text.trimStart().slice(0, 512).toLowerCase();
  if (start.startsWith('{')) return 'json';
  if (/^<(!doctype html|html|head|body|\?xml)/.test(start) || /<(p|div|article|body)[\s>]/.test(text.slice(0, 4096)))
    return 'html';
  if (/^(#{1,6} |---\n)/.test(start)) return 'markdown';
  return 'text';
}

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

interface Parsed {
  paragraphs: string[];
  found: HtmlDocument['found'];
  /** Whether the body came from HTML (a page) rather than a paste. */
  html?: boolean;
}

function parseJsonArticle(text: string): Parsed {
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
  const inner: Parsed = doc.html?.trim()
    ? { ...parseHtmlArticle(doc.html), html: true }
    : { paragraphs: splitParagraphs(doc.body ?? ''), found: {} };
  // What the JSON states wins over what is read from its content.
  const found = { ...inner.found };
  for (const [key, value] of Object.entries(given)) if (value) (found as Record<string, unknown>)[key] = value;
  return { ...inner, found };
}

function pageLanguage(lang: string | null | undefined, candidates?: readonly string[]): string | null {
  const code = lang?.toLowerCase().split(/[-_]/)[0];
  return code && LANGUAGE_CODE.test(code) && (!candidates || candidates.includes(code)) ? code : null;
}

function parse(format: SourceFormat, text: string): Parsed {
  switch (format) {
    case 'html':
      return { ...parseHtmlArticle(text), html: true };
    case 'markdown':
      return parseMarkdown(text);
    case 'json':
      return parseJsonArticle(text);
    case 'text':
      return { paragraphs: splitParagraphs(text), found: {} };
  }
}

/**
 * Cleans one document into article text and metadata.
 *
 * 1. Refuse empty and binary input; decode the bytes (BOM, declared charset, UTF-8, detection).
 * 2. Tell the format from the name, else from the content.
 * 3. Parse: HTML main content with Readability; Markdown to paragraphs; JSON by its fields.
 * 4. Remove pasted artifacts (repeated headline, timestamp, dateline, site name, share lines).
 * 5. Detect the language from the text, hash the text, count its words.
 */
export function cleanDocument(bytes: Uint8Array, options: CleanOptions): CleanedArticle {
  if (bytes.length === 0) throw new InvalidInputError('EMPTY_OBJECT', 'The file is empty (0 bytes).');
  const named = formatFromName(options.name);
  const decoded = decodeBytes(bytes, { html: named === null || named === 'html' || named === 'json' });
  const format = named ?? sniffFormat(decoded.text);
  const parsed = parse(format, decoded.text);

  const known: Partial<PasteFindings> = {
    title: parsed.found.title ? normalizeLine(parsed.found.title) : null,
    byline: parsed.found.byline ? normalizeLine(parsed.found.byline) : null,
    publishedAt: parsed.found.publishedAt ?? null,
    site: parsed.found.site ? normalizeLine(parsed.found.site) : null,
  };
  const cleaned = cleanParagraphs(parsed.paragraphs.map(normalizeLine), known, { datelines: !parsed.html });
  const text = joinParagraphs(cleaned.paragraphs);
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new InvalidInputError('NO_ARTICLE_TEXT', 'No article text was found in the document.');
  }
  // The text decides; a page's lang attribute only speaks when the text is too short to tell.
  const language = detectLanguage(text, options.languages) ?? pageLanguage(parsed.found.lang, options.languages);
  return {
    text,
    format,
    encoding: decoded.encoding,
    title: cleaned.title,
    byline: cleaned.byline,
    publishedAt: cleaned.publishedAt,
    site: cleaned.site,
    url: parsed.found.url ?? null,
    language,
    contentHash: createHash('sha256').update(text).digest('hex'),
    wordCount: countWords(text, language),
    cleanerVersion: CLEANER_VERSION,
  };
}
