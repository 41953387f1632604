import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, localOptions, startLocalStack } from '../../local/stack.js';
import type { AnalysisEngine } from '../../shared/analysis/engine.js';
import { OfflineEngine } from '../../shared/analysis/offline-engine.js';
import { type ArticleRecord, articleIdFor, isTerminal } from '../../shared/article.js';
import { TransientError } from '../../shared/errors.js';
import { runPrecis } from '../helpers/cli.js';
import { contractFetch } from '../helpers/contract.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

const stackEnv = (dataDir: string, env: Record<string, string> = {}) =>
  localOptions({
    PRECIS_S3_PORT: '0',
    PRECIS_DYNAMODB_PORT: '0',
    PRECIS_API_PORT: '0',
    PRECIS_DATA_DIR: dataDir,
    PRECIS_SWEEP_INTERVAL_MS: '0',
    ...env,
  });

/** `precis …` in this process against the stack's API. */
const precis = (stack: LocalStack, ...args: string[]) =>
  runPrecis({ PRECIS_API_URL: stack.endpoints.api, PRECIS_API_KEY: stack.apiKey }, ...args);

const api = async (stack: LocalStack, path: string, init: { method?: string; body?: unknown } = {}) => {
  const response = await contractFetch(`${stack.endpoints.api}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function articleWhen(
  stack: LocalStack,
  id: string,
  until: (a: ArticleRecord) => boolean,
  timeoutMs = 90_000,
): Promise<ArticleRecord> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const { status, body } = await api(stack, `/articles/${id}`);
    last = body;
    if (status === 200 && until(body as unknown as ArticleRecord)) return body as unknown as ArticleRecord;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`article ${id} not there within ${timeoutMs} ms: ${JSON.stringify(last)?.slice(0, 300)}`);
}

const upload = async (stack: LocalStack, key: string, body: Buffer) => {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
  return articleIdFor(stack.bucket, key);
};
const ended = (a: ArticleRecord) =>
  isTerminal(a.status) && !(a.status === 'PARTIAL' && a.reprocess?.requestedAt === a.updatedAt);

describe('reprocessing with the LLM what was analysed offline before a key was set', () => {
  let stub: StubServer;
  let dataDir: string;
  let stack: LocalStack;
  const ids: string[] = [];

  beforeAll(async () => {
    stub = await startStubOpenAI();
    dataDir = mkdtempSync(join(tmpdir(), 'precis-reprocess-'));
    // First without a key: the offline engine answers, and cannot translate.
    const offline = await startLocalStack(stackEnv(dataDir, { TARGET_LANGUAGES: 'fr' }));
    ids.push(await upload(offline, 'incoming/r/basra.html', sample('basra-water.html')));
    ids.push(await upload(offline, 'incoming/r/kirkuk.txt', sample('kirkuk-checkpoints.txt')));
    for (const id of ids) {
      const article = await articleWhen(offline, id, ended);
      expect(article).toMatchObject({ status: 'DONE', provenance: { engine: 'offline' } });
      expect(article.translations?.fr?.status).toBe('unavailable');
    }
    await offline.stop();
    // Then with an LLM, on the same data.
    stack = await startLocalStack(
      stackEnv(dataDir, {
        TARGET_LANGUAGES: 'fr',
        OPENAI_BASE_URL: stub.baseURL,
        PRECIS_LLM_PROVIDER: 'openai',
        PRECIS_LLM_RETRIES: '0',
      }),
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await stub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists on a dry run what it would take, and changes nothing', async () => {
    const { code, lines } = await precis(stack, 'reprocess', '--status', 'done', '--engine', 'offline', '--dry-run');
    expect(code).toBe(0);
    expect(lines.map((l) => l.articleId).sort()).toEqual([...ids].sort());
    expect(lines.every((l) => l.next === 'analysis')).toBe(true);
    for (const id of ids) expect((await api(stack, `/articles/${id}`)).body.status).toBe('DONE');
    expect(stub.requests).toHaveLength(0);
  });

  it('reprocesses every offline article in a window of receipt times with the LLM, keeping the old record', async () => {
    const before = (await api(stack, `/articles/${ids[0]}`)).body as unknown as ArticleRecord;
    const future = await precis(stack, 'reprocess', '--status', 'DONE', '--since', '2999-01-01', '--dry-run');
    expect(future.lines).toEqual([]);

    const { code, lines } = await precis(
      stack,
      'reprocess',
      '--status',
      'DONE',
      '--engine',
      'offline',
      '--until',
      '2999-01-01',
    );
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    for (const id of ids) {
      const article = await articleWhen(stack, id, (a) => a.status === 'DONE' && a.provenance?.engine === 'openai');
      expect(article.translations?.fr?.status).toBe('done');
      expect(article.reprocess).toMatchObject({ scope: 'all', from: 'DONE' });
      expect(article.usage?.analysis?.calls).toBe(1);
    }
    // The record the reprocess replaced is kept, offline summary and all.
    const previousKey = lines.find((l) => l.articleId === ids[0])?.previousKey as string;
    expect(previousKey).toMatch(new RegExp(`^history/${ids[0]}/`));
    const kept = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: previousKey }));
    expect(JSON.parse((await kept.Body?.transformToString()) ?? '')).toMatchObject({
      id: ids[0],
      summary: before.summary,
      provenance: { engine: 'offline' },
    });
    // Nothing offline is left to take.
    expect((await precis(stack, 'reprocess', '--status', 'DONE', '--engine', 'offline')).lines).toEqual([]);
  });

  it('answers 409 when every translation is done, and redoes only a failed one on request', async () => {
    const id = ids[1] as string;
    const nothing = await api(stack, `/articles/${id}/reprocess`, { method: 'POST', body: { scope: 'translations' } });
    expect(nothing).toMatchObject({ status: 409, body: { code: 'NOTHING_TO_REPROCESS' } });

    // A fresh run of everything, whose French translation fails for good this time.
    stub.reset();
    stub.setOptions({ route: (r) => (r.task === 'translation' ? { kind: 'status', status: 400 } : undefined) });
    const all = await precis(stack, 'reprocess', id);
    expect(all.code).toBe(0);
    const partial = await articleWhen(stack, id, (a) => a.status === 'PARTIAL' && ended(a));
    expect(partial.translations?.fr?.status).toBe('failed');
    // Paid anew: the answer of the earlier run (same text, same settings) was not reused.
    expect(stub.requests.filter((r) => r.task === 'article_analysis')).toHaveLength(1);
    expect(partial.provenance?.cacheHit).toBeUndefined();

    stub.reset();
    const retried = await api(stack, `/articles/${id}/reprocess`, { method: 'POST', body: { scope: 'translations' } });
    expect(retried).toMatchObject({ status: 202, body: { next: 'translations', languages: ['fr'] } });
    const done = await articleWhen(stack, id, (a) => a.status === 'DONE');
    expect(done.summary).toEqual(partial.summary);
    expect(done.translations?.fr?.status).toBe('done');
    expect(stub.requests.map((r) => r.task)).toEqual(['translation']);
  });

  it('refuses what is not an article, a bad scope and a bad filter, with their codes', async () => {
    expect(await api(stack, '/articles/aaaaaaaaaaaaaaaaaaaaaaaa/reprocess', { method: 'POST' })).toMatchObject({
      status: 404,
      body: { code: 'ARTICLE_NOT_FOUND' },
    });
    expect(
      await api(stack, `/articles/${ids[0]}/reprocess`, { method: 'POST', body: { scope: 'some' } }),
    ).toMatchObject({ status: 400, body: { code: 'INVALID_PARAMETER' } });
    expect(await api(stack, '/articles/reprocess', { method: 'POST', body: { status: 'ANALYZING' } })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_PARAMETER' },
    });
    const cli = await precis(stack, 'reprocess', '--status', 'DONE', '--since', 'yesterday');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--since');
  });
});

describe('the dead-letter redrive', () => {
  let dataDir: string;
  let stack: LocalStack;
  /** The engine the stack analyses with: failing until the cause is mended. */
  let mended = false;
  const engine: AnalysisEngine = {
    name: 'offline',
    analyze: async (input, options) => {
      if (!mended) throw new TransientError('LLM_UNAVAILABLE', 'The LLM could not be reached.');
      return new OfflineEngine().analyze(input, options);
    },
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'precis-redrive-'));
    // One receive: the first failure is the last, as after three in AWS.
    stack = await startLocalStack({ ...stackEnv(dataDir, { PRECIS_MAX_RECEIVES: '1' }), engine });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reprocesses the failed articles its messages name, and leaves a message it cannot read, with its reason', async () => {
    const id = await upload(stack, 'incoming/dead/mosul.md', sample('mosul-old-city.md'));
    const failed = await articleWhen(stack, id, (a) => a.status === 'FAILED');
    expect(failed.error?.code).toBe('LLM_UNAVAILABLE');
    stack.queues.ingest.send('not an S3 event');
    const deadline = Date.now() + 60_000;
    while (stack.queues.analyze.stats().dead + stack.queues.ingest.stats().dead < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stack.queues.analyze.stats().dead).toBe(1);
    expect(stack.queues.ingest.stats().dead).toBe(1);

    mended = true;
    const { code, lines } = await precis(stack, 'redrive');
    expect(code).toBe(1);
    expect(lines).toEqual([
      {
        messages: 2,
        reprocessed: [id],
        resent: 0,
        finished: [],
        failed: [{ queue: 'ingest', code: 'INTERNAL_ERROR', message: expect.any(String) }],
      },
    ]);
    const done = await articleWhen(stack, id, (a) => a.status === 'DONE');
    expect(done.error).toBeUndefined();
    expect(stack.queues.analyze.stats().dead).toBe(0);
    // The unreadable one stays for a person to look at.
    expect(stack.queues.ingest.stats().dead).toBe(1);
  });
});
