import { createHash } from 'node:crypto';
import type { AnalysisResult } from '../article.js';
import type { BlobStore } from '../ports.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from './engine.js';

/** Where finished analyses are kept by what produced them. */
export interface AnalysisCache {
  get(key: string): Promise<AnalysisResult | null>;
  put(key: string, result: AnalysisResult): Promise<void>;
}

/** An engine whose results depend only on the text and what `fingerprint` names. */
export interface FingerprintedEngine extends AnalysisEngine {
  fingerprint(options: AnalysisOptions): string;
}

/**
 * Never pays twice for the same analysis: a result is reused when the
 * cleaned text (its hash) and the engine's fingerprint (models, prompt
 * version, languages, settings) are the same. Only complete (DONE) results
 * are kept; a reused one reports no usage and says it was a cache hit.
 */
export class CachedEngine implements AnalysisEngine {
  readonly name: string;

  constructor(
    private readonly inner: FingerprintedEngine,
    private readonly cache: AnalysisCache,
  ) {
    this.name = inner.name;
  }

  key(input: AnalysisInput, options: AnalysisOptions): string {
    return createHash('sha256')
      .update(`${input.contentHash}\u0000${this.inner.fingerprint(options)}`)
      .digest('hex');
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    const key = this.key(input, options);
    if (!options.previous) {
      const hit = await this.cache.get(key);
      if (hit) return { ...hit, usage: {}, provenance: { ...hit.provenance, cacheHit: true } };
    }
    const result = await this.inner.analyze(input, options);
    if (result.status === 'DONE') await this.cache.put(key, result);
    return result;
  }
}

/** The cache as JSON objects under `cache/` in the article bucket. Best effort: a failed read is a miss. */
export class BlobAnalysisCache implements AnalysisCache {
  constructor(
    private readonly blobs: BlobStore,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<AnalysisResult | null> {
    try {
      return JSON.parse(
        new TextDecoder().decode(await this.blobs.get(this.bucket, `cache/${key}.json`)),
      ) as AnalysisResult;
    } catch {
      return null;
    }
  }

  async put(key: string, result: AnalysisResult): Promise<void> {
    try {
      await this.blobs.put(this.bucket, `cache/${key}.json`, JSON.stringify(result), 'application/json');
    } catch {
      // The result is saved on the article either way; only the reuse is lost.
    }
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
