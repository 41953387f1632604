import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';
import { terminalRecord } from '../helpers/terminal.js';

/**
 * Uploads whose bytes are not what they look like, through the local
 * stack's S3 and its ingest worker: each ends with what a user would expect,
 * within the configured size limit.
 */

let stack: LocalStack;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ stack, close } = await startTestStack({ PRECIS_ENGINE: 'offline', PRECIS_MAX_OBJECT_BYTES: '100000' }));
});
afterAll(async () => close?.());

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${stack.endpoints.api}${path}`, { headers: { 'x-api-key': stack.apiKey } });
  return (await response.json()) as T;
}

const upload = (Key: string, Body: Uint8Array, more: { ContentEncoding?: string; ContentType?: string } = {}) =>
  stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key, Body, ...more }));

const TITLE = 'Basra water shortage: salinity forces 40 treatment plants offline';

describe('an upload that is not what it looks like', () => {
  it('compressed with gzip (aws s3 cp --content-encoding gzip) is read uncompressed', async () => {
    await upload('incoming/gz/basra.html', gzipSync(sample('basra-water.html')), {
      ContentEncoding: 'gzip',
      ContentType: 'text/html',
    });
    const article = await terminalRecord(api, 'incoming/gz/basra.html', 120_000);
    expect(article).toMatchObject({ status: 'DONE', title: TITLE });
  });

  it('compressed to a few kilobytes from past the configured size limit ends TOO_LARGE', async () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 'word '));
    expect(bomb.length).toBeLessThan(100_000);
    await upload('incoming/gz/bomb.txt', bomb, { ContentEncoding: 'gzip' });
    const article = await terminalRecord(api, 'incoming/gz/bomb.txt', 120_000);
    expect(article).toMatchObject({ status: 'FAILED', error: { code: 'TOO_LARGE', stage: 'ingest' } });
    expect(article.error?.message).toContain('100,000 bytes');
  });

  it('of UTF-8 behind a UTF-16 mark is read as the UTF-8 it is, not as a page of junk', async () => {
    await upload('incoming/bom/basra.html', Buffer.concat([Buffer.from([0xfe, 0xff]), sample('basra-water.html')]));
    const article = await terminalRecord(api, 'incoming/bom/basra.html', 120_000);
    expect(article).toMatchObject({ status: 'DONE', title: TITLE, encoding: 'utf-8' });
  });
});
