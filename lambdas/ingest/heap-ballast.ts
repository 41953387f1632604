/**
 * Old-generation room the cleaning worker holds from its start and never
 * frees, so that its heap grows in larger steps between full collections.
 *
 * V8 sets the next full collection of a heap capped at 512 MB at about 1.4
 * times what the last one left alive (4 times for a heap of 2 GB or more,
 * the main thread's). The worker keeps 20 to 25 MB alive (the language
 * models, the parsers' code), so each 8 to 10 MB a page's scavenges promote
 * cost a mark-compact: 50 a 362 pages on the benchmark's pages, against 8 in
 * process. A string of a few tens of MB counts toward what is alive but
 * costs a collection nothing: it holds no pointers to mark and, in the large
 * object space, is never moved. Held, it makes the step 0.4 times the
 * ballast larger; at an eighth of the cap the worker ran 22 and 24 full
 * collections where it ran 50 and 52. The pool adds the ballast to the V8
 * limit (worker-cleaner.ts), so an upload keeps the whole cap for itself.
 */

/** The ballast of a worker whose uploads have `heapMb` of heap, MB: an eighth of it (64 MB at 512 MB). */
export const ballastMb = (heapMb: number) => Math.max(1, Math.round(heapMb / 8));

/** What one string of the ballast holds, bytes: far under V8's longest string, whatever the cap. */
const CHUNK = 8 * 1024 * 1024;

/** The ballast, held for the worker's life. */
const held: string[] = [];

/**
 * Holds `mb` MB of the thread's heap until it ends. The strings are decoded
 * from UTF-8, which V8 stores in its own heap: an ASCII or Latin-1 decoding
 * of a large buffer would be an external string, outside the old generation
 * and of no use here.
 */
export function holdBallast(mb: number): void {
  let left = Math.max(0, Math.round(mb * 1024 * 1024));
  const spaces = Buffer.alloc(Math.min(CHUNK, left), 0x20);
  while (left > 0) {
    const size = Math.min(CHUNK, left);
    held.push(spaces.toString('utf8', 0, size));
    left -= size;
  }
}

/** Bytes of ballast this thread holds. */
export const heldBallastBytes = () => held.reduce((sum, chunk) => sum + chunk.length, 0);
