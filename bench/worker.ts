import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CLEANER_HEAP_MB } from '../lambdas/ingest/deps.js';
import { WorkerCleaner } from '../lambdas/ingest/worker-cleaner.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { EXTRACTION_DATA } from './cleaning.js';
import type { Row } from './lib/report.js';
import { ms, over } from './lib/report.js';
import { median, quantile } from './lib/stats.js';

/**
 * What cleaning in the ingest function's warm worker costs over cleaning in
 * process, per page of the extraction benchmark: wall time from the bytes to
 * the cleaned article, the worker's round trip (the bytes moved in, the
 * article copied out) included, the two interleaved page by page.
 */
export async function benchWorker(rounds: number, log: (line: string) => void): Promise<Row[]> {
  if (!existsSync(join(EXTRACTION_DATA, 'html'))) {
    log(`worker: skipped, ${EXTRACTION_DATA} is absent (the evaluation data sits beside the project).`);
    return [];
  }
  await loadLanguageModels();
  const pages = readdirSync(join(EXTRACTION_DATA, 'html'))
    .filter((f) => f.endsWith('.html.gz'))
    .sort()
    .map((f) => gunzipSync(readFileSync(join(EXTRACTION_DATA, 'html', f))));
  const worker = new WorkerCleaner({ workers: 1, heapMb: CLEANER_HEAP_MB });
  const request = { name: 'page.html', budgetMs: 60_000, endBy: Number.MAX_SAFE_INTEGER };
  const timed = async (work: () => unknown) => {
    const start = performance.now();
    try {
      await work();
    } catch {
      // A refused page costs its time too.
    }
    return performance.now() - start;
  };
  try {
    const started = performance.now();
    await worker.warm();
    const warmMs = performance.now() - started;
    // Warm both up: the first pages pay for the JIT in either thread.
    for (const page of pages.slice(0, 20)) {
      await timed(() => cleanDocument(page, request));
      await timed(() => worker.clean(page, request));
    }
    const inProcess: number[][] = pages.map(() => []);
    const inWorker: number[][] = pages.map(() => []);
    for (let round = 0; round < rounds; round++) {
      log(`worker: round ${round + 1} of ${rounds} over ${pages.length} pages`);
      for (const [i, page] of pages.entries()) {
        inProcess[i]?.push(await timed(() => cleanDocument(page, request)));
        inWorker[i]?.push(await timed(() => worker.clean(page, request)));
      }
    }
    const anchor = inProcess.map(median);
    const value = inWorker.map(median);
    const row = (q: number, label: string): Row => {
      const a = quantile(anchor, q);
      const v = quantile(value, q);
      return {
        measure: `cleaning in the warm worker, wall time per page, ${label} (${pages.length} pages)`,
        anchor: `in process: ${ms(a)}`,
        value: ms(v),
        ratio: v / a,
        goal: '≤ 1.10×',
        met: v / a <= 1.1,
        note: `${over(v / a, 1.1)}`,
      };
    };
    return [
      row(0.5, 'median'),
      row(0.95, 'p95'),
      {
        measure: 'starting the worker: the bundle, the language models and a warm-up',
        anchor: '–',
        value: ms(warmMs),
        ratio: null,
        goal: 'once per process',
        met: true,
      },
    ];
  } finally {
    await worker.close();
  }
}
