import type { parseHTML } from 'linkedom';
import { parseDate } from './dates.js';
import type { DocumentMetadata } from './document.js';
import { jsonNestsPast, LIMITS } from './limits.js';

type Doc = ReturnType<typeof parseHTML>['document'];
export type El = ReturnType<Doc['createElement']>;

/** The meta tags of a page by attribute, read in one pass: the first tag of each property, name or itemprop. */
type MetaTags = Record<'property' | 'name' | 'itemprop', Map<string, string>>;

function metaTags(metas: El[]): MetaTags {
  const tags: MetaTags = { property: new Map(), name: new Map(), itemprop: new Map() };
  for (const el of metas) {
    const content = el.getAttribute('content') ?? '';
    for (const attribute of ['property', 'name', 'itemprop'] as const) {
      const key = el.getAttribute(attribute);
      if (key !== null && !tags[attribute].has(key)) tags[attribute].set(key, content);
    }
  }
  return tags;
}

/** The elements the metadata is read from, each as the selector beside it finds it. */
interface Sources {
  /** `meta`, every one (inside a <template> too). */
  metas: El[];
  /** `script[type="application/ld+json"]`. */
  scripts: El[];
  /** The first `time[datetime]`, `h1`, `title` and `link[rel="canonical"]`. */
  time: El | null;
  h1: El | null;
  title: El | null;
  canonical: El | null;
}

/** An attribute equal to a lower-case value in any case, as a selector compares the `type` and `rel` of HTML. */
function equalsInAnyCase(value: string | null, lower: string): boolean {
  return value !== null && value.length === lower.length && value.toLowerCase() === lower;
}

/**
 * The page's metadata elements in one walk of the document: a querySelector
 * walks the whole document once per call, and there were seven. The content
 * of a <template> is skipped as querySelector skips it, but for its meta
 * tags, which getElementsByTagName finds.
 */
function sources(document: Doc): Sources {
  const found: Sources = { metas: [], scripts: [], time: null, h1: null, title: null, canonical: null };
  const element = (el: El, inTemplate: boolean) => {
    const tag = el.localName;
    if (tag === 'meta') found.metas.push(el);
    else if (!inTemplate) {
      if (tag === 'script') {
        if (equalsInAnyCase(el.getAttribute('type'), 'application/ld+json')) found.scripts.push(el);
      } else if (tag === 'time') {
        if (found.time === null && el.hasAttribute('datetime')) found.time = el;
      } else if (tag === 'h1') found.h1 ??= el;
      else if (tag === 'title') found.title ??= el;
      else if (tag === 'link' && found.canonical === null && equalsInAnyCase(el.getAttribute('rel'), 'canonical'))
        found.canonical = el;
    }
    const inside = inTemplate || tag === 'template';
    for (let child = el.firstChild as El | null; child !== null; child = child.nextSibling as El | null) {
      if (child.nodeType === 1) element(child, inside);
    }
  };
  // The document's own children as a list: the doctype ends the chain of next siblings.
  for (const child of Array.from(document.childNodes) as El[]) if (child.nodeType === 1) element(child, false);
  return found;
}

/** The first of some names a meta tag gives content to, by property, then name, then itemprop. */
function meta(tags: MetaTags, ...names: string[]): string | null {
  for (const name of names) {
    const content = (tags.property.get(name) ?? tags.name.get(name) ?? tags.itemprop.get(name))?.trim();
    if (content) return content;
  }
  return null;
}

type JsonLd = Record<string, unknown>;

/** The JSON-LD objects that describe an article (NewsArticle, BlogPosting, …), flattened out of @graph. */
function jsonLdArticles(scripts: El[]): JsonLd[] {
  const found: JsonLd[] = [];
  const visit = (value: unknown, depth: number) => {
    // An article is a few levels down; what a page nests deeper is no article (and would overflow the stack).
    if (depth > LIMITS.json.depth) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as JsonLd;
    if (obj['@graph']) visit(obj['@graph'], depth + 1);
    const types = ([] as unknown[]).concat(obj['@type'] ?? []).map(String);
    if (types.some((t) => /Article|BlogPosting|Report|NewsArticle|WebPage/.test(t))) found.push(obj);
  };
  for (const script of scripts) {
    const text = script.textContent ?? '';
    // Nested past the limit, it is no article's: JSON.parse would build all of it first (2,000,000 arrays, 1.4 s and 350 MB).
    if (jsonNestsPast(text, LIMITS.json.depth)) continue;
    try {
      visit(JSON.parse(text), 0);
    } catch {
      // A page's broken JSON-LD is its own business; the meta tags remain.
    }
  }
  // Articles before generic pages.
  return found.sort((a, b) => Number(/WebPage/.test(String(a['@type']))) - Number(/WebPage/.test(String(b['@type']))));
}

/** The name (or names) a JSON-LD author or publisher gives, read no deeper than a JSON upload may nest. */
function nameOf(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (depth >= LIMITS.json.depth) return null;
  if (Array.isArray(value)) {
    const names = value.map((item) => nameOf(item, depth + 1)).filter((n): n is string => Boolean(n));
    return names.length > 0 ? names.join(', ') : null;
  }
  if (value && typeof value === 'object' && 'name' in value) return nameOf((value as JsonLd).name, depth + 1);
  return null;
}

/** Metadata from meta tags and JSON-LD, read before Readability rewrites the document. */
export function pageMetadata(document: Doc): DocumentMetadata {
  const found = sources(document);
  const tags = metaTags(found.metas);
  const [ld] = jsonLdArticles(found.scripts);
  const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  const timeEl = found.time?.getAttribute('datetime') ?? null;
  const published =
    meta(
      tags,
      'article:published_time',
      'og:published_time',
      'datePublished',
      'pubdate',
      'date',
      'dc.date',
      'DC.date.issued',
    ) ??
    str(ld?.datePublished) ??
    timeEl;
  return {
    title:
      str(ld?.headline) ??
      meta(tags, 'og:title', 'twitter:title') ??
      found.h1?.textContent?.trim() ??
      found.title?.textContent?.trim() ??
      null,
    byline: nameOf(ld?.author) ?? meta(tags, 'author', 'article:author', 'byl', 'dc.creator'),
    publishedAt: published ? parseDate(published) : null,
    site: meta(tags, 'og:site_name', 'application-name') ?? nameOf(ld?.publisher),
    description: meta(tags, 'og:description', 'twitter:description', 'description') ?? str(ld?.description),
    url: found.canonical?.getAttribute('href') ?? meta(tags, 'og:url') ?? str(ld?.url) ?? null,
    lang: document.documentElement?.getAttribute('lang')?.trim() || null,
  };
}
