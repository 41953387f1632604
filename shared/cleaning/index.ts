import { createHash } from 'node:crypto';
import type { ArticleMetadata, SourceFormat } from '../article.js';
import { InvalidInputError } from '../errors.js';
import { LANGUAGE_CODE } from '../languages.js';
import { DEFAULT_MAX_OBJECT_BYTES } from '../limits.js';
import { Budget } from './budget.js';
import { decodeBytes } from './decode.js';
import type { ParsedDocument } from './document.js';
import { parseHtml } from './formats/html.js';
import { parseJsonArticle } from './formats/json.js';
import { parseMarkdown } from './formats/markdown.js';
import { formatFromName } from './formats/names.js';
import { parseText } from './formats/text.js';
import { gunzipped } from './gzip.js';
import { detectLanguage, loadLanguageModels } from './language.js';
import { bounded, METADATA_MAX_CHARS } from './metadata-bounds.js';
import { countWords, joinParagraphs, normalizeLine } from './normalize.js';
import { cleanParagraphs, type PasteFindings } from './paste-rules.js';
import { CLEANER_VERSION } from './version.js';

export { CLEANER_VERSION, formatFromName, loadLanguageModels };

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
  /** More words than this is TOO_LONG; no limit when omitted. */
  maxWords?: number;
  /** Epoch ms the cleaning must end by: checked between its steps and in its long loops, past it is STAGE_TIMEOUT. */
  deadline?: number;
  /** The most bytes a compressed (gzip) upload may have once uncompressed (PRECIS_MAX_OBJECT_BYTES; its default when omitted). */
  maxBytes?: number;
}

/**
 * Characters per word no language's text exceeds on average, white space
 * included: a text longer than this many times the word limit is TOO_LONG
 * before its words are counted.
 */
const MAX_CHARS_PER_WORD = 16;

function tooLong(words: number, maxWords: number): InvalidInputError {
  return new InvalidInputError(
    'TOO_LONG',
    `The article text has ${words.toLocaleString('en')} words, more than the limit of ${maxWords.toLocaleString('en')} words.`,
  );
}

/** The most characters in a row with no white space between them. */
function longestRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/\S+/g)) if (m[0].length > longest) longest = m[0].length;
  return longest;
}

/**
 * TOO_LONG for a text longer in characters than the word limit allows (its
 * words uncounted): says how long it is, and when one run of it has no space
 * (a 4.9 MB "word"), how long that run is, since "more than N words" would
 * not be true of it.
 */
function tooManyCharacters(
  text: string,
  maxWords: number,
  counted = `${text.length.toLocaleString('en')} characters`,
): InvalidInputError {
  const limit = maxWords * MAX_CHARS_PER_WORD;
  const run = longestRun(text);
  const unspaced =
    run > limit
      ? `; ${run.toLocaleString('en')} of them run without a space, a single "word" longer than the whole limit`
      : '';
  return new InvalidInputError(
    'TOO_LONG',
    `The article text has ${counted}, more than the ${limit.toLocaleString('en')} (${MAX_CHARS_PER_WORD} a word) that the limit of ${maxWords.toLocaleString('en')} words allows${unspaced}.`,
  );
}

/**
 * Letters and digits of ASCII in a text, in one pass over char codes.
 * Cleaning a plain text keeps each of them but those in the lines it removes
 * as furniture, so the count bounds the cleaned text's length from below
 * unless most of the text is furniture: a text with more than the limit
 * allows is refused as it came (docs/configuration.md says so).
 */
function asciiLettersAndDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 0x20;
    if ((lower >= 0x61 && lower <= 0x7a) || (c >= 0x30 && c <= 0x39)) count++;
  }
  return count;
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

function pageLanguage(lang: string | null | undefined, candidates?: readonly string[]): string | null {
  const code = lang?.toLowerCase().split(/[-_]/)[0];
  return code && LANGUAGE_CODE.test(code) && (!candidates || candidates.includes(code)) ? code : null;
}

/** Each format's parser: paragraphs and what the document states about itself. */
const PARSERS: Record<SourceFormat, (text: string, budget: Budget) => ParsedDocument> = {
  html: parseHtml,
  markdown: parseMarkdown,
  json: parseJsonArticle,
  text: parseText,
};

/**
 * Cleans one document into article text and metadata.
 *
 * 1. Refuse empty and binary input; decode the bytes (BOM, declared charset, UTF-8, detection).
 * 2. Tell the format from the name, else from the content. A plain text with more ASCII letters and digits than
 *    the word limit allows characters is TOO_LONG here, unparsed.
 * 3. Parse: HTML main content with Readability; Markdown to paragraphs; JSON by its fields. A document
 *    past a structure limit (limits.ts) is refused before it is parsed (TOO_COMPLEX).
 * 4. Remove pasted artifacts (repeated headline, timestamp, dateline, site name, share lines) and
 *    the control characters a terminal acts on.
 * 5. Detect the language from the text, hash the text, count its words.
 *
 * The deadline is checked between the steps and inside their long loops (STAGE_TIMEOUT). A stack
 * overflow or an array past V8's limits is the document's shape, and would recur: TOO_COMPLEX.
 * The language models must be loaded first: `await loadLanguageModels()`, once.
 */
export function cleanDocument(bytes: Uint8Array, options: CleanOptions): CleanedArticle {
  if (bytes.length === 0) throw new InvalidInputError('EMPTY_OBJECT', 'The file is empty (0 bytes).');
  try {
    return clean(bytes, options, new Budget(options.deadline));
  } catch (error) {
    if (error instanceof RangeError) {
      throw new InvalidInputError(
        'TOO_COMPLEX',
        `The document is too complex to clean: reading it overflowed the parser (${error.message}).`,
        error,
      );
    }
    throw error;
  }
}

function clean(bytes: Uint8Array, options: CleanOptions, budget: Budget): CleanedArticle {
  const named = formatFromName(options.name);
  const plain = gunzipped(bytes, options.maxBytes ?? DEFAULT_MAX_OBJECT_BYTES);
  const decoded = decodeBytes(plain, { html: named === null || named === 'html' || named === 'json' });
  const format = named ?? sniffFormat(decoded.text);
  // A plain text keeps its letters and digits, but for the lines cleaning removes as furniture: more than the limit
  // allows is TOO_LONG before its lines are split, normalised and read by the paste rules.
  if (format === 'text' && options.maxWords !== undefined) {
    const letters = asciiLettersAndDigits(decoded.text);
    if (letters > options.maxWords * MAX_CHARS_PER_WORD) {
      throw tooManyCharacters(decoded.text, options.maxWords, `${letters.toLocaleString('en')} letters and digits`);
    }
  }
  budget.check('parsing');
  const parsed = PARSERS[format](decoded.text, budget);
  const stated = parsed.metadata;
  budget.check('removing pasted artifacts');

  // What a document says of itself is bounded (metadata-bounds.ts): a hostile title must not outgrow its record.
  const known: Partial<PasteFindings> = {
    title: stated.title ? bounded(normalizeLine(stated.title), METADATA_MAX_CHARS.title) : null,
    byline: stated.byline ? bounded(normalizeLine(stated.byline), METADATA_MAX_CHARS.byline) : null,
    publishedAt: stated.publishedAt ?? null,
    site: stated.site ? bounded(normalizeLine(stated.site), METADATA_MAX_CHARS.site) : null,
  };
  const cleaned = cleanParagraphs(parsed.paragraphs.map(normalizeLine), known, { page: parsed.page, budget });
  const text = joinParagraphs(cleaned.paragraphs);
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new InvalidInputError('NO_ARTICLE_TEXT', 'No article text was found in the document.');
  }
  if (options.maxWords !== undefined && text.length > options.maxWords * MAX_CHARS_PER_WORD) {
    throw tooManyCharacters(text, options.maxWords);
  }
  budget.check('detecting the language');
  // The text decides; a page's lang attribute only speaks when the text is too short to tell.
  const language = detectLanguage(text, options.languages) ?? pageLanguage(stated.lang, options.languages);
  budget.check('counting words');
  const wordCount = countWords(text, language);
  if (options.maxWords !== undefined && wordCount > options.maxWords) throw tooLong(wordCount, options.maxWords);
  return {
    text,
    format,
    encoding: decoded.encoding,
    title: cleaned.title === null ? null : bounded(cleaned.title, METADATA_MAX_CHARS.title),
    byline: cleaned.byline === null ? null : bounded(cleaned.byline, METADATA_MAX_CHARS.byline),
    publishedAt: cleaned.publishedAt,
    site: cleaned.site === null ? null : bounded(cleaned.site, METADATA_MAX_CHARS.site),
    url: stated.url ? bounded(normalizeLine(stated.url), METADATA_MAX_CHARS.url) || null : null,
    language,
    contentHash: createHash('sha256').update(text).digest('hex'),
    wordCount,
    cleanerVersion: CLEANER_VERSION,
  };
}
