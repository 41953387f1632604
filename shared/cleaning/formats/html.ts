import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { InvalidInputError } from '../../errors.js';
import { type Budget, NO_DEADLINE } from '../budget.js';
import { parseDate } from '../dates.js';
import type { DocumentMetadata, ParsedDocument } from '../document.js';
import { type El, pageMetadata } from '../page-metadata.js';
import { bylineOf, bylineParts } from '../paste-rules.js';
import { CHECKED_CHARS, chooseReading, runsPast, WHOLE_PAGE_SHARE } from './agreement.js';
import { BLOCK_TAGS, dataTable, SKIP_TAGS } from './blocks.js';
import { extractArticle, labelLine, trailingLabels } from './extract.js';
import { withoutUnreadAttributes } from './html-scan.js';

export interface Block {
  text: string;
  /** Characters of the block's text that sit inside links. */
  linkChars: number;
}

/**
 * Block structure of an HTML fragment: each block element and each
 * `<br>`-separated run of inline content is one block, with how much of its
 * text is link text.
 */
export function htmlToBlocks(root: El, budget: Budget = NO_DEADLINE): Block[] {
  const out: Block[] = [];
  let buffer = '';
  let linked = 0;
  const flush = () => {
    const text = buffer.replace(/\s+/g, ' ').trim();
    if (text) out.push({ text, linkChars: Math.min(linked, text.length) });
    buffer = '';
    linked = 0;
  };
  const walk = (node: El, inLink: boolean) => {
    for (const child of Array.from(node.childNodes) as El[]) {
      budget.tick('reading the article’s blocks');
      if (child.nodeType === 3) {
        const text = child.textContent ?? '';
        buffer += text;
        if (inLink) linked += text.replace(/\s+/g, '').length;
        continue;
      }
      if (child.nodeType !== 1) continue;
      const tag = child.localName?.toLowerCase() ?? '';
      if (SKIP_TAGS.has(tag)) continue;
      const table = tag === 'table' ? dataTable(child) : null;
      if (table) {
        flush();
        out.push({ text: table, linkChars: 0 });
      } else if (tag === 'br') {
        flush();
      } else if (tag === 'td' || tag === 'th') {
        buffer += ' ';
        walk(child, inLink);
        buffer += ' ';
      } else if (BLOCK_TAGS.has(tag)) {
        flush();
        walk(child, inLink);
        flush();
      } else {
        walk(child, inLink || tag === 'a');
      }
    }
  };
  walk(root, false);
  flush();
  return out;
}

/** Paragraphs of an HTML fragment, without the blocks that are mostly links (menus, "more stories" lists). */
export function htmlToParagraphs(root: El, budget: Budget = NO_DEADLINE): string[] {
  return htmlToBlocks(root, budget)
    .filter((block) => {
      const chars = block.text.replace(/\s+/g, '').length;
      const ratio = chars === 0 ? 1 : block.linkChars / chars;
      const words = block.text.split(/\s+/).length;
      return !(ratio >= 0.8 || (ratio >= 0.5 && words <= 30));
    })
    .map((block) => block.text);
}

/** Class and id words of page furniture inside an article container. */
const FURNITURE =
  /(^|[\s_-])(share|sharing|social|related|newsletter|promo|sponsor(ed)?|advert|ads?|tags?|caption|credits?|byline|dateline|timestamp|comments?|subscribe|signup|recommend(ed|ations)?|breadcrumbs?|toolbar|more-stories|read-more|see-also|rail|trending|most-?read|most-?viewed|popular|author-bio|bio)([\s_-]|$)/i;

/**
 * Removes the furniture Readability keeps inside the article container:
 * elements whose class or id names it and whose text is a small part of the
 * article (so a container named, say, "article-related-wrapper" that holds
 * the whole article stays).
 */
function removeFurniture(body: El, budget: Budget): void {
  const total = (body.textContent ?? '').length;
  for (const el of Array.from(body.querySelectorAll('[class], [id]')) as El[]) {
    budget.tick('removing page furniture');
    // Readability's article element is not in a document: isConnected is false throughout it.
    if (!body.contains(el)) continue;
    const names = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    // Embedded posts (tweets, quotes) are what people said: content, whatever their wrapper is called.
    if (!FURNITURE.test(names) || /embed|tweet|quote/i.test(names) || el.querySelector('blockquote')) continue;
    if ((el.textContent ?? '').length < total * 0.25) el.remove();
  }
}

/** Share of a fragment's text that sits inside links: navigation is mostly links, an article is not. */
function linkDensity(root: El): number {
  const total = (root.textContent ?? '').replace(/\s+/g, '').length;
  if (total === 0) return 1;
  let linked = 0;
  for (const a of Array.from(root.querySelectorAll('a')) as El[])
    linked += (a.textContent ?? '').replace(/\s+/g, '').length;
  return linked / total;
}

/** Markup that never holds article text: dropped from the page before it is parsed, as the parse costs per node. */
const INERT = /<(script|style|svg|noscript|template)(?=[\s>/])|<!--/gi;
/** Where each of those elements ends (a comment ends at `-->`). */
const CLOSING: Record<string, RegExp> = Object.fromEntries(
  ['script', 'style', 'svg', 'noscript', 'template'].map((tag) => [tag, new RegExp(`</${tag}\\s*>`, 'gi')]),
);

/**
 * The page without its scripts, style sheets, inline SVG, noscript and
 * template elements and comments (JSON-LD scripts stay, whole: they carry
 * the metadata). Readability removes most of these itself, after linkedom
 * has built a node for each; a news page's inline scripts and icons are
 * often most of its markup. One pass: an element left open ends the stripping.
 */
function stripInert(html: string): string {
  const kept: string[] = [];
  let from = 0;
  INERT.lastIndex = 0;
  for (let m = INERT.exec(html); m !== null; m = INERT.exec(html)) {
    const tag = m[1]?.toLowerCase();
    let end: number;
    if (tag === undefined) {
      const close = html.indexOf('-->', m.index + 4);
      if (close < 0) break;
      end = close + 3;
    } else {
      const openEnd = html.indexOf('>', m.index);
      const closing = CLOSING[tag] as RegExp;
      closing.lastIndex = openEnd + 1;
      const close = openEnd < 0 ? null : closing.exec(html);
      if (close === null) break;
      end = close.index + close[0].length;
      if (tag === 'script' && /ld\+json/i.test(html.slice(m.index, openEnd))) {
        // Kept, and read past: its JSON may hold text that looks like markup.
        INERT.lastIndex = end;
        continue;
      }
    }
    kept.push(html.slice(from, m.index));
    from = end;
    INERT.lastIndex = end;
  }
  kept.push(html.slice(from));
  return kept.join('');
}

/** A page's <body> as the extractor reads it (inert markup out, in a document's frame): for the block model's trainer. */
export function pageBody(html: string): El | null {
  return parseHTML(asDocument(stripInert(html))).document.body as unknown as El | null;
}

/** The element a page prints its byline in (the extractor leaves it out of the text as furniture). */
const BYLINE_ELEMENT = '[class*="byline" i], [rel="author"], [itemprop="author"], [class*="author" i]';

/**
 * The page's metadata, with the name and date of the byline it prints
 * ("By Samir Yousif · February 18, 2025, 8:15 AM") where its meta tags and
 * JSON-LD say nothing.
 */
function withPrintedByline(found: DocumentMetadata, document: Pick<El, 'querySelector'>): DocumentMetadata {
  const byline = nameOfByline(found.byline ?? null);
  if (byline && found.publishedAt) return { ...found, byline };
  const printed = document.querySelector(BYLINE_ELEMENT)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  const parts = printed ? bylineParts(printed) : null;
  return {
    ...found,
    byline: byline ?? parts?.name ?? null,
    publishedAt: found.publishedAt ?? parts?.publishedAt ?? null,
  };
}

function nameOfByline(byline: string | null): string | null {
  const trimmed = byline?.replace(/\s+/g, ' ').trim();
  if (!trimmed) return null;
  return bylineOf(trimmed) ?? trimmed;
}

const textLength = (paragraphs: string[]) => paragraphs.reduce((sum, p) => sum + p.length, 0);

/** Fewest characters of paragraph text the fallback takes as an article. */
const FALLBACK_MIN_CHARS = 250;

/**
 * The element whose own paragraphs (its <p> children, mostly not links) hold
 * the most text: where a page keeps its article when Readability's scoring
 * finds none. Null when no element has FALLBACK_MIN_CHARS of such text.
 */
export function densestContainer(root: El | null, budget: Budget = NO_DEADLINE): El | null {
  if (!root) return null;
  let best: { el: El; chars: number } | null = null;
  for (const el of Array.from(root.querySelectorAll('article, main, section, div, td')) as El[]) {
    budget.tick('looking for the densest container');
    let chars = 0;
    for (const child of Array.from(el.children) as El[]) {
      if (child.localName?.toLowerCase() !== 'p') continue;
      const text = (child.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (text.length > 0 && linkDensity(child) < 0.3) chars += text.length;
    }
    if (chars >= FALLBACK_MIN_CHARS && (!best || chars > best.chars)) best = { el, chars };
  }
  return best?.el ?? null;
}

/**
 * A fragment (`<p>…</p><p>…</p>`, an `<article>`, what a JSON `html` field
 * holds) in a document's frame: linkedom makes the first element of a bare
 * fragment the document, and leaves the body empty for Readability.
 */
function asDocument(html: string): string {
  let doc = html;
  // Text before the document (a server's PHP warnings, say) would leave linkedom's body empty: it goes.
  const start = doc.search(/<!doctype|<html[\s>]/i);
  if (start > 0 && !/<(?:body|p|div|article)[\s>]/i.test(doc.slice(0, start))) doc = doc.slice(start);
  // An <html> tag counts when it opens the document (before <head> and <body>), not one inside it.
  const at = (pattern: RegExp) => doc.search(pattern);
  const [htmlAt, headAt, bodyAt] = [at(/<html[\s>]/i), at(/<head[\s>]/i), at(/<body[\s>]/i)];
  const hasHtml = htmlAt >= 0 && (headAt < 0 || htmlAt < headAt) && (bodyAt < 0 || htmlAt < bodyAt);
  const hasBody = bodyAt >= 0;
  if (hasHtml && hasBody) return doc;
  if (!hasHtml && !hasBody && !/<head[\s>]|<!doctype/i.test(doc.slice(0, 4096))) {
    return `<!doctype html><html><head></head><body>${doc}</body></html>`;
  }
  // A document without its <html> or <body> tag, as HTML allows them to be left out: linkedom needs both.
  const open = hasHtml ? (/<html[^>]*>/i.exec(doc)?.[0] ?? '<html>') : '<html>';
  let inner = doc.replace(/^\s*<!doctype[^>]*>/i, '');
  if (hasHtml) {
    inner = inner.replace(/<html[^>]*>/i, '');
    // The last </html> goes (found from the end: a pattern that looks ahead from each one costs the square of their number).
    const last = /<\/html\s*>/gi;
    let end: RegExpExecArray | null = null;
    for (let m = last.exec(inner); m !== null; m = last.exec(inner)) end = m;
    if (end) inner = inner.slice(0, end.index) + inner.slice(end.index + end[0].length);
  }
  if (!hasBody) {
    const headEnd = /<\/head\s*>/i.exec(inner);
    const cut = headEnd ? headEnd.index + headEnd[0].length : 0;
    inner = `${inner.slice(0, cut)}<body>${inner.slice(cut)}</body>`;
  }
  return `<!doctype html>${open}${inner}</html>`;
}

/**
 * The main content of an HTML page as paragraphs, with Readability on
 * linkedom, and its metadata from meta tags and JSON-LD. Throws
 * NO_ARTICLE_TEXT when the page has no article in it.
 */
export function parseHtml(html: string, budget: Budget = NO_DEADLINE): ParsedDocument {
  let first: ParsedDocument | null = null;
  let refusal: unknown = null;
  try {
    first = readPage(html, budget);
  } catch (error) {
    // Only the absence of an article is worth a second reading; a page past a limit or the deadline is not.
    if (!(error instanceof InvalidInputError && error.code === 'NO_ARTICLE_TEXT')) throw error;
    refusal = error;
  }
  if ((first && textLength(first.paragraphs) >= FALLBACK_MIN_CHARS) || !/<noscript[\s>]/i.test(html)) {
    if (first) return first;
    throw refusal;
  }
  // Little or no text, and <noscript> blocks: a page that builds its article with JavaScript often
  // prints it there for readers without it (Blogger does). Read again with them as plain blocks.
  try {
    const again = readPage(html.replace(/<(\/?)noscript(?=[\s>])[^>]*>/gi, '<$1div>'), budget);
    if (!first || textLength(again.paragraphs) > textLength(first.paragraphs)) return again;
  } catch (error) {
    // No better for it: the first reading stands (unless time is up).
    if (error instanceof InvalidInputError && error.code === 'STAGE_TIMEOUT') throw error;
  }
  if (first) return first;
  throw refusal;
}

/** What makes the nodes a link is replaced with (the document). */
interface NodeMaker {
  createTextNode(text: string): unknown;
  createElement(tag: string): unknown;
}

/** The step of Readability (0.6) that textOnly replaces: it runs on the article element as the last step. */
interface UriStep {
  _fixRelativeUris?: (article: El) => void;
}

/**
 * Readability resolves each link and image address of the article against
 * the page's (a URL parse per link, and a search of the whole document for
 * a <base> element); precis reads only the article's text. Of that step, only
 * what changes the text is kept: a `javascript:` link becomes its text, or a
 * <span> of its children, so that its words no longer count as link text.
 * If a later Readability names the step otherwise, its own runs.
 */
function textOnly(reader: unknown, document: NodeMaker): void {
  const step = reader as UriStep;
  if (typeof step._fixRelativeUris !== 'function') return;
  step._fixRelativeUris = (article: El) => {
    for (const link of Array.from(article.querySelectorAll('a')) as El[]) {
      if (!link.getAttribute('href')?.startsWith('javascript:')) continue;
      const parent = link.parentNode as El;
      if (link.childNodes.length === 1 && (link.childNodes[0] as El).nodeType === 3) {
        parent.replaceChild(document.createTextNode(link.textContent ?? '') as unknown as El, link);
      } else {
        const container = document.createElement('span') as unknown as El;
        while (link.firstChild) container.appendChild(link.firstChild);
        parent.replaceChild(container, link);
      }
    }
  };
}

/** One reading of a page by Readability, with the fallbacks; throws NO_ARTICLE_TEXT when it has no article text. */
function readPage(html: string, budget: Budget): ParsedDocument {
  // Refused here, before linkedom builds a node: a page past the structure limits (TOO_COMPLEX). The
  // attributes no reader uses go, as the parse costs per node.
  const prepared = withoutUnreadAttributes(asDocument(stripInert(html)), budget);
  const { document } = parseHTML(prepared);
  // Read before Readability, which takes the byline's element out of the document.
  const found = withPrintedByline(pageMetadata(document), document as unknown as El);
  // precis's own reading of the page's blocks first; Readability when it finds too little.
  const own = document.body ? extractArticle(document.body as unknown as El, budget) : null;
  const ownDocument = (): ParsedDocument | null =>
    own && own.chars >= FALLBACK_MIN_CHARS ? { paragraphs: own.paragraphs, page: true, metadata: found } : null;
  const wholePage = own !== null && own.chars >= WHOLE_PAGE_SHARE * own.allChars;
  // A reading that runs far past the element whose own paragraphs hold the most text (a cheap second
  // reading) is checked against Readability's: only those pages pay for both.
  const long = own !== null && own.chars >= CHECKED_CHARS && !wholePage;
  if (long && !runsPast(own.paragraphs, own.inDense)) return ownDocument() as ParsedDocument;
  // Readability's article element itself, not its HTML: serialising it and parsing that again cost a third of the time.
  const reader = new Readability<El>(document as unknown as ConstructorParameters<typeof Readability>[0], {
    keepClasses: true,
    // pageMetadata has read the page's JSON-LD already.
    disableJSONLD: true,
    serializer: (el) => el as unknown as El,
  });
  textOnly(reader, document as unknown as NodeMaker);
  const article = reader.parse();
  budget.check('reading the article');
  let body = article?.content ?? null;
  let paragraphs: string[] = [];
  const linky = body !== null && linkDensity(body) > 0.5;
  if (body) {
    removeFurniture(body, budget);
    paragraphs = htmlToParagraphs(body, budget);
    // Mostly links (a blog's front page, a list of posts): its paragraphs that are not links are the
    // article only if there are enough of them; a menu's stray words are not.
    if (linky && textLength(paragraphs) < FALLBACK_MIN_CHARS) paragraphs = [];
  }
  if (textLength(paragraphs) < FALLBACK_MIN_CHARS) {
    // Readability found nothing it trusts, or a scrap (a cookie notice): the container with the most
    // paragraph text, read from the page afresh (Readability changes the document as it parses), if it
    // has enough of it.
    const dense = densestContainer(parseHTML(prepared).document.body as unknown as El | null, budget);
    if (dense) {
      removeFurniture(dense, budget);
      const found = htmlToParagraphs(dense, budget);
      if (textLength(found) > textLength(paragraphs)) [body, paragraphs] = [dense, found];
    }
  }
  // Readability's reading does not end on a label either ("Advertisement", "Further link"), as precis's own does not.
  paragraphs = paragraphs.slice(0, paragraphs.length - trailingLabels(paragraphs, (p) => labelLine(p)));
  // Which reading: precis's own (cut where it runs far past Readability's), or Readability's.
  const mine = ownDocument();
  const stated = [found.title, found.description].filter(Boolean).join(' ');
  const chosen = mine ? chooseReading({ own, theirs: paragraphs, long, stated, site: found.site }) : null;
  if (mine && chosen) return { ...mine, paragraphs: chosen };
  if (!body || paragraphs.length === 0) {
    throw new InvalidInputError(
      'NO_ARTICLE_TEXT',
      linky
        ? 'The HTML page holds only links and navigation, no article text.'
        : 'The HTML page has no article text in it.',
    );
  }
  return {
    paragraphs,
    page: true,
    metadata: {
      ...found,
      title: found.title ?? article?.title ?? null,
      // "By Jane Arraf" as a page prints it: the name, as a paste's byline gives it.
      byline: found.byline ?? nameOfByline(article?.byline ?? null),
      site: found.site ?? article?.siteName ?? null,
      publishedAt:
        found.publishedAt ??
        (article?.publishedTime ? parseDate(article.publishedTime) : null) ??
        (article?.byline ? (bylineParts(article.byline.replace(/\s+/g, ' ').trim())?.publishedAt ?? null) : null),
    },
  };
}
