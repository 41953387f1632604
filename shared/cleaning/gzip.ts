import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../errors.js';

/**
 * An upload compressed with gzip, uncompressed: `aws s3 cp --content-encoding
 * gzip` stores the compressed bytes, and S3 hands them back as stored (the
 * SDK does not uncompress them), as it does a `.html.gz`. Its uncompressed
 * bytes are held to the same size limit as an upload's (a small file that
 * unpacks to gigabytes stops at the limit, TOO_LARGE); gzip inside gzip is
 * not unpacked again (BINARY_CONTENT). Other bytes are returned as they are.
 */
export function gunzipped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  let plain: Uint8Array;
  try {
    plain = gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvalidInputError(
        'TOO_LARGE',
        `The object is compressed (gzip), and larger than the limit of ${maxBytes.toLocaleString('en')} bytes once uncompressed.`,
        error,
      );
    }
    throw new InvalidInputError(
      'BINARY_CONTENT',
      `The object is a gzip file that does not uncompress (${(error as Error).message}), not an article.`,
      error,
    );
  }
  if (plain.length === 0) throw new InvalidInputError('EMPTY_OBJECT', 'The file is empty once uncompressed (gzip).');
  return plain;
}
