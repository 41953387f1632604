import type { Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { type Budget, NO_DEADLINE } from '../budget.js';
import { parseDate } from '../dates.js';
import type { DocumentMetadata, ParsedDocument } from '../document.js';
import { normalizeNewlines } from '../normalize.js';
import { markdownParts } from './markdown-parts.js';
import { pipeTable } from './pipe-table.js';

/** Inline content as plain text: links keep their text, images and markup go. */
function inlineText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value.replace(/\s*\n\s*/g, ' ');
    case 'break':
      return ' ';
    case 'image':
    case 'imageReference':
    case 'definition':
      return '';
    case 'html':
      return node.value.replace(/<[^>]*>/g, '');
    default:
      return 'children' in node ? node.children.map((child) => inlineText(child as Nodes)).join('') : '';
  }
}

function blockParagraphs(node: RootContent, out: string[], found: DocumentMetadata): void {
  switch (node.type) {
    case 'heading': {
      const text = inlineText(node).trim();
      if (node.depth === 1 && !found.title) found.title = text;
      else out.push(text);
      return;
    }
    case 'paragraph':
      out.push(inlineText(node));
      return;
    case 'list': {
      // A list stays one block, an item a line, as a pasted list of bullets would.
      const items = node.children
        .map((item, i) => {
          const text = item.children
            .map((child) => inlineText(child))
            .join(' ')
            .trim();
          return text ? `${node.ordered ? `${(node.start ?? 1) + i}.` : '-'} ${text}` : '';
        })
        .filter(Boolean);
      if (items.length > 0) out.push(items.join('\n'));
      return;
    }
    case 'table': {
      // A table stays a table: one Markdown row per line, never one line of pipes.
      const rows = node.children.map((row) => row.children.map((cell) => inlineText(cell).trim()));
      if (rows.length > 0) out.push(pipeTable(rows));
      return;
    }
    case 'blockquote':
      for (const child of node.children) blockParagraphs(child, out, found);
      return;
    case 'code':
      out.push(node.value);
      return;
    case 'html': {
      const text = node.value.replace(/<[^>]*>/g, ' ').trim();
      if (text) out.push(text);
      return;
    }
    default:
      return;
  }
}

/** YAML-style front matter (`---` … `---`): its flat `key: value` pairs. */
function frontMatter(source: string): { fields: Record<string, string>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(source);
  if (!match) return { fields: {}, body: source };
  const fields: Record<string, string> = {};
  for (const line of (match[1] ?? '').split('\n')) {
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (pair?.[1] && pair[2]) fields[pair[1].toLowerCase()] = pair[2].trim().replace(/^["']|["']$/g, '');
  }
  return { fields, body: source.slice(match[0].length) };
}

/**
 * A Markdown article as paragraphs: the first level-one heading (or the front
 * matter's title) is the title; other headings, paragraphs, list items and
 * quotes become paragraphs; images, link targets and markup are dropped.
 */
export function parseMarkdown(source: string, budget: Budget = NO_DEADLINE): ParsedDocument {
  const { fields, body } = frontMatter(normalizeNewlines(source));
  const found: DocumentMetadata = {
    title: fields.title ?? null,
    byline: fields.author ?? fields.byline ?? null,
    publishedAt: parseDate(fields.date ?? fields.published ?? fields.publishedat ?? '') ?? null,
    url: fields.url ?? fields.canonical ?? null,
    site: fields.site ?? fields.source ?? null,
  };
  const paragraphs: string[] = [];
  // A part at a time (see markdownParts): memory grows with the largest part, not with the document.
  for (const part of markdownParts(body, budget)) {
    budget.check('parsing the Markdown');
    const tree = fromMarkdown(part, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
    for (const node of tree.children) blockParagraphs(node, paragraphs, found);
  }
  return { paragraphs, metadata: found, page: false };
}
