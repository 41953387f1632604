import type { SketchIndex, SyndicationEntry } from './ports.js';
import { type Sketch, similarity } from './sketch.js';

/** The most candidates read for one article: a band shared by very many texts (a boilerplate page) is not searched through. */
export const MAX_CANDIDATES = 20;

/** The index for one process (the CLI, tests, measurements); the functions' is DynamoSketchIndex (shared/storage). */
export class MemorySketchIndex implements SketchIndex {
  private readonly bands = new Map<string, Set<string>>();
  private readonly entries = new Map<string, SyndicationEntry>();

  async candidates(
    bands: readonly string[],
    near?: { sketch: Sketch; threshold: number },
  ): Promise<SyndicationEntry[]> {
    const hashes = [...new Set(bands.flatMap((band) => [...(this.bands.get(band) ?? [])]))];
    const entries = hashes.flatMap((hash) => this.entries.get(hash) ?? []);
    if (!near) return entries.slice(0, MAX_CANDIDATES);
    return nearest(
      entries.map((entry) => ({ entry, sketch: entry.sketch })),
      near,
    ).map(({ entry }) => entry);
  }

  async add(bands: readonly string[], entry: SyndicationEntry): Promise<void> {
    this.entries.set(entry.contentHash, entry);
    for (const band of bands) this.bands.set(band, (this.bands.get(band) ?? new Set()).add(entry.contentHash));
  }
}

/**
 * Of texts found by their bands, those whose sketch is at least
 * `near.threshold` similar to `near.sketch` (a sketch of another length is
 * none), most similar first (ties in the order given), MAX_CANDIDATES at most.
 */
export function nearest<T extends { sketch: Sketch }>(
  found: readonly T[],
  near: { sketch: Sketch; threshold: number },
): T[] {
  return found
    .map((item) => ({
      item,
      score: item.sketch.length === near.sketch.length ? similarity(near.sketch, item.sketch) : 0,
    }))
    .filter(({ score }) => score >= near.threshold)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_CANDIDATES)
    .map(({ item }) => item);
}
