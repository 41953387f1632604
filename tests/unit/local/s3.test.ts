import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3Key } from '../../../lambdas/ingest/handler.js';
import { encodeS3EventKey } from '../../../local/s3.js';
import { authorizationOf, type WireRequest } from '../../../local/s3-authorization.js';
import { checkIntegrity } from '../../../local/s3-checksums.js';
import { parseAwsChunked } from '../../../local/s3-chunked.js';
import { SignatureCheck } from '../../../local/s3-sigv4.js';
import {
  decodeKeyPath,
  encodeKeyPath,
  KeyPreservingStore,
  unstorableKey,
  WHOLE_BODY,
} from '../../../local/s3-store.js';

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

describe('the local store’s file names for keys', () => {
  it('keeps every key a path would change: empty parts, a leading slash, dots, percent signs', () => {
    // Prepare
    const keys = ['incoming/a//b.txt', '/lead.txt', 'incoming/./x', 'incoming/../x', 'incoming/.hidden', 'a/100%.txt'];
    // Act
    const paths = keys.map(encodeKeyPath);
    // Assess
    expect(paths).toEqual([
      'incoming/a/%/b.txt',
      '%/lead.txt',
      'incoming/%2E/x',
      'incoming/%2E./x',
      'incoming/%2Ehidden',
      'a/100%25.txt',
    ]);
    expect(
      paths.every(
        (path) =>
          !path
            .split('/')
            .slice(0, -1)
            .some((part) => ['', '.', '..'].includes(part)),
      ),
    ).toBe(true);
    expect(paths.map(decodeKeyPath)).toEqual(keys);
  });

  it('leaves an ordinary key as it was, so a data folder from before keeps its objects', () => {
    expect(encodeKeyPath('incoming/uploads/2026-11-01/ab12-Basra water (1).html')).toBe(
      'incoming/uploads/2026-11-01/ab12-Basra water (1).html',
    );
  });

  it('decodes any key back, and keeps a prefix’s file name a prefix of its keys’ (listing relies on it)', () => {
    const key = fc.string({ unit: fc.constantFrom('a', '/', '.', '%', '2', 'E', 'é') });
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(decodeKeyPath(encodeKeyPath(a + b))).toBe(a + b);
        expect(encodeKeyPath(a + b).startsWith(encodeKeyPath(a))).toBe(true);
      }),
    );
  });

  it('refuses only keys over S3’s limit, parts too long for a file name, and NUL', () => {
    expect(unstorableKey('incoming/a//../b')).toBeNull();
    expect(unstorableKey(`incoming/${'x'.repeat(1100)}`)).toMatch(/S3's limit of 1024 bytes/);
    expect(unstorableKey(`incoming/${'%'.repeat(80)}`)).toMatch(/240 bytes as a file name/);
    expect(unstorableKey('incoming/a\0b')).toMatch(/NUL/);
  });
});

describe('aws-chunked bodies', () => {
  it('reads the chunks, their signatures and the trailers', () => {
    const sig = (c: string) => c.repeat(64);
    const framed = Buffer.from(
      `5;chunk-signature=${sig('a')}\r\nhello\r\n6;chunk-signature=${sig('b')}\r\n world\r\n0;chunk-signature=${sig('c')}\r\nx-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:${sig('d')}\r\n\r\n`,
      'latin1',
    );
    const parsed = parseAwsChunked(framed);
    expect(parsed.body.toString()).toBe('hello world');
    expect(parsed.chunks.map((c) => c.signature)).toEqual([sig('a'), sig('b'), sig('c')]);
    expect(parsed.trailers).toEqual({ 'x-amz-checksum-crc32': 'DUoRhQ==' });
    expect(parsed.trailerText).toBe('x-amz-checksum-crc32:DUoRhQ==\n');
    expect(parsed.trailerSignature).toBe(sig('d'));
  });

  it('refuses framing that does not add up with IncompleteBody', () => {
    for (const bad of ['5\r\nhell', '5\r\nhello world\r\n0\r\n\r\n', 'zz\r\nhello\r\n', '5\r\nhello']) {
      expect(() => parseAwsChunked(Buffer.from(bad)), bad).toThrow(expect.objectContaining({ code: 'IncompleteBody' }));
    }
  });
});

describe('checksums on an upload', () => {
  const body = Buffer.from('hello world');

  it('takes the checksum of the bytes in any algorithm S3 names', async () => {
    await expect(checkIntegrity(body, { 'x-amz-checksum-crc32': 'DUoRhQ==' })).resolves.toBeUndefined();
    await expect(
      checkIntegrity(body, { 'x-amz-checksum-sha256': 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=' }),
    ).resolves.toBeUndefined();
    await expect(checkIntegrity(body, { 'content-md5': 'XrY7u+Ae7tCTyyK7j1rNww==' })).resolves.toBeUndefined();
  });

  it('refuses the checksum of other bytes as BadDigest, as S3 does (the CRC32 of no bytes, say)', async () => {
    await expect(checkIntegrity(body, { 'x-amz-checksum-crc32': 'AAAAAA==' })).rejects.toMatchObject({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    await expect(checkIntegrity(body, { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' })).rejects.toMatchObject({
      code: 'BadDigest',
    });
  });

  it('refuses a value that cannot be a checksum, two checksums, and an announced one that never came', async () => {
    await expect(checkIntegrity(body, { 'x-amz-checksum-crc32': 'not base64' })).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
    await expect(
      checkIntegrity(body, { 'x-amz-checksum-crc32': 'DUoRhQ==', 'x-amz-checksum-crc32c': 'yZRlqg==' }),
    ).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(checkIntegrity(body, { 'x-amz-trailer': 'x-amz-checksum-crc32' })).rejects.toMatchObject({
      code: 'IncompleteBody',
    });
    // Settings, not values: a GET's checksum mode and a multipart upload's algorithm.
    await expect(
      checkIntegrity(body, { 'x-amz-checksum-mode': 'ENABLED', 'x-amz-checksum-algorithm': 'CRC32' }),
    ).resolves.toBeUndefined();
  });
});

describe('SigV4 checks', () => {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const signer = new SignatureV4({
    service: 's3',
    region: 'eu-west-1',
    credentials,
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signingDate = new Date('2026-11-01T10:00:00Z');

  it('takes a signed aws-chunked stream and refuses a chunk whose bytes changed', async () => {
    // Prepare: a header-signed request, then each chunk signed over the one before, as the AWS CLI streams one.
    const signed = await signer.sign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/b/incoming/a.txt',
        headers: { host: '127.0.0.1:1', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
      },
      { signingDate },
    );
    const request: WireRequest = { method: 'PUT', path: '/b/incoming/a.txt', query: '', headers: signed.headers };
    const auth = authorizationOf(request);
    if (!auth) throw new Error('no authorization');
    const chunks: { data: Buffer; signature?: string }[] = [];
    let previous = auth.signature;
    for (const data of [Buffer.from('hello '), Buffer.from('world'), Buffer.alloc(0)]) {
      const signature = await signer.sign(
        { headers: new Uint8Array(0), payload: data },
        { signingDate, priorSignature: previous },
      );
      chunks.push({ data, signature });
      previous = signature;
    }
    const check = new SignatureCheck(credentials);
    // Act, Assess
    await expect(check.verifyRequest(auth, request)).resolves.toBeUndefined();
    await expect(check.verifyChunks(auth, chunks)).resolves.toBeUndefined();
    const tampered = chunks.map((c, i) => (i === 1 ? { ...c, data: Buffer.from('w0rld') } : c));
    await expect(check.verifyChunks(auth, tampered)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('takes what the SDK signs, header or presigned, on any day and in any region, with its key kept, and nothing else', async () => {
    // One check for every run: its signing keys are kept from one request to the next.
    const check = new SignatureCheck(credentials);
    await fc.assert(
      fc.asyncProperty(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
        fc.boolean(),
        fc.stringMatching(/^[a-z0-9/._-]{1,20}$/),
        async (date, region, presign, key) => {
          const sdk = new SignatureV4({ service: 's3', region, credentials, sha256: Sha256, uriEscapePath: false });
          const path = `/b/${key}`;
          const base = {
            method: 'GET',
            protocol: 'http:',
            hostname: '127.0.0.1',
            path,
            headers: { host: '127.0.0.1:1' },
          };
          // As S3's presigner does, an unsigned payload (its header hoisted into the query).
          const unsigned = { ...base, headers: { ...base.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
          const signed = presign
            ? await sdk.presign(unsigned, { signingDate: date, expiresIn: 60 })
            : await sdk.sign(unsigned, { signingDate: date });
          const query = Object.entries(signed.query ?? {})
            .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
            .join('&');
          const request: WireRequest = { method: 'GET', path, query, headers: signed.headers };
          const auth = authorizationOf(request);
          if (!auth) throw new Error('no authorization');
          await expect(check.verifyRequest(auth, request)).resolves.toBeUndefined();
          const other: WireRequest = { ...request, path: `${path}x` };
          await expect(check.verifyRequest(auth, other)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads no authorization from an anonymous request, and refuses SigV2 and two mechanisms at once', () => {
    const request = (headers: Record<string, string>, query = ''): WireRequest => ({
      method: 'GET',
      path: '/b/k',
      query,
      headers,
    });
    expect(authorizationOf(request({}))).toBeNull();
    expect(() => authorizationOf(request({ authorization: 'AWS test:abc' }))).toThrow(
      expect.objectContaining({ code: 'InvalidRequest' }),
    );
    expect(() =>
      authorizationOf(request({ authorization: 'AWS4-HMAC-SHA256 Credential=x' }, 'X-Amz-Algorithm=AWS4-HMAC-SHA256')),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() =>
      authorizationOf(
        request(
          {},
          'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261101T100000Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00',
        ),
      ),
    ).toThrow(expect.objectContaining({ code: 'AuthorizationQueryParametersError' }));
  });
});

describe('the local store’s bucket and its configurations, held once read', () => {
  const require = createRequire(import.meta.url);
  const { S3CorsConfiguration } = require('s3rver/lib/models/config.js') as {
    S3CorsConfiguration: new (xml: string) => { type: string; rules: unknown[] };
  };
  const corsXml = (origin: string) =>
    `<CORSConfiguration><CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`;

  it('answers a configuration or a bucket changed through it with the change, not with what it read before', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'precis-store-'));
    const store = new KeyPreservingStore(root);
    try {
      expect(await store.getBucket('b')).toBeNull();
      await store.putBucket('b');
      expect(await store.getSubresource('b', undefined, 'cors')).toBeNull();

      // Act
      await store.putSubresource('b', undefined, new S3CorsConfiguration(corsXml('https://one.example')));
      const first = await store.getSubresource('b', undefined, 'cors');
      await store.putSubresource('b', undefined, new S3CorsConfiguration(corsXml('https://two.example')));
      const second = await store.getSubresource('b', undefined, 'cors');
      await store.deleteSubresource('b', undefined, 'cors');
      const deleted = await store.getSubresource('b', undefined, 'cors');
      await store.deleteBucket('b');

      // Assess
      expect(JSON.stringify(first)).toContain('https://one.example');
      expect(JSON.stringify(second)).toContain('https://two.example');
      expect(deleted).toBeNull();
      expect(await store.getBucket('b')).toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the local store’s writes', () => {
  it('writes an upload read whole into the same files, with the same size and MD5, as a streamed write (s3rver’s multipart uploads), both whole before they answer', async () => {
    // Prepare: one store writing the checked bytes in one call, and the same upload given as a stream.
    const require = createRequire(import.meta.url);
    const S3Object = require('s3rver/lib/models/object.js') as new (
      bucket: string,
      key: string,
      content: unknown,
      metadata: Record<string, unknown>,
    ) => { bucket: string; key: string; content: unknown; metadata: Record<string, unknown> };
    const metadata = { 'content-type': 'text/plain', 'x-amz-meta-origin': 'page', 'content-length': '13' };
    const body = Buffer.from('héllo, world.');
    const roots = [mkdtempSync(join(tmpdir(), 'precis-store-')), mkdtempSync(join(tmpdir(), 'precis-store-'))];
    try {
      const [whole, streamed] = roots.map((root) => new KeyPreservingStore(root)) as [
        KeyPreservingStore,
        KeyPreservingStore,
      ];
      for (const store of [whole, streamed]) await store.putBucket('b');
      const key = 'incoming/a//.b.txt';
      // Act
      const written = await whole.putObject(
        new S3Object('b', key, Object.assign(Readable.from([body]), { [WHOLE_BODY]: body }), metadata),
      );
      const expected = await streamed.putObject(new S3Object('b', key, Readable.from([body]), metadata));
      // Assess
      expect(written).toEqual(expected);
      for (const resource of ['object', 'metadata.json']) {
        const [a, b] = [whole, streamed].map((store) => readFileSync(store.getResourcePath('b', key, resource)));
        expect(a).toEqual(b);
      }
      expect(readFileSync(whole.getResourcePath('b', key, 'object'))).toEqual(body);
      // The MD5 is in the metadata file, not in a file of its own.
      expect(JSON.parse(readFileSync(whole.getResourcePath('b', key, 'metadata.json'), 'utf8'))).toEqual({
        'content-type': 'text/plain',
        'x-amz-meta-origin': 'page',
        md5: written.md5,
      });
      expect(existsSync(whole.getResourcePath('b', key, 'object.md5'))).toBe(false);
    } finally {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the local store’s reads', () => {
  const require = createRequire(import.meta.url);
  type Stored = { metadata: Record<string, unknown>; content: Readable | null; range?: unknown } | null;
  interface Store {
    putBucket(bucket: string): Promise<unknown>;
    putObject(object: unknown): Promise<{ size: number; md5: string }>;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<Stored>;
    copyObject(a: string, b: string, c: string, d: string, metadata?: Record<string, unknown>): Promise<unknown>;
    listObjects(bucket: string, options: object): Promise<{ objects: { key: string; metadata: unknown }[] }>;
    getResourcePath(bucket: string, key: string, resource: string): string;
  }
  const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as new (root: string) => Store;
  const S3Object = require('s3rver/lib/models/object.js') as new (
    bucket: string,
    key: string,
    content: unknown,
    metadata: Record<string, unknown>,
  ) => unknown;
  const upload = (key: string, text: string, type = 'text/plain') => {
    const body = Buffer.from(text);
    return new S3Object('b', key, Object.assign(Readable.from([body]), { [WHOLE_BODY]: body }), {
      'content-type': type,
      'x-amz-meta-n': '1',
      'content-length': String(body.length),
    });
  };
  /** What a GET answers: the headers and the bytes, with the range when one was asked for. */
  const read = async (store: Store, key: string, options?: { start?: number; end?: number }) => {
    const object = await store.getObject('b', key, options);
    if (!object) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of object.content ?? []) chunks.push(chunk as Buffer);
    return { metadata: object.metadata, text: Buffer.concat(chunks).toString(), range: object.range };
  };

  it('answers what s3rver’s own store answers, for objects it wrote and for objects in s3rver’s files', async () => {
    // Prepare: an object written by s3rver's own store (its MD5 in a file of its own), one by this store.
    const root = mkdtempSync(join(tmpdir(), 'precis-store-'));
    try {
      const theirs = new FilesystemStore(root);
      const ours = new KeyPreservingStore(root) as unknown as Store;
      await theirs.putBucket('b');
      await theirs.putObject(
        new S3Object('b', 'old/a.txt', Buffer.from('an old object'), { 'content-type': 'text/html' }),
      );
      await ours.putObject(upload('new/b.txt', 'a new object'));
      await ours.copyObject('b', 'new/b.txt', 'b', 'copies/c.txt');
      await ours.copyObject('b', 'old/a.txt', 'b', 'copies/d.txt', { 'content-type': 'text/csv' });
      const keys = ['old/a.txt', 'new/b.txt', 'copies/c.txt', 'copies/d.txt'];

      // Act: each read by this store as it runs, by a new one (a restarted stack), and by s3rver's own store
      // (the new objects' MD5 file written for it: it reads no other).
      const running = await Promise.all(keys.map((key) => read(ours, key)));
      const restarted = new KeyPreservingStore(root) as unknown as Store;
      const afresh = await Promise.all(keys.map((key) => read(restarted, key)));
      for (const key of keys.slice(1)) {
        const { md5 } = JSON.parse(readFileSync(ours.getResourcePath('b', key, 'metadata.json'), 'utf8'));
        writeFileSync(ours.getResourcePath('b', key, 'object.md5'), md5);
      }
      const s3rvers = await Promise.all(keys.map((key) => read(theirs, key)));

      // Assess
      expect(running).toEqual(s3rvers);
      expect(afresh).toEqual(s3rvers);
      expect(s3rvers.map((object) => [object?.text, object?.metadata['content-type']])).toEqual([
        ['an old object', 'text/html'],
        ['a new object', 'text/plain'],
        ['a new object', 'text/plain'],
        ['an old object', 'text/csv'],
      ]);
      expect(s3rvers[1]?.metadata.etag).toBe(JSON.stringify(createHash('md5').update('a new object').digest('hex')));
      expect(s3rvers[1]?.metadata['x-amz-meta-n']).toBe('1');
      // Ranges, one past the end, and a missing key, as s3rver's store answers them.
      for (const range of [{ start: 3, end: 5 }, { start: 4 }, { start: 40 }]) {
        expect(await read(ours, 'new/b.txt', range)).toEqual(await read(theirs, 'new/b.txt', range));
      }
      expect(await read(ours, 'new/b.txt', { start: 2, end: 4 })).toMatchObject({ text: 'new' });
      expect(await read(ours, 'missing.txt')).toBeNull();
      // The listing gives the same metadata.
      const listed = async (store: Store) =>
        (await store.listObjects('b', {})).objects.map(({ key, metadata }) => ({ key, metadata }));
      expect(await listed(ours)).toEqual(await listed(theirs));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads only the object’s file for an object it wrote or read, and the new MD5 of one written again', async () => {
    // Prepare: an object in s3rver's files (its MD5 in a file of its own), read once; another written here.
    const root = mkdtempSync(join(tmpdir(), 'precis-store-'));
    try {
      const theirs = new FilesystemStore(root);
      const ours = new KeyPreservingStore(root) as unknown as Store;
      await theirs.putBucket('b');
      await theirs.putObject(new S3Object('b', 'old.txt', Buffer.from('before'), { 'content-type': 'text/html' }));
      const first = await read(ours, 'old.txt');
      await ours.putObject(upload('new.txt', 'written here', 'text/csv'));

      // Act: their metadata files gone from under the store (nothing but the store writes its files as it runs).
      for (const key of ['old.txt', 'new.txt']) {
        unlinkSync(ours.getResourcePath('b', key, 'metadata.json'));
      }
      unlinkSync(ours.getResourcePath('b', 'old.txt', 'object.md5'));
      // Assess: the reads answer from what the store holds, from the object's file alone.
      expect(await read(ours, 'old.txt')).toEqual(first);
      expect(await read(ours, 'new.txt')).toMatchObject({
        text: 'written here',
        metadata: {
          'content-type': 'text/csv',
          etag: JSON.stringify(createHash('md5').update('written here').digest('hex')),
        },
      });

      // Act: the old object written again over its stale MD5 file, then read by a new store.
      writeFileSync(ours.getResourcePath('b', 'old.txt', 'object.md5'), 'stale');
      await ours.putObject(upload('old.txt', 'after'));
      // Assess: the MD5 the metadata file holds, the new bytes'.
      const etag = JSON.stringify(createHash('md5').update('after').digest('hex'));
      expect(await read(ours, 'old.txt')).toMatchObject({ text: 'after', metadata: { etag } });
      expect(await read(new KeyPreservingStore(root) as unknown as Store, 'old.txt')).toMatchObject({
        text: 'after',
        metadata: { etag },
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
