import { createRequire } from 'node:module';

/**
 * s3rver seals the continuation token of a listing with DES, which OpenSSL 3
 * (Node 17 and later) refuses: every listing longer than a page (1,000
 * keys) answered 500 InternalError, so the sweep could not list `incoming/`
 * once it held more than a page of uploads. The token is s3rver's own (S3's
 * is opaque too): here the DES its controller asks for is AES-128 in counter
 * mode, the 8-byte key and IV it passes zero-padded to 16, sealed and opened
 * the same way. Nothing else in the emulator's thread asks for DES.
 */
const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
const { createCipheriv, createDecipheriv } = crypto;
const widen = (bytes: Parameters<typeof createCipheriv>[1]) =>
  Buffer.concat([Buffer.from(bytes as Uint8Array), Buffer.alloc(8)]).subarray(0, 16);

export function sealListingTokensWithAes(): void {
  if ((crypto.createCipheriv as { aesForDes?: boolean }).aesForDes) return;
  const cipher = ((algorithm: string, key, iv, options) =>
    algorithm === 'des'
      ? createCipheriv('aes-128-ctr', widen(key), widen(iv as Uint8Array))
      : createCipheriv(algorithm, key, iv, options)) as typeof createCipheriv;
  const decipher = ((algorithm: string, key, iv, options) =>
    algorithm === 'des'
      ? createDecipheriv('aes-128-ctr', widen(key), widen(iv as Uint8Array))
      : createDecipheriv(algorithm, key, iv, options)) as typeof createDecipheriv;
  crypto.createCipheriv = Object.assign(cipher, { aesForDes: true });
  crypto.createDecipheriv = decipher;
}
