import type { parseHTML } from 'linkedom';
import { parseDate } from './dates.js';
import type { DocumentMetadata } from './document.js';

type Doc = ReturnType<typeof parseHTML>['document'];
export type El = ReturnType<Doc['createElement']>;

/** The meta tags of a page by attribute, read in one pass: the first tag of each property, name or itemprop. */
type MetaTags = Record<'property' | 'name' | 'itemprop', Map<string, string>>;

function metaTags(document: Doc): MetaTags {
  const tags: MetaTags = { property: new Map(), name: new Map(), itemprop: new Map() };
  for (const el of Array.from(document.getElementsByTagName('meta')) as El[]) {
    const content = el.getAttribute('content') ?? '';
    for (const attribute of ['property', 'name', 'itemprop'] as const) {
      const key = el.getAttribute(attribute);
      if (key !== null && !tags[attribute].has(key)) tags[attribute].set(key, content);
    }
  }
  return tags;
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
function jsonLdArticles(document: Doc): JsonLd[] {
  const found: JsonLd[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as JsonLd;
    if (obj['@graph']) visit(obj['@graph']);
    const types = ([] as unknown[]).concat(obj['@type'] ?? []).map(String);
    if (types.some((t) => /Article|BlogPosting|Report|NewsArticle|WebPage/.test(t))) found.push(obj);
  };
  for (const script of Array.from(document.querySelectorAll('script[type="application/ld+json"]')) as El[]) {
    try {
      visit(JSON.parse(script.textContent ?? ''));
    } catch {
      // A page's broken JSON-LD is its own business; the meta tags remain.
    }
  }
  // Articles before generic pages.
  return found.sort((a, b) => Number(/WebPage/.test(String(a['@type']))) - Number(/WebPage/.test(String(b['@type']))));
}

function nameOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value)) {
    const names = value.map(nameOf).filter((n): n is string => Boolean(n));
    return names.length > 0 ? names.join(', ') : null;
  }
  if (value && typeof value === 'object' && 'name' in value) return nameOf((value as JsonLd).name);
  return null;
}

/** Metadata from meta tags and JSON-LD, read before Readability rewrites the document. */
export function pageMetadata(document: Doc): DocumentMetadata {
  const tags = metaTags(document);
  const [ld] = jsonLdArticles(document);
  const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  const timeEl = document.querySelector('time[datetime]')?.getAttribute('datetime') ?? null;
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
      document.querySelector('h1')?.textContent?.trim() ??
      document.querySelector('title')?.textContent?.trim() ??
      null,
    byline: nameOf(ld?.author) ?? meta(tags, 'author', 'article:author', 'byl', 'dc.creator'),
    publishedAt: published ? parseDate(published) : null,
    site: meta(tags, 'og:site_name', 'application-name') ?? nameOf(ld?.publisher),
    url:
      document.querySelector('link[rel="canonical"]')?.getAttribute('href') ??
      meta(tags, 'og:url') ??
      str(ld?.url) ??
      null,
    lang: document.documentElement?.getAttribute('lang')?.trim() || null,
  };
}
