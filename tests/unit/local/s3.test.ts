import { describe, expect, it } from 'vitest';
import { decodeS3Key } from '../../../lambdas/ingest/handler.js';
import { decodeAwsChunked, encodeS3EventKey } from '../../../local/s3.js';

describe('S3 event keys', () => {
  it.each([
    'incoming/plain.html',
    'incoming/with space.txt',
    'incoming/a+b (1).md',
    "incoming/عربي/خبر's.json",
    'incoming/100%.txt',
  ])('encodes %j as S3 does and decodes back', (key) => {
    const encoded = encodeS3EventKey(key);
    expect(encoded).not.toMatch(/ /);
    expect(decodeS3Key(encoded)).toBe(key);
  });

  it('writes spaces as + and keeps slashes', () => {
    expect(encodeS3EventKey('incoming/my file+1.txt')).toBe('incoming/my+file%2B1.txt');
  });
});

describe('decodeAwsChunked', () => {
  it('strips the chunk framing, signatures and trailers', () => {
    const framed = Buffer.from(
      '5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n',
      'latin1',
    );
    expect(decodeAwsChunked(framed).toString()).toBe('hello world');
  });
});
