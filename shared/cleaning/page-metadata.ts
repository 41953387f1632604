import type { parseHTML } from 'linkedom';
import { parseDate } from './dates.js';
import type { DocumentMetadata } from './document.js';

type Doc = ReturnType<typeof parseHTML>['document'];
export type El = ReturnType<Doc['createElement']>;

function meta(document: Doc, ...names: string[]): string | null {
  for (const name of names) {
    const el =
      document.querySelector(`meta[property="${name}"]`) ??
      document.querySelector(`meta[name="${name}"]`) ??
      document.querySelector(`meta[itemprop="${name}"]`);
    const content = el?.getAttribute('content')?.trim();
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
  const [ld] = jsonLdArticles(document);
  const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  const timeEl = document.querySelector('time[datetime]')?.getAttribute('datetime') ?? null;
  const published =
    meta(
      document,
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
      meta(document, 'og:title', 'twitter:title') ??
      document.querySelector('h1')?.textContent?.trim() ??
      document.querySelector('title')?.textContent?.trim() ??
      null,
    byline: nameOf(ld?.author) ?? meta(document, 'author', 'article:author', 'byl', 'dc.creator'),
    publishedAt: published ? parseDate(published) : null,
    site: meta(document, 'og:site_name', 'application-name') ?? nameOf(ld?.publisher),
    url:
      document.querySelector('link[rel="canonical"]')?.getAttribute('href') ??
      meta(document, 'og:url') ??
      str(ld?.url) ??
      null,
    lang: document.documentElement?.getAttribute('lang')?.trim() || null,
  };
}
