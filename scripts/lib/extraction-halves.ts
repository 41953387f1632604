import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

/** Where the two sets sit: beside the project, in ../shared/eval-data. */
export const EXTRACTION_DATA = {
  scrapinghub: resolve(import.meta.dirname, '../../../shared/eval-data/extraction/scrapinghub-aeb'),
  trafilatura: resolve(import.meta.dirname, '../../../shared/eval-data/extraction/trafilatura-eval-dev'),
};

/** Says the script skipped, and exits 0, unless both sets are in `scrapinghub` and `trafilatura`. */
export function skipWithoutExtractionData(scrapinghub: string, trafilatura: string): void {
  if (existsSync(join(scrapinghub, 'ground-truth.json')) && existsSync(join(trafilatura, 'annotations.jsonl'))) return;
  console.log(
    `Skipped: ${scrapinghub} or ${trafilatura} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`,
  );
  process.exit(0);
}

/** A page of the halves looked at: its set, id and (gzipped) HTML file, with ScrapingHub's gold text or trafilatura's segments. */
export interface LookedAtPage {
  set: 'sh' | 'traf';
  id: string;
  file: string;
  gold?: string;
  with?: string[];
  without?: string[];
}

/** The pages of both sets' halves looked at, ScrapingHub's first, each set in the order its folder and file list them. */
export function lookedAtPages(scrapinghub: string, trafilatura: string): LookedAtPage[] {
  const pages: LookedAtPage[] = [];
  const truth = JSON.parse(readFileSync(join(scrapinghub, 'ground-truth.json'), 'utf8')) as Record<
    string,
    { articleBody: string }
  >;
  for (const name of readdirSync(join(scrapinghub, 'html')).filter((f) => f.endsWith('.html.gz'))) {
    const id = name.replace('.html.gz', '');
    if (scrapinghubTune(id)) {
      pages.push({ set: 'sh', id, file: join(scrapinghub, 'html', name), gold: truth[id]?.articleBody ?? '' });
    }
  }
  for (const line of readFileSync(join(trafilatura, 'annotations.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const a = JSON.parse(line) as { id: string; html_file: string; with: string[]; without: string[] };
    if (trafilaturaTune(a.id)) {
      pages.push({ set: 'traf', id: a.id, file: join(trafilatura, a.html_file), with: a.with, without: a.without });
    }
  }
  return pages;
}
