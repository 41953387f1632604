import { objectKeys } from '../layout.js';
import type { BlobStore } from '../ports.js';
import type { SketchIndex, SyndicationEntry } from './ports.js';

/** The most candidates read for one article: a band shared by very many texts (a boilerplate page) is not searched through. */
export const MAX_CANDIDATES = 20;

/**
 * The sketch index in the article bucket: each entry once
 * (`sketches/entries/<hash>.json`), and an empty marker per band
 * (`sketches/bands/<band>/<hash>`), so a look-up lists the article's
 * bands (16 small listings) and reads the entries they name. Best effort:
 * an entry that cannot be read is skipped.
 */
export class BlobSketchIndex implements SketchIndex {
  constructor(
    private readonly blobs: BlobStore,
    private readonly bucket: string,
  ) {}

  async candidates(bands: readonly string[]): Promise<SyndicationEntry[]> {
    const hashes = new Set<string>();
    for (const band of bands) {
      const prefix = objectKeys.sketchBand(band);
      for await (const object of this.blobs.list(this.bucket, prefix)) {
        hashes.add(object.key.slice(prefix.length));
        if (hashes.size >= MAX_CANDIDATES) break;
      }
      if (hashes.size >= MAX_CANDIDATES) break;
    }
    const entries = await Promise.all(
      [...hashes].map(async (hash) => {
        try {
          const body = await this.blobs.get(this.bucket, objectKeys.sketchEntry(hash));
          return JSON.parse(new TextDecoder().decode(body)) as SyndicationEntry;
        } catch {
          return null;
        }
      }),
    );
    return entries.filter((e): e is SyndicationEntry => e !== null);
  }

  async add(bands: readonly string[], entry: SyndicationEntry): Promise<void> {
    // The entry first: a marker never names an entry that is not there.
    await this.blobs.put(
      this.bucket,
      objectKeys.sketchEntry(entry.contentHash),
      JSON.stringify(entry),
      'application/json',
    );
    await Promise.all(
      bands.map((band) =>
        this.blobs.put(this.bucket, `${objectKeys.sketchBand(band)}${entry.contentHash}`, '', 'text/plain'),
      ),
    );
  }
}

/** The index for one process (the CLI, tests, measurements). */
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
