/**
 * The local S3 is as strict as S3 where a difference would hide a bug:
 * signatures, presigned URLs' limits and checksums, CORS, keys. Each case
 * sends what a client (the SDK, a browser, curl) would, and expects S3's
 * answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { presigningS3Client } from '../../lambdas/runtime.js';
import { type LocalS3, startS3, uploadCorsRule } from '../../local/s3.js';
import { LOCAL_CREDENTIALS } from '../../local/stack.js';

const BUCKET = 'precis-articles';
const PAGE = 'http://127.0.0.1:3000';
let s3: LocalS3;
let directory: string;
let client: S3Client;
let presigner: S3Client;
const created: string[] = [];
/** The local S3's clock: the system's, unless a test sets the time. */
let now: (() => Date) | null = null;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'precis-s3-'));
  s3 = await startS3({
    port: 0,
    directory,
    bucket: BUCKET,
    credentials: LOCAL_CREDENTIALS,
    cors: () => [uploadCorsRule([PAGE])],
    clock: () => (now ? now() : new Date()),
    onObjectCreated: (record) => created.push((record.s3 as { object: { key: string } }).object.key),
  });
  const config = { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: LOCAL_CREDENTIALS };
  client = new S3Client(config);
  presigner = presigningS3Client(config);
});

afterAll(async () => {
  await s3?.close();
  rmSync(directory, { recursive: true, force: true });
});

const read = async (key: string) =>
  client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then(
    (r) => r.Body?.transformToString(),
    (error: Error) => error.name,
  );

/** A PUT URL signed for `size` bytes of `type`, as the API hands one out; `signingDate` to make one long expired. */
const uploadUrl = (key: string, size: number, type = 'text/plain', signingDate?: Date) =>
  getSignedUrl(presigner, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: type, ContentLength: size }), {
    expiresIn: 300,
    signableHeaders: new Set(['content-type', 'content-length']),
    ...(signingDate ? { signingDate } : {}),
  });

/** S3's answer to a request: its status and error code (none for a 2xx). */
async function answer(response: Response) {
  const body = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? null };
}

describe('presigned uploads', () => {
  it('take exactly the size and type they were signed for, at the key they were signed for', async () => {
    // Prepare
    const key = 'incoming/presigned/ten.txt';
    const url = await uploadUrl(key, 10);
    const put = (target: string, body: string, type = 'text/plain') =>
      fetch(target, { method: 'PUT', headers: { 'content-type': type }, body }).then(answer);
    // Act
    const bigger = await put(url, '<h1>300 bytes of HTML</h1>'.padEnd(300, '.'));
    const otherType = await put(url, '0123456789', 'text/html');
    const otherKey = await put(url.replace('/ten.txt', '/cleaned.txt'), '0123456789');
    const signed = await put(url, '0123456789');
    // Assess
    expect(bigger).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(otherType).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(otherKey).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(signed).toEqual({ status: 200, code: null });
    expect(await read(key)).toBe('0123456789');
    expect(await read('incoming/presigned/cleaned.txt')).toBe('NoSuchKey');
  });

  it('hold for X-Amz-Expires seconds from their date, and no longer', async () => {
    // Prepare: a URL signed at a known time, and the S3's clock set around its end.
    const signedAt = new Date('2026-11-01T10:00:00Z');
    const url = await uploadUrl('incoming/presigned/timed.txt', 4, 'text/plain', signedAt);
    const send = async (secondsLater: number) => {
      now = () => new Date(signedAt.getTime() + secondsLater * 1000);
      try {
        return await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'late' }).then(
          answer,
        );
      } finally {
        now = null;
      }
    };
    // Act, Assess
    expect(await send(301)).toEqual({ status: 403, code: 'AccessDenied' });
    expect(await read('incoming/presigned/timed.txt')).toBe('NoSuchKey');
    expect(await send(299)).toEqual({ status: 200, code: null });
  });

  it('refuse a URL with a signature that was changed', async () => {
    const key = 'incoming/presigned/tampered.txt';
    const tampered = (await uploadUrl(key, 4)).replace(/X-Amz-Signature=([0-9a-f])/, (_, c) =>
      c === '0' ? 'X-Amz-Signature=1' : 'X-Amz-Signature=0',
    );
    const sent = await fetch(tampered, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'evil' });
    expect(await answer(sent)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await read(key)).toBe('NoSuchKey');
  });

  it('refuse a body that does not match a checksum the URL signs, as S3 does with the SDK’s default checksum', async () => {
    // A client left with the SDK's default signs the CRC32 of no bytes (AAAAAA==) into the URL.
    const key = 'incoming/presigned/crc.txt';
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'text/plain', ContentLength: 10 }),
      { expiresIn: 300, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    expect(new URL(url).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    const sent = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '0123456789' });
    expect(await answer(sent)).toEqual({ status: 400, code: 'BadDigest' });
    expect(await read(key)).toBe('NoSuchKey');
  });
});

describe('requests without the local credentials', () => {
  it('refuses unsigned PUT, GET and DELETE with AccessDenied, and changes nothing', async () => {
    const key = 'cleaned/0123456789abcdef01234567.txt';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'the cleaned text' }));
    const url = `${s3.endpoint}/${BUCKET}/${key}`;
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const response = await fetch(url, { method, ...(method === 'PUT' ? { body: 'replaced' } : {}) });
      expect(await answer(response), method).toEqual({ status: 403, code: 'AccessDenied' });
    }
    const listing = await fetch(`${s3.endpoint}/${BUCKET}?list-type=2`);
    expect(await answer(listing)).toEqual({ status: 403, code: 'AccessDenied' });
    expect(await read(key)).toBe('the cleaned text');
  });

  it('refuses another secret and another access key as S3 does', async () => {
    const wrong = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
      new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials })
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/forged.txt', Body: 'x' }))
        .then(
          () => 'accepted',
          (error: Error) => error.name,
        );
    expect(await wrong({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'guess' })).toBe(
      'SignatureDoesNotMatch',
    );
    expect(await wrong({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test' })).toBe('InvalidAccessKeyId');
    expect(await read('incoming/forged.txt')).toBe('NoSuchKey');
  });

  it('refuses a body other than the one whose hash was signed, and a streamed one whose trailing checksum is wrong', async () => {
    const signer = new SignatureV4({
      service: 's3',
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      sha256: Sha256,
    });
    const { hostname, port, host } = new URL(s3.endpoint);
    const send = async (key: string, headers: Record<string, string>, body: string) => {
      const path = `/${BUCKET}/${key}`;
      const signed = await signer.sign({
        method: 'PUT',
        protocol: 'http:',
        hostname,
        port: Number(port),
        path,
        headers: { host, ...headers },
        ...(headers['x-amz-content-sha256'] ? {} : { body: 'the signed body' }),
      });
      return answer(await fetch(`${s3.endpoint}${path}`, { method: 'PUT', headers: signed.headers, body }));
    };
    expect(await send('incoming/swapped.txt', {}, 'another body')).toEqual({
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
    });
    const chunked = '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
    const streamed = {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '5',
      'x-amz-trailer': 'x-amz-checksum-crc32',
    };
    expect(await send('incoming/streamed-bad.txt', streamed, chunked)).toEqual({ status: 400, code: 'BadDigest' });
    expect(await read('incoming/swapped.txt')).toBe('NoSuchKey');
    expect(await read('incoming/streamed-bad.txt')).toBe('NoSuchKey');
  });
});

describe('the bucket’s CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${s3.endpoint}/${BUCKET}/incoming/x.txt`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });

  it('lets the reader page PUT, and no page on another origin', async () => {
    const page = await preflight(PAGE);
    expect(page.status).toBe(200);
    expect(page.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(page.headers.get('access-control-allow-methods')).toBe('PUT');
    const foreign = await preflight('http://evil.example');
    expect(await answer(foreign)).toEqual({ status: 403, code: 'CORSResponse' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('keys', () => {
  const keys = [
    'incoming/double//slash.txt',
    'incoming/trailing//',
    '/leading-slash.txt',
    'incoming/./dot/../dots.txt',
    'incoming/.hidden',
    'incoming/100% sure+plus (1).txt',
    "incoming/it's*!~.txt",
    'incoming/عربي/خبر.txt',
  ];

  it('come back as written from GET and LIST, and reach the pipeline’s event as written', async () => {
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    for (const key of keys) expect(await read(key), key).toBe(key);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(expect.arrayContaining(keys));
    const under = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'incoming/double/', Delimiter: '/' }),
    );
    expect(under.CommonPrefixes).toEqual([{ Prefix: 'incoming/double//' }]);
    expect(created.map((k) => decodeURIComponent(k.replace(/\+/g, ' ')))).toEqual(expect.arrayContaining(keys));
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'incoming/double//slash.txt' }));
    expect(await read('incoming/double//slash.txt')).toBe('NoSuchKey');
  });

  it('list a page at a time past the first page, each continuation token taking up where its page ended', async () => {
    // Prepare
    const paged = ['incoming/pages/a.txt', 'incoming/pages/b.txt', 'incoming/pages/c.txt', 'incoming/pages/d.txt'];
    for (const key of paged) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    // Act
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'incoming/pages/', MaxKeys: 3, ContinuationToken: token }),
      );
      pages.push((page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    // Assess
    expect(pages).toEqual([paged.slice(0, 3), paged.slice(3)]);
  });

  it('take a streamed upload from a default SDK client (aws-chunked, checksum trailer) byte for byte', async () => {
    const text = 'A streamed upload reaches the bucket whole.';
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incoming/streamed//ok.txt',
        Body: Readable.from([Buffer.from(text)]),
        ContentLength: Buffer.byteLength(text),
      }),
    );
    expect(await read('incoming/streamed//ok.txt')).toBe(text);
  });
});

describe('the emulator’s own work', () => {
  it('logs nothing through winston for the objects it stores, reads and misses (nothing reads those lines)', async () => {
    // Prepare: s3rver's own winston, whose every line was formatted and piped through its streams, then dropped.
    const winston = createRequire(createRequire(import.meta.url).resolve('s3rver'))('winston') as {
      Logger: { prototype: { log: (...args: unknown[]) => unknown } };
    };
    const log = vi.spyOn(winston.Logger.prototype, 'log');
    try {
      // Act
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'quiet/a.txt', Body: 'a' }));
      const body = await read('quiet/a.txt');
      const missing = await read('quiet/none.txt');
      // Assess
      expect([body, missing]).toEqual(['a', 'NoSuchKey']);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
