import type { SketchIndex, SyndicationEntry } from './ports.js';

/** The most candidates read for one article: a band shared by very many texts (a boilerplate page) is not searched through. */
export const MAX_CANDIDATES = 20;

/** The index for one process (the CLI, tests, measurements); the functions' is DynamoSketchIndex (shared/storage). */
export class MemorySketchIndex implements SketchIndex {
  private readonly bands = new Map<string, Set<string>>();
  private readonly entries = new Map<string, SyndicationEntry>();

  async candidates(bands: readonly string[]): Promise<SyndicationEntry[]> {
    const hashes = new Set(bands.flatMap((band) => [...(this.bands.get(band) ?? [])]));
    return [...hashes].slice(0, MAX_CANDIDATES).flatMap((hash) => this.entries.get(hash) ?? []);
  }

  async add(bands: readonly string[], entry: SyndicationEntry): Promise<void> {
    this.entries.set(entry.contentHash, entry);
    for (const band of bands) this.bands.set(band, (this.bands.get(band) ?? new Set()).add(entry.contentHash));
  }
}
