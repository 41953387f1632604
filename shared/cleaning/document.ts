/**
 * What a document states about itself, besides its text: from HTML meta
 * tags and JSON-LD, Markdown front matter, or a JSON article's fields. Each
 * field is null (or absent) when the document does not say.
 */
export interface DocumentMetadata {
  title?: string | null;
  byline?: string | null;
  /** ISO 8601. */
  publishedAt?: string | null;
  site?: string | null;
  url?: string | null;
  /** What the page says it is about (its description meta tag or JSON-LD's): tells which of two readings of a page is its article. */
  description?: string | null;
  /** The language the page declares (`<html lang>`): used only when the text is too short to tell. */
  lang?: string | null;
}

/** A document read by its format's parser: paragraphs not yet cleaned of artifacts, and its metadata. */
export interface ParsedDocument {
  paragraphs: string[];
  metadata: DocumentMetadata;
  /** The body is a web page's (its dateline belongs to the text), not a paste's. */
  page: boolean;
}
