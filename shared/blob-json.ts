import type { BlobStore } from './ports.js';

/**
 * An object precis stored as JSON, read whole: the blob store's `get`,
 * decoded as UTF-8 and parsed. Throws what `get` throws (SOURCE_NOT_FOUND,
 * STORAGE_UNAVAILABLE) and a SyntaxError for bytes that are not JSON; each
 * reader decides what either means to it (a miss, a value gone, an error).
 * The value is not checked: it is what precis wrote there.
 */
export async function readJson<T>(blobs: BlobStore, bucket: string, key: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await blobs.get(bucket, key))) as T;
}
