import { randomBytes } from 'node:crypto';
import { articleIdFor, objectKeys } from '../article.js';
import { InvalidInputError, tooLargeMessage } from '../errors.js';
import type { BlobStore, UploadSigner } from '../ports.js';
import { unicodePattern } from '../unicode-pattern.js';

/** How long a presigned upload URL stays good. */
export const UPLOAD_URL_SECONDS = 300;
/** The largest article that may be posted in the request itself; larger ones go through an upload URL. */
export const DIRECT_UPLOAD_BYTES = 256 * 1024;

export interface UploadDeps {
  blobs: BlobStore;
  uploads: UploadSigner;
  clock: () => Date;
  config: { bucket: string; maxObjectBytes: number };
}

export interface UploadRequest {
  filename: string;
  /** The file's media type; `application/octet-stream` when not given (the cleaner sniffs the bytes). */
  contentType?: string;
  /** For an upload URL: the file's size in bytes, which the URL is signed for. */
  size?: number;
  /** Or the article itself, as text or base64 (at most DIRECT_UPLOAD_BYTES). */
  content?: string;
  contentBase64?: string;
}

export interface UploadTicket {
  /** The article's id, to poll GET /articles/{id}: 404 until the cleaner has seen the upload. */
  id: string;
  /** Where the article is (or will be) in the bucket. */
  key: string;
  /** The presigned PUT to send the file with, or null when the content came with the request. */
  upload: { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string } | null;
}

/**
 * The most UTF-8 bytes of a file name's stem in a key: with the random
 * prefix and the extension, a key's last part stays under what a file name
 * can be on the disk of the local store (224 bytes, local/s3-store.ts).
 * Counted in characters, 100 Chinese ones took 300 bytes, and the local
 * store refused the upload: a POST /articles with its content answered 503
 * STORAGE_UNAVAILABLE, "try again", every time.
 */
const MAX_STEM_BYTES = 150;

/**
 * A file name made safe for a key: letters, digits, dots, dashes and
 * underscores (any script), the rest as dashes, its extension kept (the
 * cleaner reads the format from it); its stem at most 100 characters and
 * MAX_STEM_BYTES, never cut inside a character.
 */
export function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const safe = base
    .normalize('NFC')
    .replace(unicodePattern(String.raw`[^\p{L}\p{N}._-]+`, 'gu'), '-')
    .replace(/^[.-]+/, '')
    .replace(/-{2,}/g, '-');
  const ext = unicodePattern(String.raw`\.[\p{L}\p{N}]{1,10}$`, 'u').exec(safe)?.[0] ?? '';
  const stem = [...safe.slice(0, safe.length - ext.length)].slice(0, 100);
  while (Buffer.byteLength(stem.join('')) > MAX_STEM_BYTES) stem.pop();
  return `${stem.join('') || 'article'}${ext}`;
}

/** A key no other upload has: `incoming/uploads/<date>/<random>-<name>`, so the article id is known before the file lands. */
function uploadKey(filename: string, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  return `${objectKeys.incomingPrefix}uploads/${day}/${randomBytes(6).toString('hex')}-${safeFilename(filename)}`;
}

function tooLarge(size: number, max: number, limitFor = '', hint = ''): never {
  throw new InvalidInputError('TOO_LARGE', `${tooLargeMessage(size, max, limitFor)}${hint}`);
}

/**
 * An article taken over HTTPS: either the content itself (small files), put
 * in the bucket at once, or a presigned PUT for the client to send it with.
 * Either way the upload lands under `incoming/`, where the bucket's event
 * starts the pipeline as for any other upload.
 */
export async function requestUpload(request: UploadRequest, deps: UploadDeps): Promise<UploadTicket> {
  const { bucket, maxObjectBytes } = deps.config;
  const contentType = request.contentType ?? 'application/octet-stream';
  const now = deps.clock();
  const key = uploadKey(request.filename, now);
  const id = articleIdFor(bucket, key);
  const inline =
    request.content !== undefined
      ? Buffer.from(request.content, 'utf8')
      : request.contentBase64 !== undefined
        ? Buffer.from(request.contentBase64, 'base64')
        : null;
  if (inline) {
    if (inline.length === 0) throw new InvalidInputError('EMPTY_OBJECT', 'The content is empty (0 bytes).');
    if (inline.length > DIRECT_UPLOAD_BYTES) {
      tooLarge(
        inline.length,
        DIRECT_UPLOAD_BYTES,
        'for content in the request',
        ' Give its size instead, for an upload URL, which takes up to the size limit.',
      );
    }
    await deps.blobs.put(bucket, key, inline, contentType);
    return { id, key, upload: null };
  }
  const size = request.size ?? 0;
  if (size > maxObjectBytes) tooLarge(size, maxObjectBytes);
  const url = await deps.uploads.signPut(bucket, key, {
    contentType,
    contentLength: size,
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
  return {
    id,
    key,
    upload: {
      method: 'PUT',
      url,
      headers: { 'content-type': contentType },
      expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    },
  };
}
