import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3EventBody } from '../../lambdas/ingest/handler.js';
import { WorkerCleaner } from '../../lambdas/ingest/worker-cleaner.js';
import type { LocalStack } from '../../local/stack.js';
import { type ArticleRecord, articleIdFor } from '../../shared/article.js';
import type { Cleaner } from '../../shared/ports.js';
import { HOSTILE_INPUTS, TERMINAL_CONTROLS } from '../helpers/hostile.js';
import { startTestStack } from '../helpers/stack.js';
import { terminalRecord } from '../helpers/terminal.js';

/**
 * The hostile corpus uploaded through the local stack's S3: every upload
 * ends with its code, the API answers throughout (cleaning is off its
 * thread), and an upload that kills its worker, or whose process died while
 * cleaning it, ends FAILED and is never cleaned again.
 */

let stack: LocalStack;
let close: () => Promise<void>;
/** The uploads each worker pool was asked to clean, by key. */
const asked = new Map<string, number>();

beforeAll(async () => {
  // The stack's own worker (512 MB) for the corpus; under incoming/poison/, one whose heap is 40 MB, which
  // a large page fills: a worker killed by what it cleans, without a document that takes minutes.
  const pools = {
    real: new WorkerCleaner({ workers: 1, heapMb: 512 }),
    small: new WorkerCleaner({ workers: 1, heapMb: 40 }),
  };
  const cleaner: Cleaner = {
    clean: async (bytes, request) => {
      asked.set(request.name, (asked.get(request.name) ?? 0) + 1);
      return (request.name.startsWith('incoming/poison/') ? pools.small : pools.real).clean(bytes, request);
    },
    warm: async () => {
      await Promise.all([pools.real.warm(), pools.small.warm()]);
    },
    close: async () => {
      await Promise.all([pools.real.close(), pools.small.close()]);
    },
  };
  ({ stack, close } = await startTestStack({ PRECIS_ENGINE: 'offline' }, { cleaner }));
});
afterAll(async () => close?.());

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${stack.endpoints.api}${path}`, { headers: { 'x-api-key': stack.apiKey } });
  return (await (path.endsWith('/text') ? response.text() : response.json())) as T;
}

const finished = (key: string, timeoutMs = 120_000) => terminalRecord(api, key, timeoutMs);

const upload = (key: string, body: Uint8Array | string) =>
  stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));

/** How long each GET /articles takes, asked one after another until `stop` is called. */
function pollLatencies(): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${stack.endpoints.api}/articles?limit=20`, {
        headers: { 'x-api-key': stack.apiKey },
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] as number;

describe('hostile uploads through the local stack', () => {
  it('end each with its code, while the API answers in under a second', async () => {
    // Prepare: the uploads built before the clock starts (building them is this test's work, not the stack's).
    const uploads = HOSTILE_INPUTS.map((input) => [`incoming/hostile/${input.file}`, input.bytes()] as const);
    const polling = pollLatencies();
    // Act
    for (const [key, bytes] of uploads) await upload(key, bytes);
    const articles = new Map<string, ArticleRecord>();
    for (const input of HOSTILE_INPUTS) articles.set(input.name, await finished(`incoming/hostile/${input.file}`));
    const latencies = await polling.stop();

    // Assess: each refused with its code at once (no retry), or cleaned without a terminal control character.
    for (const input of HOSTILE_INPUTS) {
      const article = articles.get(input.name) as ArticleRecord;
      if (input.code !== null && input.code !== 'cleaned') {
        expect(article, input.name).toMatchObject({ status: 'FAILED', error: { code: input.code, attempts: 1 } });
      } else {
        expect(['DONE', 'PARTIAL'], input.name).toContain(article.status);
        const text = await api<string>(`/articles/${article.id}/text`);
        // The escapes (code null) have a title and a byline to look at; the other pages are only to be cleaned.
        const fields = input.code === null ? [article.title, article.byline, text] : [text];
        for (const field of fields) expect(field).not.toMatch(TERMINAL_CONTROLS);
      }
    }
    // p99 of many requests: cleaning never holds the thread that serves the API, S3 and DynamoDB.
    expect(latencies.length).toBeGreaterThan(100);
    expect(quantile(latencies, 0.99)).toBeLessThan(1_000);
  }, 300_000);

  it('end an upload that kills its worker FAILED at once, and never clean it again', async () => {
    // Prepare: a page that fills the 40 MB worker.
    const prose =
      'The provincial council met on Tuesday to discuss the water supply of the city, which has been short.';
    const key = 'incoming/poison/page.html';
    // Act
    await upload(key, `<html><body><article>${`<p>${prose} ${prose}</p>`.repeat(20_000)}</article></body></html>`);
    const article = await finished(key);
    // The same event again, as a redelivery would bring it.
    const consumed = stack.queues.ingest.stats().deleted;
    stack.queues.ingest.send(
      s3EventBody({
        bucket: stack.bucket,
        key,
        etag: article.sourceEtag,
        size: article.sourceSize,
        sequencer: article.sourceSequencer,
      }),
    );
    await expect.poll(() => stack.queues.ingest.stats().deleted, { timeout: 30_000 }).toBeGreaterThan(consumed);
    // Assess
    expect(article).toMatchObject({ status: 'FAILED', error: { code: 'TOO_COMPLEX', attempts: 1 } });
    expect(article.error?.message).toMatch(/more than the 40 MB of memory cleaning has; its worker was stopped/);
    expect(asked.get(key)).toBe(1);
    expect(stack.queues.ingest.stats().dead).toBe(0);
    // The worker that died was replaced: the next upload is cleaned.
    await upload('incoming/poison/after.txt', `${prose}\n\n${prose}\n\n${prose}`);
    expect((await finished('incoming/poison/after.txt')).status).not.toBe('FAILED');
  }, 180_000);

  it('end an upload whose process died twice while cleaning it FAILED, without cleaning it again', async () => {
    // Prepare: two deliveries, four and two minutes ago, each started cleaning this version and never ended.
    const key = 'incoming/died/page.html';
    const source = { bucket: stack.bucket, key, etag: null, size: 100, sequencer: '00FF' };
    const id = articleIdFor(stack.bucket, key);
    for (const minutesAgo of [4, 2]) {
      const at = new Date(Date.now() - minutesAgo * 60_000);
      expect(await stack.adapters.articles.claimIngest(id, source, at, 60_000)).toEqual({ outcome: 'claimed' });
      await stack.adapters.articles.startCleaning(id, source.sequencer, at);
    }
    // Act: its message comes back.
    stack.queues.ingest.send(s3EventBody(source));
    const article = await finished(key);
    // Assess
    expect(article).toMatchObject({ status: 'FAILED', error: { code: 'INGEST_INTERRUPTED', stage: 'ingest' } });
    expect(asked.get(key)).toBeUndefined();
  }, 60_000);
});
