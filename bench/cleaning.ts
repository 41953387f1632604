import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import type { Row } from './lib/report.js';
import { ms, over } from './lib/report.js';
import { cpuMs, median, quantile } from './lib/stats.js';

export const EXTRACTION_DATA = resolve(import.meta.dirname, '../../shared/eval-data/extraction/scrapinghub-aeb');

/** The anchor: plain Readability.js on linkedom, as its README shows it, from the page's bytes read as UTF-8. */
export function plainReadability(page: Uint8Array | string): string {
  const html = typeof page === 'string' ? page : new TextDecoder().decode(page);
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  return article?.textContent ?? '';
}

export function tryClean(bytes: Uint8Array): void {
  try {
    cleanDocument(bytes, { name: 'page.html' });
  } catch {
    // A refused page costs its time too.
  }
}

/**
 * Cleaning CPU per page on the extraction benchmark's pages, in process:
 * each page's median over `rounds` (precis and the anchor interleaved page by
 * page), then the median and p95 over pages.
 */
export async function benchCleaning(rounds: number, log: (line: string) => void): Promise<Row[]> {
  await loadLanguageModels();
  if (!existsSync(join(EXTRACTION_DATA, 'html'))) {
    log(`cleaning: skipped, ${EXTRACTION_DATA} is absent (the evaluation data sits beside the project).`);
    return [];
  }
  const pages = readdirSync(join(EXTRACTION_DATA, 'html'))
    .filter((f) => f.endsWith('.html.gz'))
    .sort()
    .map((f) => gunzipSync(readFileSync(join(EXTRACTION_DATA, 'html', f))));
  // Warm both up: the first pages pay for the JIT, and precis for loading its language models.
  for (let i = 0; i < Math.min(20, pages.length); i++) {
    plainReadability(pages[i] as Uint8Array);
    tryClean(pages[i] as Uint8Array);
  }
  const anchor: number[][] = pages.map(() => []);
  const precis: number[][] = pages.map(() => []);
  for (let round = 0; round < rounds; round++) {
    log(`cleaning: round ${round + 1} of ${rounds} over ${pages.length} pages`);
    pages.forEach((bytes, i) => {
      anchor[i]?.push(cpuMs(() => plainReadability(pages[i] as Uint8Array)));
      precis[i]?.push(cpuMs(() => tryClean(bytes)));
    });
  }
  const anchorPages = anchor.map(median);
  const precisPages = precis.map(median);
  const row = (q: number, label: string): Row => {
    const a = quantile(anchorPages, q);
    const p = quantile(precisPages, q);
    return {
      measure: `cleaning CPU per page, ${label} (${pages.length} pages)`,
      anchor: `plain Readability on linkedom: ${ms(a)}`,
      value: ms(p),
      ratio: p / a,
      goal: '≤ 1.00×',
      met: p / a <= 1,
      note: `${over(p / a, 1)}; precis adds the charset check, metadata, furniture and paste rules, language ID and the word count to the anchor's parse`,
    };
  };
  return [row(0.5, 'median'), row(0.95, 'p95')];
}
