import { truncate } from '../truncate.js';

/**
 * The most characters a document's own metadata keeps: far above any real
 * page's (headlines run to about 150 characters, bylines to a few names), and
 * low enough that an upload's title, byline, site and URL can never take its
 * record past DynamoDB's 400 KB item limit or bloat the list indexes, which
 * copy the title. Without them a 2 MB `<title>` made every save of the
 * record fail, which read as an outage: five deliveries, then
 * STORAGE_UNAVAILABLE.
 */
export const METADATA_MAX_CHARS = {
  title: 1_000,
  byline: 500,
  site: 200,
  /** Browsers and CDNs take URLs of about 8,000 characters; sitemaps stop at 2,048. */
  url: 2_048,
} as const;

/**
 * `value` cut to `max` characters (code points) at most: at the last space
 * before the cut when there is one in its last fifth, and marked with an
 * ellipsis (see truncate).
 */
export function bounded(value: string, max: number): string {
  return truncate(value, max, { atSpace: true });
}
