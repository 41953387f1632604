/**
 * The worker thread that cleans uploads for worker-cleaner.ts: it loads the
 * language models, says it is ready, then cleans one job at a time. Bundled
 * as its own file beside the ingest function's (infra/bundling.ts); run from
 * its source through tsx elsewhere. What it throws goes back as data: the
 * code and sentence of a known error, the stack of any other for the logs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type CleanedArticle,
  type CleanOptions,
  cleanDocument,
  loadLanguageModels,
} from '../../shared/cleaning/index.js';
import { type ErrorCode, PrecisError } from '../../shared/errors.js';
import { holdBallast } from './heap-ballast.js';

/** What the pool tells a worker it starts. */
export interface CleanWorkerData {
  /** MB of heap to hold for the worker's life (heap-ballast.ts): the pool has added them to V8's limit. */
  ballastMb: number;
}

export interface CleanJob {
  id: number;
  /** The upload, moved to the worker rather than copied. */
  bytes: ArrayBuffer;
  options: CleanOptions;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'cleaned'; id: number; article: CleanedArticle }
  | { type: 'failed'; id: number; error: { code: ErrorCode; message: string; permanent: boolean } }
  | { type: 'crashed'; id: number; stack: string };

const port = parentPort;
if (!port) throw new Error('clean-worker runs as a worker thread (worker-cleaner.ts starts it).');
const post = (message: WorkerMessage) => port.postMessage(message);

/**
 * A page, a Markdown file and a paste cleaned once before the worker says it is ready: the first
 * upload then runs on warm code instead of paying for the parsers' first use against its budget.
 */
function warmUp(): void {
  const prose =
    'The provincial council met on Tuesday to discuss the water supply of the city. Engineers said three of the five treatment plants were working again after repairs, and that the others would follow within a month.';
  const documents: [string, string][] = [
    [
      'warm.html',
      `<!doctype html><html><head><title>Water</title></head><body><article><h1>Water</h1><p>${prose}</p><p>${prose}</p></article></body></html>`,
    ],
    ['warm.md', `# Water\n\n${prose}\n\n- one\n- two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n`],
    ['warm.txt', `Water\n\n${prose}\n\n${prose}\n`],
  ];
  for (const [name, text] of documents) {
    try {
      cleanDocument(new TextEncoder().encode(text), { name });
    } catch {
      // Warming only: a refusal here says nothing about any upload.
    }
  }
}

holdBallast((workerData as CleanWorkerData | null)?.ballastMb ?? 0);
await loadLanguageModels();
warmUp();
port.on('message', (job: CleanJob) => {
  try {
    post({ type: 'cleaned', id: job.id, article: cleanDocument(new Uint8Array(job.bytes), job.options) });
  } catch (error) {
    if (error instanceof PrecisError) {
      post({
        type: 'failed',
        id: job.id,
        error: { code: error.code, message: error.message, permanent: error.permanent },
      });
    } else {
      post({ type: 'crashed', id: job.id, stack: (error as Error)?.stack ?? String(error) });
    }
  }
});
post({ type: 'ready' });
