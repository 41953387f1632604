import { createHash } from 'node:crypto';

/**
 * The two halves of each public extraction set: the rules and the block
 * model are written and trained from the first; the second, never looked
 * at, says whether they hold on pages no one tuned for.
 */

/** The half of ScrapingHub's pages the rules were written from: ids that start with an even hex digit. */
export function scrapinghubTune(id: string): boolean {
  return Number.parseInt(id[0] ?? '1', 16) % 2 === 0;
}

/** The half of trafilatura's pages the rules were written from: ids whose SHA-1 starts with an even byte. */
export function trafilaturaTune(id: string): boolean {
  return Number.parseInt(createHash('sha1').update(id).digest('hex').slice(0, 2), 16) % 2 === 0;
}
