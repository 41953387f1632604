import type { BatchFiles, BookEntry, DeferredCall } from '../batch/ports.js';
import { readJson } from '../blob-json.js';
import { PrecisError } from '../errors.js';
import { objectKeys } from '../layout.js';
import type { BlobStore } from '../ports.js';

/**
 * Batch mode's files in the article bucket: the calls each round of an
 * article put off (`batches/requests/<id>/<queuedAt>.json`), and the
 * answers each job brought it (`batches/answers/<id>/<job>.json`). One
 * object per round and per job: writing one again writes the same.
 */
export class BlobBatchFiles implements BatchFiles {
  constructor(
    private readonly blobs: BlobStore,
    private readonly bucket: string,
  ) {}

  async putRequests(articleId: string, queuedAt: string, calls: DeferredCall[]): Promise<void> {
    await this.blobs.put(
      this.bucket,
      objectKeys.batchRequests(articleId, queuedAt),
      JSON.stringify(calls),
      'application/json',
    );
  }

  async requests(articleId: string, queuedAt: string): Promise<DeferredCall[]> {
    try {
      return await readJson<DeferredCall[]>(this.blobs, this.bucket, objectKeys.batchRequests(articleId, queuedAt));
    } catch (error) {
      if (error instanceof PrecisError && error.code === 'SOURCE_NOT_FOUND') return [];
      throw error;
    }
  }

  async putAnswers(articleId: string, job: string, entries: BookEntry[]): Promise<void> {
    const key = `${objectKeys.batchAnswersPrefix(articleId)}${job}.json`;
    await this.blobs.put(this.bucket, key, JSON.stringify(entries), 'application/json');
  }

  async answers(articleId: string): Promise<BookEntry[]> {
    const all: BookEntry[] = [];
    for await (const { key } of this.blobs.list(this.bucket, objectKeys.batchAnswersPrefix(articleId))) {
      all.push(...(await readJson<BookEntry[]>(this.blobs, this.bucket, key)));
    }
    return all;
  }
}
