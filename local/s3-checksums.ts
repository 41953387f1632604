/**
 * The integrity checks S3 makes on an upload's bytes: the checksum a
 * request names (`x-amz-checksum-<algorithm>`, as a header, a presigned
 * URL's query parameter or an aws-chunked trailer) and Content-MD5. The
 * algorithms are the SDK's own, so a value any SDK computes is checked the
 * same way.
 */
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { Md5 } from '@aws-sdk/checksums/md5';
import { Sha1, Sha256, Sha512 } from '@aws-sdk/checksums/sha';
import { Xxh3_64, Xxh3_128, Xxh64 } from '@aws-sdk/checksums/xxh';
import { s3Error } from './s3-errors.js';

interface Checksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

/** Every algorithm S3's PutObject names, by the suffix of its header, with the name S3's messages give it. */
const ALGORITHMS: Record<string, { name: string; make: () => Checksum }> = {
  crc32: { name: 'CRC32', make: () => new Crc32() },
  crc32c: { name: 'CRC32C', make: () => new Crc32c() },
  crc64nvme: { name: 'CRC64NVME', make: () => new Crc64Nvme() },
  sha1: { name: 'SHA1', make: () => new Sha1() },
  sha256: { name: 'SHA256', make: () => new Sha256() },
  sha512: { name: 'SHA512', make: () => new Sha512() },
  md5: { name: 'MD5', make: () => new Md5() },
  xxhash64: { name: 'XXHASH64', make: () => new Xxh64() },
  xxhash3: { name: 'XXHASH3', make: () => new Xxh3_64() },
  xxhash128: { name: 'XXHASH128', make: () => new Xxh3_128() },
};

const PREFIX = 'x-amz-checksum-';

async function digest(make: () => Checksum, body: Buffer): Promise<string> {
  const checksum = make();
  checksum.update(body);
  return Buffer.from(await checksum.digest()).toString('base64');
}

/** A base64 value of the length the algorithm gives, or null. */
function decoded(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  return Buffer.from(value, 'base64');
}

/**
 * Refuses, as S3 does, an upload whose bytes do not match the checksum it
 * names: BadDigest for a mismatch, InvalidRequest for a value that cannot be
 * one, or for two checksums at once. `named` holds the request's headers and
 * x-amz-* query parameters (a presigned URL's), and the body's trailers.
 */
export async function checkIntegrity(body: Buffer, named: Record<string, string | undefined>): Promise<void> {
  // Only names of algorithms: x-amz-checksum-mode, -type and -algorithm are settings, not values.
  const given = Object.entries(named).filter(
    (entry): entry is [string, string] =>
      entry[0].startsWith(PREFIX) && entry[0].slice(PREFIX.length) in ALGORITHMS && !!entry[1],
  );
  if (given.length > 1) {
    throw s3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  const sdkAlgorithm = named['x-amz-sdk-checksum-algorithm']?.toLowerCase();
  const declared = named['x-amz-trailer']?.toLowerCase();
  if (declared?.startsWith(PREFIX) && !given.some(([name]) => name === declared)) {
    throw s3Error('IncompleteBody', `The body does not carry the trailer ${declared} that x-amz-trailer announced.`);
  }
  const [entry] = given;
  if (sdkAlgorithm && !entry) {
    throw s3Error(
      'InvalidRequest',
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    );
  }
  if (entry) {
    const [name, value] = entry;
    const algorithm = ALGORITHMS[name.slice(PREFIX.length)] as (typeof ALGORITHMS)[string];
    if (sdkAlgorithm && `${PREFIX}${sdkAlgorithm}` !== name) {
      throw s3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    const expected = await digest(algorithm.make, body);
    if (decoded(value)?.length !== Buffer.from(expected, 'base64').length) {
      throw s3Error('InvalidRequest', `Value for ${name} header is invalid.`);
    }
    if (value !== expected) {
      throw s3Error('BadDigest', `The ${algorithm.name} you specified did not match the calculated checksum.`);
    }
  }
  const md5 = named['content-md5'];
  if (md5 !== undefined) {
    if (decoded(md5)?.length !== 16) throw s3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.');
    if (md5 !== (await digest(ALGORITHMS.md5?.make as () => Checksum, body))) {
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
  }
}
