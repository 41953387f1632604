import { createHash } from 'node:crypto';
import { unicodePattern } from '../unicode-pattern.js';

/**
 * A MinHash sketch of a text: the least hash, under each of HASHES
 * functions, of the text's word shingles (SHINGLE consecutive words,
 * folded to lower case, punctuation dropped). Two sketches agree in about
 * the share of positions that the texts' shingle sets overlap (their
 * Jaccard similarity), whatever the texts' lengths. Its first BANDS × ROWS
 * values are cut into BANDS bands of ROWS values: two texts that share a
 * whole band are candidates (locality-sensitive hashing), found by the
 * band's key without comparing every pair; a candidate is then judged by its
 * whole sketch.
 *
 * Each band is one write when a text is indexed (an UpdateItem in the
 * table: dynamo-sketch-index.ts), the largest share of an article's
 * requests. 12 bands of 3 find a pair at least as often as the 16 bands of
 * 4 they replaced at each similarity up to 0.82, and miss one above it less
 * than once in 100,000 (candidateChance: 0.979 against 0.957 at the
 * threshold, 0.65), for four writes fewer; what they find more of is pairs
 * well below the threshold (0.28 against 0.12 at 0.3), each then read and
 * judged by its whole sketch, never reused for it.
 *
 * No npm package with MinHash is among those this project may use, and it
 * is a few lines: written here.
 */

export const SHINGLE = 5;
export const BANDS = 12;
export const ROWS = 3;
/** The sketch's values: the similarity is read from all of them, the bands from the first BANDS × ROWS. */
const HASHES = 64;

/** A text's sketch: HASHES 32-bit values. */
export type Sketch = number[];

/** The words of a text, folded: letters and digits of any script, lower case. */
function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().split(unicodePattern(String.raw`[^\p{L}\p{N}]+`, 'u')).filter(Boolean);
}

/** FNV-1a over a string's UTF-16 units, with a seed: 32 bits. */
function fnv(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final mix (murmur3's), so that near strings spread over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The sketch of a text. Each shingle is hashed twice (h1, h2) and the i-th
 * function taken as h1 + i·h2 (Kirsch–Mitzenmacher), which is as good as
 * HASHES independent ones for this use. A text shorter than one shingle is
 * one shingle.
 */
export function sketchOf(text: string): Sketch {
  const w = words(text);
  const shingles = new Set<string>();
  for (let i = 0; i + SHINGLE <= w.length; i++) shingles.add(w.slice(i, i + SHINGLE).join(' '));
  if (shingles.size === 0) shingles.add(w.join(' '));
  const sketch = new Array<number>(HASHES).fill(0xffffffff);
  for (const shingle of shingles) {
    const h1 = fnv(shingle, 0);
    const h2 = fnv(shingle, 0x9e3779b9) | 1;
    for (let i = 0; i < HASHES; i++) {
      const h = (h1 + Math.imul(i, h2)) >>> 0;
      if (h < (sketch[i] as number)) sketch[i] = h;
    }
  }
  return sketch;
}

/** The estimated Jaccard similarity of two texts: the share of their sketches' positions that agree. */
export function similarity(a: Sketch, b: Sketch): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

/**
 * The chance that two texts of Jaccard similarity `s` share at least one
 * whole band of `rows` values out of `bands` (LSH's S-curve).
 */
export function candidateChance(s: number, bands = BANDS, rows = ROWS): number {
  return 1 - (1 - s ** rows) ** bands;
}

/**
 * The keys of a sketch's bands, each bound to `scope` (the engine's
 * settings): texts analysed under other settings never meet.
 */
export function bandKeys(sketch: Sketch, scope: string): string[] {
  return Array.from({ length: BANDS }, (_, band) =>
    createHash('sha256')
      .update(`${scope}\n${band}\n${sketch.slice(band * ROWS, (band + 1) * ROWS).join(',')}`)
      .digest('hex')
      .slice(0, 32),
  );
}
