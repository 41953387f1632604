import type { SourceFormat } from '../../article.js';

/** A document's format by its name's extension. */
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

/** The format a file name's extension names, or null for an unknown one. */
export function formatFromName(name: string): SourceFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return ext ? (EXTENSIONS[ext] ?? null) : null;
}
