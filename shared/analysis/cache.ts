import { createHash, randomUUID } from 'node:crypto';
import type { AnalysisResult } from '../article.js';
import { readJson } from '../blob-json.js';
import { TransientError } from '../errors.js';
import { objectKeys } from '../layout.js';
import type { BlobStore, ContentClaims } from '../ports.js';
import type {
  AnalysisCache,
  AnalysisEngine,
  AnalysisInput,
  AnalysisOptions,
  AnswerStore,
  FingerprintedEngine,
  KeptAnswer,
} from './ports.js';

export type { AnalysisCache, FingerprintedEngine };

/**
 * Everything of the input that goes into a prompt: the text (by its hash),
 * the title and the publication time (the metadata line), and the language
 * (the translation prompt names it). Two inputs that differ in any of these
 * are different analyses: a title carrying an instruction, or another
 * publication day for "yesterday", must never reach another upload's result.
 */
export function inputIdentity(input: AnalysisInput): unknown[] {
  return [input.contentHash, input.title ?? null, input.publishedAt ?? null, input.language ?? null];
}

/** How long a message for the same text waits, at most, before it looks at the cache again. */
export const CONTENT_WAIT_MS = 30_000;

/** The same input is being analysed for another article: come back for its result. */
export class ContentInProgressError extends TransientError {
  constructor(readonly retryAfterMs: number) {
    super(
      'CONTENT_IN_PROGRESS',
      'The same text is being analysed for another article; this one waits for that result instead of paying again.',
    );
  }
}

/**
 * Never pays twice for the same analysis: a result is reused when
 * everything that went into its prompts is the same: the input (its text's
 * hash, title, publication time and language: `inputIdentity`) and the
 * engine's fingerprint (models, prompt version, target languages, settings).
 * Only complete (DONE) results are kept; a reused one reports no usage and
 * says it was a cache hit. A fresh run (a reprocess) is not served from the
 * cache, and replaces what it holds.
 *
 * With content claims, two articles with the same input at once do not both
 * pay: the first claims it; the second, finding the claim held, is told to
 * come back later (ContentInProgressError, a retry-later), when the result
 * is in the cache. On the queue's last delivery it analyses anyway: paying
 * twice is better than an article that never ends.
 */
export class CachedEngine implements AnalysisEngine {
  readonly name: string;

  constructor(
    private readonly inner: FingerprintedEngine,
    private readonly cache: AnalysisCache,
    private readonly claims?: { store: ContentClaims; leaseMs: number },
  ) {
    this.name = inner.name;
  }

  key(input: AnalysisInput, options: AnalysisOptions): string {
    return createHash('sha256')
      .update(JSON.stringify([...inputIdentity(input), this.inner.fingerprint(options)]))
      .digest('hex');
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    const key = this.key(input, options);
    if (!options.previous && !options.fresh) {
      const kept = await this.cache.get(key);
      const hit = kept && (this.inner.reread?.(kept, input.language ?? null) ?? kept);
      if (hit) return { ...hit, usage: options.meter?.usage ?? {}, provenance: { ...hit.provenance, cacheHit: true } };
    }
    const holder = randomUUID();
    const claims = this.claims;
    // A delivery resuming its own paid-for analysis (previous) claims too, so a twin waits for it; it
    // goes on without the claim, as it pays for no analysis.
    const held = claims ? await claims.store.claim(key, holder, new Date(), claims.leaseMs) : false;
    // The holder's analysis ends within its lease: look again then, or after CONTENT_WAIT_MS at most.
    if (claims && !held && !options.previous && !options.lastAttempt) {
      throw new ContentInProgressError(Math.min(CONTENT_WAIT_MS, claims.leaseMs));
    }
    try {
      const result = await this.inner.analyze(input, options);
      if (result.status === 'DONE') await this.cache.put(key, result);
      return result;
    } finally {
      if (claims && held) await claims.store.release(key, holder);
    }
  }
}

/** JSON documents under one prefix of a bucket. Best effort to read: a missing or unreadable one is null. */
class JsonBlobs<T> {
  constructor(
    private readonly blobs: BlobStore,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<T | null> {
    try {
      return await readJson<T>(this.blobs, this.bucket, `${this.prefix}${key}.json`);
    } catch {
      return null;
    }
  }

  async put(key: string, value: T): Promise<void> {
    await this.blobs.put(this.bucket, `${this.prefix}${key}.json`, JSON.stringify(value), 'application/json');
  }
}

/** The cache as JSON objects under `cache/` in the article bucket. Best effort: a failed read is a miss. */
export class BlobAnalysisCache extends JsonBlobs<AnalysisResult> implements AnalysisCache {
  constructor(blobs: BlobStore, bucket: string) {
    super(blobs, bucket, objectKeys.cachePrefix);
  }

  override async put(key: string, result: AnalysisResult): Promise<void> {
    try {
      await super.put(key, result);
    } catch {
      // The result is saved on the article either way; only the reuse is lost.
    }
  }
}

/**
 * Analysis answers kept by prompt under `answers/` in the article bucket,
 * for the LLM engine (see AnswerStore). A failed read is a miss; a failed
 * write is the engine's to shrug off.
 */
export class BlobAnswerStore extends JsonBlobs<KeptAnswer> implements AnswerStore {
  constructor(blobs: BlobStore, bucket: string) {
    super(blobs, bucket, objectKeys.answersPrefix);
  }
}

/** The cache for one process (the CLI, tests). */
export class MemoryAnalysisCache implements AnalysisCache {
  private readonly entries = new Map<string, AnalysisResult>();
  async get(key: string) {
    return this.entries.get(key) ?? null;
  }
  async put(key: string, result: AnalysisResult) {
    this.entries.set(key, result);
  }
}
