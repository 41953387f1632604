import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { PrecisError } from '../errors.js';
import { lazily } from '../lazily.js';

/**
 * Page cursors that a client can hold but neither read nor forge: the
 * position (DynamoDB's LastEvaluatedKey) and the query it belongs to, sealed
 * with AES-256-GCM under a key from configuration. A cursor that does not
 * open, or belongs to another query, is INVALID_CURSOR (a 400), never a
 * storage error.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

// Built at the first cursor opened (shared/lazily.ts), not at every cold start; on zod/mini, as the api's configuration.
const sealed = lazily(() => z.object({ q: z.string(), k: z.record(z.string(), z.union([z.string(), z.number()])) }));

function invalid(): PrecisError {
  return new PrecisError('INVALID_CURSOR', 'The cursor is not one this API returned, or belongs to another query.');
}

export class CursorCodec {
  private keyBytes: Promise<Buffer> | null = null;

  /** `key` is the secret (any length), or a function reading it once when first needed. */
  constructor(private readonly key: string | (() => Promise<string>)) {}

  private async secret(): Promise<Buffer> {
    this.keyBytes ??= (async () => {
      const raw = typeof this.key === 'string' ? this.key : await this.key();
      return createHash('sha256').update(raw).digest();
    })();
    return this.keyBytes;
  }

  async encode(query: string, position: Record<string, unknown> | undefined): Promise<string | null> {
    if (!position) return null;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.secret(), iv);
    const body = Buffer.concat([cipher.update(JSON.stringify({ q: query, k: position })), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  async decode(query: string, cursor: string): Promise<Record<string, string | number>> {
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== cursor) throw invalid();
    let opened: z.infer<typeof sealed>;
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.secret(), bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      opened = sealed.parse(JSON.parse(plain.toString('utf8')));
    } catch {
      throw invalid();
    }
    if (opened.q !== query) throw invalid();
    return opened.k;
  }
}

/**
 * A codec whose key lives only as long as the process: for callers that
 * never page across processes. The key is drawn with the first cursor sealed
 * or opened, not when the codec is built: the analyze and ingest functions'
 * article repositories get one and never page.
 */
export const processCursorCodec = () => new CursorCodec(async () => randomBytes(32).toString('base64url'));
