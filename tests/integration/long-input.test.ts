import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';
import { terminalRecord } from '../helpers/terminal.js';

/**
 * Very long and oddly shaped uploads through the local stack with the
 * functions' own leases: each ends DONE or FAILED with its code, and none
 * takes the stack down. How long each takes is measured, not tested (see the
 * README's "Limits").
 */

let stack: LocalStack;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ stack, close } = await startTestStack({ PRECIS_ENGINE: 'offline' }));
});
afterAll(async () => close?.());

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${stack.endpoints.api}${path}`, { headers: { 'x-api-key': stack.apiKey } });
  return (await response.json()) as T;
}

// Ten minutes: a loaded machine takes long over an 85,000-word paste, and only a lost article takes that long.
const finished = (key: string, timeoutMs = 600_000) => terminalRecord(api, key, timeoutMs);

/** Paragraphs of a sample, numbered so that none repeats, to about `words` words. */
function paste(words: number): string[] {
  const paragraphs = sample('kirkuk-checkpoints.txt')
    .toString()
    .split(/\n{2,}/);
  const out: string[] = [];
  for (let n = 0, i = 0; n < words; i++) {
    const p = `${paragraphs[i % paragraphs.length]} (${i})`;
    out.push(p);
    n += p.split(/\s+/).length;
  }
  return out;
}

const upload = (key: string, body: string) =>
  stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));

describe('long and odd uploads', () => {
  it('takes an 85,000-word paste to DONE, a page of 700,000 words to TOO_LONG, and ignores a folder marker', async () => {
    // Five paragraphs to an element: a page of short ones would pass the element limit (TOO_COMPLEX) first.
    const paragraphs = paste(700_000);
    const blocks = Array.from({ length: Math.ceil(paragraphs.length / 5) }, (_, i) =>
      paragraphs.slice(i * 5, i * 5 + 5).join(' '),
    );
    const html = `<html><body><article>${blocks.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`;
    expect(html.length).toBeLessThan(5 * 1024 * 1024);
    await Promise.all([
      upload('incoming/long/paste.txt', paste(85_000).join('\n\n')),
      upload('incoming/long/page.html', html),
      upload('incoming/long/folder/', ''),
    ]);
    const long = await finished('incoming/long/paste.txt');
    expect(long.status).toBe('DONE');
    expect(long.wordCount).toBeGreaterThan(80_000);
    const page = await finished('incoming/long/page.html');
    expect(page.error).toMatchObject({ code: 'TOO_LONG', stage: 'ingest', attempts: 1 });
    const { items } = await api<{ items: unknown[] }>(`/articles?key=${encodeURIComponent('incoming/long/folder/')}`);
    expect(items).toEqual([]);
  }, 1_300_000);

  it('refuses, with a 400, a key its file store cannot keep, and goes on working', async () => {
    for (const key of [`incoming/${'a'.repeat(900)}.txt`, `incoming/${'é'.repeat(520)}`]) {
      const refused = await upload(key, 'text').then(
        () => null,
        (error: { $metadata?: { httpStatusCode?: number }; name?: string }) => error,
      );
      expect(refused?.$metadata?.httpStatusCode, key.slice(0, 20)).toBe(400);
    }
    await upload('incoming/after-long-keys.txt', paste(300).join('\n\n'));
    expect((await finished('incoming/after-long-keys.txt')).status).toBe('DONE');
  });

  it('keeps a key with .. as S3 does, as a key: it becomes an article and writes nothing outside the bucket', async () => {
    const key = 'incoming/../../escape.txt';
    await upload(key, paste(300).join('\n\n'));
    expect(await finished(key)).toMatchObject({ status: 'DONE', sourceKey: key });
    expect(existsSync(join(stack.dataDir, 's3', 'escape.txt'))).toBe(false);
  });
});
