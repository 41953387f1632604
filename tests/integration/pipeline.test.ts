import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalStack, localOptions, startLocalStack } from '../../local/stack.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from '../../shared/analysis/engine.js';
import { OfflineEngine } from '../../shared/analysis/offline-engine.js';
import { type ArticleRecord, articleIdFor, type Claim } from '../../shared/article.js';
import { TransientError } from '../../shared/errors.js';
import { analyzeArticle } from '../../shared/usecases/analyze-article.js';
import { contractFetch } from '../helpers/contract.js';
import { encodeLegacy } from '../helpers/encode.js';
import { SAMPLES_DIR, sample } from '../helpers/samples.js';

/** The offline engine, counting its calls, and failing (retryably) on a marked article. */
class CountingEngine implements AnalysisEngine {
  readonly name = 'offline';
  readonly calls = new Map<string, number>();
  private readonly inner = new OfflineEngine();
  async analyze(input: AnalysisInput, options: AnalysisOptions) {
    this.calls.set(input.contentHash, (this.calls.get(input.contentHash) ?? 0) + 1);
    if (input.title?.includes('PROVIDER-OUTAGE'))
      throw new TransientError('ANALYSIS_FAILED', 'The engine is unavailable.');
    return this.inner.analyze(input, options);
  }
}

const LONG_TEXT = (topic: string) =>
  `${topic}\n\nOfficials confirmed the news on Tuesday (${topic}). ` +
  'The provincial council said on Tuesday that 14 schools would reopen next month after repairs costing 3.2 billion dinars. ' +
  'Officials said the work had taken eleven months and employed 450 workers from the district. ' +
  'Parents welcomed the news but said buses were still needed for the villages outside the city.';

let stack: LocalStack;
let dataDir: string;
/** A lease no slow spell outlasts: the deliveries below must overlap, whatever the machine's load. */
const LEASE_MS = 300_000;
const engine = new CountingEngine();

async function api<T = unknown>(
  path: string,
  key: string | null = stack.apiKey,
): Promise<{ status: number; body: T; type: string }> {
  const response = await contractFetch(`${stack.endpoints.api}${path}`, { headers: key ? { 'x-api-key': key } : {} });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return { status: response.status, type, body: (type.includes('json') ? JSON.parse(text) : text) as T };
}

async function upload(key: string, body: Uint8Array | string, client: S3Client = stack.s3) {
  await client.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
}

/**
 * The article once terminal. With `redeliver`, a message waiting out its
 * visibility timeout comes back at once (the queues' timeouts are AWS's
 * minutes here: a test drives redeliveries, it does not wait for them).
 */
async function finished(key: string, { redeliver = false, timeoutMs = 90_000 } = {}): Promise<ArticleRecord> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await api<{ items: { id: string; status: string }[] }>(`/articles?key=${encodeURIComponent(key)}`);
    const item = body.items[0];
    if (item && ['DONE', 'PARTIAL', 'FAILED'].includes(item.status)) {
      return (await api<ArticleRecord>(`/articles/${item.id}`)).body;
    }
    if (redeliver) stack.queues.analyze.expireVisibility();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${key} did not reach a terminal state in ${timeoutMs} ms`);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'precis-it-'));
  // The functions' own leases and visibility timeouts (minutes): a slow spell of a busy machine changes no outcome.
  stack = await startLocalStack({
    ...localOptions({
      TARGET_LANGUAGES: 'ar',
      PRECIS_S3_PORT: '0',
      PRECIS_DYNAMODB_PORT: '0',
      PRECIS_API_PORT: '0',
      PRECIS_DATA_DIR: dataDir,
    }),
    engine,
  });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local pipeline', () => {
  it('takes the samples and a corrupt file uploaded together to DONE and FAILED', async () => {
    // Prepare
    const names = readdirSync(SAMPLES_DIR).sort();
    // Act
    await Promise.all([
      ...names.map((name) => upload(`incoming/batch/${name}`, sample(name))),
      upload('incoming/batch/corrupt.html', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00])),
    ]);
    // Assess
    for (const name of names) {
      const article = await finished(`incoming/batch/${name}`);
      expect(article.status, name).toBe('DONE');
      expect(article.summary?.bullets.length).toBeGreaterThanOrEqual(3);
      expect(article.translations).toEqual({ ar: { status: 'unavailable', reason: expect.any(String) } });
      expect(article.provenance).toMatchObject({ engine: 'offline', cleanerVersion: expect.any(String) });
      expect(article.timings).toMatchObject({ ingestMs: expect.any(Number), analyzeMs: expect.any(Number) });
    }
    const corrupt = await finished('incoming/batch/corrupt.html');
    expect(corrupt).toMatchObject({
      status: 'FAILED',
      error: { code: 'BINARY_CONTENT', stage: 'ingest', attempts: 1 },
    });
    expect(corrupt.error?.message).toMatch(/ZIP/);

    // Each terminal state is published once, in the envelope EventBridge delivers to a target.
    const events = readFileSync(stack.eventsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((e) => e.detail.sourceKey.startsWith('incoming/batch/'));
    expect(events).toHaveLength(names.length + 1);
    for (const event of events) {
      expect(event).toMatchObject({
        version: '0',
        source: 'precis',
        'detail-type': 'Article finished',
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        detail: { articleId: articleIdFor(stack.bucket, event.detail.sourceKey), sourceBucket: stack.bucket },
      });
    }
    expect(events.find((e) => e.detail.sourceKey === 'incoming/batch/corrupt.html')?.detail).toMatchObject({
      status: 'FAILED',
      engine: null,
      error: { code: 'BINARY_CONTENT', stage: 'ingest' },
    });
    const basra = events.find((e) => e.detail.sourceKey === 'incoming/batch/basra-water.html')?.detail;
    expect(basra).toMatchObject({ status: 'DONE', engine: 'offline', error: null, language: 'en' });
    expect(basra.title).toEqual(expect.any(String));
  });

  it('serves summaries, claims whose offsets point into the served text, and the text itself', async () => {
    const article = await finished('incoming/batch/basra-water.html');
    const text = await api<string>(`/articles/${article.id}/text`);
    expect(text.type).toMatch(/^text\/plain/);
    const { body } = await api<{ claims: Claim[] }>(`/articles/${article.id}/claims`);
    expect(body.claims.length).toBeGreaterThan(3);
    for (const claim of body.claims)
      expect(text.body.slice(claim.start ?? Number.NaN, claim.end ?? Number.NaN)).toBe(claim.evidence);

    const summary = await api<{ headline: string; original: boolean }>(`/articles/${article.id}/summary`);
    expect(summary.body).toMatchObject({ original: true, headline: article.summary?.headline });
    const arabic = await api(`/articles/${article.id}/summary?lang=ar`);
    expect(arabic.body).toMatchObject({ lang: 'ar', status: 'unavailable' });
    const german = await api(`/articles/${article.id}/summary?lang=de`);
    expect(german.status).toBe(404);
    expect(german.type).toBe('application/problem+json');
  });

  it('lists newest first, a page at a time, with a status filter', async () => {
    const first = await api<{ items: { id: string }[]; nextCursor: string }>('/articles?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await api<{ items: { id: string }[] }>(`/articles?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.items.map((i) => i.id)).not.toContain(first.body.items[0]?.id);
    const failed = await api<{ items: { status: string }[] }>('/articles?status=FAILED');
    expect(failed.body.items.length).toBeGreaterThan(0);
    expect(failed.body.items.every((i) => i.status === 'FAILED')).toBe(true);
    // The cursor says nothing of the table, and holds for the query that made it only.
    expect(Buffer.from(first.body.nextCursor, 'base64url').toString('latin1')).not.toMatch(/receivedAt|"id"/);
    const otherQuery = await api(`/articles?status=FAILED&cursor=${first.body.nextCursor}`);
    expect(otherQuery.status).toBe(400);
  });

  it('answers a forged cursor 400 INVALID_CURSOR, and takes any query name as data, refusing one it does not know', async () => {
    const forged = Buffer.from(JSON.stringify({ id: 'x', receivedAt: '2026' })).toString('base64url');
    for (const cursor of [forged, 'abc', `${forged}.sig`]) {
      const response = await api<{ code: string }>(`/articles?cursor=${cursor}`);
      expect(response.status, cursor).toBe(400);
      expect(response.body.code).toBe('INVALID_CURSOR');
    }
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const path of ['/articles', '/articles/nope']) {
        const response = await api<{ code: string; detail: string }>(`${path}?${name}=x`);
        expect(response.status, `${path} ${name}`).toBe(400);
        expect(response.body).toMatchObject({
          code: 'INVALID_PARAMETER',
          detail: expect.stringContaining(`"${name}"`),
        });
      }
    }
  });

  it('refuses requests without the right API key, as API Gateway does, but for the contract', async () => {
    expect((await api('/articles', null)).status).toBe(403);
    expect((await api('/articles', 'wrong-key')).status).toBe(403);
    const contract = await api<{ openapi: string }>('/openapi.json', null);
    expect(contract).toMatchObject({ status: 200, body: { openapi: '3.1.0' } });
  });

  it('takes uploads over HTTP: the content in the request, or a presigned PUT of the declared size', async () => {
    const post = async (body: unknown) => {
      const response = await contractFetch(`${stack.endpoints.api}/articles`, {
        method: 'POST',
        headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as {
          id: string;
          key: string;
          upload: { url: string; headers: Record<string, string> } | null;
        },
      };
    };
    const until = async (id: string) => {
      for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
        const { status, body } = await api<ArticleRecord>(`/articles/${id}`);
        if (status === 200 && ['DONE', 'PARTIAL', 'FAILED'].includes(body.status)) return body;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${id} did not finish`);
    };
    const direct = await post({ filename: 'council.txt', content: LONG_TEXT('Posted to the API') });
    expect(direct.status).toBe(201);
    expect(await until(direct.body.id)).toMatchObject({ status: 'DONE', sourceKey: direct.body.key });

    const html = await sample('basra-water.html');
    const ticket = await post({ filename: 'basra water.html', contentType: 'text/html', size: html.length });
    expect(ticket.status).toBe(201);
    const upload = ticket.body.upload;
    if (!upload) throw new Error('no upload URL');
    // Not yet uploaded: the id answers 404 until the cleaner has seen the file.
    expect((await api(`/articles/${ticket.body.id}`)).status).toBe(404);
    // The URL is signed before the file exists: a checksum in it would be of no bytes, and S3 would refuse the file.
    const signed = [...new URL(upload.url).searchParams].filter(([name]) => /^x-amz-(sdk-)?checksum-/i.test(name));
    expect(signed).toEqual([]);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: html });
    expect(put.status).toBe(200);
    // The size and type are signed: the same URL takes no other file.
    const other = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: `${html}<p>more</p>` });
    expect(other.status).toBe(403);
    const article = await until(ticket.body.id);
    expect(article).toMatchObject({ status: 'DONE', format: 'html', sourceSize: html.length });
  });

  it.for([
    ['incoming/bad/empty.txt', new Uint8Array(), 'EMPTY_OBJECT'],
    ['incoming/bad/huge.html', new Uint8Array(5 * 1024 * 1024 + 1).fill(0x61), 'TOO_LARGE'],
    [
      'incoming/bad/picture.txt',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'BINARY_CONTENT',
    ],
    ['incoming/bad/report.pdf.txt', new TextEncoder().encode('%PDF-1.7 a report'), 'BINARY_CONTENT'],
    [
      'incoming/bad/garbage.txt',
      Uint8Array.from({ length: 900 }, (_, i) => [0x81, 0x8d, 0x8f, 0x90, 0x9d, 0x01, 0x02, 0x1b][i % 8] as number),
      'UNDECODABLE_TEXT',
    ],
    [
      'incoming/bad/menu.html',
      '<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav></body></html>',
      'NO_ARTICLE_TEXT',
    ],
    ['incoming/bad/brief.txt', 'Breaking: curfew lifted in Tikrit.', 'TEXT_TOO_SHORT'],
    ['incoming/bad/broken.json', '{"title": "half a JSON', 'INVALID_JSON'],
  ] as const)('ends %s FAILED with its code and a sentence', async ([key, body, code]) => {
    await upload(key, body);
    const article = await finished(key);
    expect(article.status).toBe('FAILED');
    expect(article.error?.code).toBe(code);
    expect(article.error?.message.length).toBeGreaterThan(10);
  });

  it('ends an object deleted before it was read FAILED with SOURCE_NOT_FOUND', async () => {
    const key = 'incoming/bad/vanished.txt';
    stack.queues.ingest.send(
      JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            s3: {
              bucket: { name: stack.bucket },
              object: { key: 'incoming/bad/vanished.txt', size: 120, sequencer: '01' },
            },
          },
        ],
      }),
    );
    const article = await finished(key);
    expect(article.error?.code).toBe('SOURCE_NOT_FOUND');
  });

  it('handles keys with spaces, plus signs and non-ASCII characters', async () => {
    const key = 'incoming/keys/Basra report + notes (é) عربي.txt';
    await upload(key, LONG_TEXT('Schools reopen in Basra'));
    const article = await finished(key);
    expect(article).toMatchObject({ status: 'DONE', sourceKey: key, title: 'Schools reopen in Basra' });
  });

  it('decodes a legacy-encoded upload', async () => {
    const body = JSON.parse(sample('baghdad-electricity-ar.json').toString('utf8')).body as string;
    const key = 'incoming/keys/arabic-1256.txt';
    await upload(key, encodeLegacy(body, 'windows-1256'));
    const article = await finished(key);
    expect(article).toMatchObject({ status: 'DONE', encoding: 'windows-1256', language: 'ar' });
  });

  it('stores a streamed upload from a default SDK client (aws-chunked with a checksum trailer) byte for byte', async () => {
    const client = new S3Client({
      endpoint: stack.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    });
    const text = LONG_TEXT('Streamed upload reaches the pipeline');
    const key = 'incoming/keys/streamed.txt';
    await client.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: key,
        Body: Readable.from([Buffer.from(text)]),
        ContentLength: Buffer.byteLength(text),
      }),
    );
    const stored = await client.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
    expect(await stored.Body?.transformToString()).toBe(text);
    expect((await finished(key)).status).toBe('DONE');
  });

  it('analyses once when the same S3 event is delivered twice', async () => {
    const key = 'incoming/dup/twice.txt';
    const text = LONG_TEXT('Duplicate event for the Najaf bridge');
    await upload(key, text);
    const first = await finished(key);
    const record = {
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: stack.bucket },
        object: { key: 'incoming/dup/twice.txt', size: text.length, sequencer: first.sourceSequencer },
      },
    };
    const consumedBefore = stack.queues.ingest.stats().deleted;
    stack.queues.ingest.send(JSON.stringify({ Records: [record] }));
    stack.queues.ingest.send(JSON.stringify({ Records: [record] }));
    // Both duplicates are consumed (deleted, not failed), and nothing reaches the analyze queue.
    await expect
      .poll(() => stack.queues.ingest.stats().deleted, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(consumedBefore + 2);
    expect(stack.queues.ingest.stats()).toMatchObject({ visible: 0, waiting: 0, inFlight: 0 });
    expect(stack.queues.analyze.stats()).toMatchObject({ visible: 0, waiting: 0, inFlight: 0 });
    const again = await finished(key);
    expect(engine.calls.get(first.contentHash as string)).toBe(1);
    expect(again.analyzedAt).toBe(first.analyzedAt);
  });

  it('analyses once when one analyze message is delivered twice at once', async () => {
    // Prepare: a CLEANED article whose analyze message has not been consumed yet.
    const { articles, blobs } = stack.adapters;
    const key = 'incoming/dup/concurrent.txt';
    const id = articleIdFor(stack.bucket, key);
    const text = LONG_TEXT('Concurrent deliveries for the Kut dam').split('\n\n')[1] as string;
    const source = { bucket: stack.bucket, key, etag: null, size: text.length, sequencer: 'A1' };
    expect(await articles.claimIngest(id, source, new Date(), LEASE_MS)).toEqual({ outcome: 'claimed' });
    await blobs.put(stack.bucket, `cleaned/${id}.txt`, text, 'text/plain');
    const fields = { title: 'Kut', byline: null, publishedAt: null, site: null, url: null, language: 'en' };
    const cleaned = { ...fields, format: 'text' as const, encoding: 'utf-8', contentHash: 'kut-hash', wordCount: 50 };
    expect(
      await articles.saveCleaned(id, 'A1', { ...cleaned, textKey: `cleaned/${id}.txt`, ingestMs: 1 }, new Date()),
    ).toBe(true);
    const deps = {
      articles,
      blobs,
      engine,
      clock: () => new Date(),
      config: { bucket: stack.bucket, targetLanguages: [], leaseMs: LEASE_MS },
    };
    const delivery = { attempt: 1, maxAttempts: 3 };

    // Act: two deliveries at once, then the redelivery of the one that lost.
    const [a, b] = await Promise.allSettled([analyzeArticle(id, delivery, deps), analyzeArticle(id, delivery, deps)]);
    const retry = await analyzeArticle(id, { attempt: 2, maxAttempts: 3 }, deps);

    // Assess
    const outcomes = [a, b].map((r) => (r.status === 'fulfilled' ? r.value.outcome : (r.reason as Error).name)).sort();
    expect(outcomes).toEqual(['analyzed', 'busy']);
    expect(retry).toEqual({ outcome: 'skipped', articleId: id, reason: 'terminal' });
    expect(engine.calls.get('kut-hash')).toBe(1);
    expect((await articles.get(id))?.status).toBe('DONE');
  });

  it('retries a failing analysis up to the receive limit, then dead-letters the message and marks the article FAILED', async () => {
    const key = 'incoming/retry/outage.txt';
    const deadBefore = stack.queues.analyze.deadLetters.length;
    await upload(key, LONG_TEXT('PROVIDER-OUTAGE in Diyala'));
    const article = await finished(key, { redeliver: true });
    expect(article).toMatchObject({
      status: 'FAILED',
      error: { code: 'ANALYSIS_FAILED', stage: 'analyze', attempts: 5 },
    });
    // Five receives (PRECIS_MAX_RECEIVES), each after a delay that grows, not after a visibility timeout.
    expect(engine.calls.get(article.contentHash as string)).toBe(5);
    await expect.poll(() => stack.queues.analyze.deadLetters.length, { timeout: 30_000 }).toBe(deadBefore + 1);
    expect(JSON.parse(stack.queues.analyze.deadLetters.at(-1)?.body ?? '{}')).toEqual({ articleId: article.id });
  });
});

describe('the local stack across a restart', () => {
  it('keeps articles, results and the API key in its data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precis-restart-'));
    const options = localOptions({
      PRECIS_S3_PORT: '0',
      PRECIS_DYNAMODB_PORT: '0',
      PRECIS_API_PORT: '0',
      PRECIS_DATA_DIR: dir,
    });
    try {
      const first = await startLocalStack(options);
      await first.s3.send(
        new PutObjectCommand({
          Bucket: first.bucket,
          Key: 'incoming/kept.txt',
          Body: LONG_TEXT('Kept across a restart'),
        }),
      );
      const deadline = Date.now() + 90_000;
      let status = '';
      while (status !== 'DONE' && Date.now() < deadline) {
        const response = await fetch(`${first.endpoints.api}/articles?key=incoming/kept.txt`, {
          headers: { 'x-api-key': first.apiKey },
        });
        status = ((await response.json()) as { items: { status: string }[] }).items[0]?.status ?? '';
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe('DONE');
      await first.stop();

      const second = await startLocalStack(options);
      try {
        expect(second.apiKey).toBe(first.apiKey);
        const response = await fetch(`${second.endpoints.api}/articles?key=incoming/kept.txt`, {
          headers: { 'x-api-key': second.apiKey },
        });
        const { items } = (await response.json()) as { items: { status: string; title: string }[] };
        expect(items[0]).toMatchObject({ status: 'DONE', title: 'Kept across a restart' });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
