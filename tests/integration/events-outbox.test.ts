import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../lambdas/runtime.js';
import { articleIdFor } from '../../shared/article.js';
import type { ArticleRepository, SourceRef } from '../../shared/ports.js';
import { DynamoSweepState } from '../../shared/storage/dynamo-sweep-state.js';
import { type SweepDeps, sweep } from '../../shared/usecases/sweep.js';
import { type LocalTable, startLocalTable } from '../helpers/local-table.js';
import { MemoryEvents } from '../helpers/memory-ports.js';

/**
 * Events are never lost, against the local DynamoDB: a function killed
 * between the write that ended an article and its publish leaves the event
 * to the sweep, which publishes it once; and what waits for a message is
 * found by the sweep, and nothing that has ended.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TABLE = 'articles';
const BUCKET = 'b';
const TEXT = 'The council approved 14 new schools on Monday, the mayor said, and work starts in March. '.repeat(6);

let local: LocalTable;
let client: DynamoDBClient;
let articles: ArticleRepository;

beforeAll(async () => {
  local = await startLocalTable(TABLE, 'precis-outbox-');
  ({ client, articles } = local);
});
afterAll(() => local?.close());

/** An article cleaned at `at`, its message on its way. */
async function cleaned(key: string, at: Date): Promise<string> {
  const id = articleIdFor(BUCKET, key);
  const source: SourceRef = { bucket: BUCKET, key, etag: '"e"', size: TEXT.length, sequencer: '01' };
  await articles.claimIngest(id, source, at, 60_000);
  await articles.saveCleaned(
    id,
    '01',
    {
      format: 'text',
      encoding: 'utf-8',
      contentHash: `h-${key}`,
      wordCount: 96,
      textKey: `cleaned/${id}.txt`,
      ingestMs: 5,
      title: 'Schools',
      byline: null,
      publishedAt: null,
      site: null,
      url: null,
      language: 'en',
    },
    at,
  );
  return id;
}

function sweepDeps(events: MemoryEvents, now: () => Date, sent: string[]): SweepDeps {
  return {
    blobs: { get: async () => new Uint8Array(), put: async () => undefined, async *list() {} },
    articles,
    state: new DynamoSweepState(documentClient(client), TABLE),
    events,
    ingestQueue: { send: async () => undefined },
    analyzeQueue: { send: async ({ articleId }) => void sent.push(articleId) },
    clock: now,
    config: { bucket: BUCKET, staleAfterMs: 30 * 60_000, budgetMs: 60_000, eventGraceMs: 5 * 60_000, uploadPages: 1 },
  };
}

const raw = async (id: string) =>
  (await documentClient(client).send(new GetCommand({ TableName: TABLE, Key: { id }, ConsistentRead: true }))).Item;

describe('events never lost', () => {
  it('publishes, from the sweep, the event of an analysis killed between its write and its publish', async () => {
    // Prepare: a cleaned article, and a process that analyses it and stops dead at the publish.
    const id = await cleaned('incoming/killed.txt', new Date());
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'tests/helpers/analyze-until-publish.ts'), local.endpoint, TABLE, id],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    child.stdin.end(TEXT);
    const exited = new Promise((r) => child.once('exit', r));
    // Act: kill it the moment the article is DONE and its event not yet out.
    await new Promise<void>((ready, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('PUBLISHING')) ready();
      });
      child.once('exit', (code) => fail(new Error(`the analysis exited (${code}) before its publish`)));
    });
    child.kill('SIGKILL');
    await exited;
    const dead = await raw(id);
    expect(dead).toMatchObject({ status: 'DONE', pending: 'EVENT' });
    const events = new MemoryEvents();
    const sent: string[] = [];
    const later = new Date(Date.parse(String(dead?.updatedAt)) + 6 * 60_000);
    const first = await sweep(sweepDeps(events, () => later, sent));
    const again = await sweep(sweepDeps(events, () => new Date(later.getTime() + 15 * 60_000), sent));
    // Assess: published once, with what the write that ended it saved, and marked so.
    expect(first.published).toEqual([id]);
    expect(again.published).toEqual([]);
    expect(events.published).toEqual([
      {
        articleId: id,
        status: 'DONE',
        sourceBucket: BUCKET,
        sourceKey: 'incoming/killed.txt',
        title: 'Schools',
        language: 'en',
        engine: 'offline',
        error: null,
        finishedAt: dead?.updatedAt,
      },
    ]);
    expect((await raw(id))?.pending).toBeUndefined();
  }, 60_000);

  it('sends on what waits for a message, a PARTIAL article reopened for its translations among them, and nothing that ended', async () => {
    // Prepare: one article whose analysis message was lost, one reopened for its translations whose message was
    // lost, and one that ended PARTIAL (its translations to be redone by a reprocess, if ever).
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    const lost = await cleaned('incoming/lost.txt', hourAgo);
    const reopened = await cleaned('incoming/reopened.txt', hourAgo);
    const ended = await cleaned('incoming/ended.txt', hourAgo);
    const result = {
      status: 'PARTIAL' as const,
      summary: { headline: 'h', short: 's', bullets: [] },
      claims: [],
      translations: { fr: { status: 'failed' as const, reason: 'x' } },
      usage: {},
      provenance: { engine: 'openai', model: 'm', promptVersion: 'p' },
    };
    for (const id of [reopened, ended]) {
      const claim = await articles.claimAnalysis(id, hourAgo, 60_000);
      if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
      const fields = { result, cleanerVersion: 'c', analyzeMs: 1, retryPending: false };
      await articles.saveAnalysis(id, claim.leaseToken, fields, hourAgo);
      await articles.markPublished(id, hourAgo.toISOString());
    }
    const partial = (await articles.get(reopened)) as NonNullable<Awaited<ReturnType<ArticleRepository['get']>>>;
    const request = { scope: 'translations' as const, requestedAt: hourAgo.toISOString(), from: 'PARTIAL' as const };
    await articles.reopen(reopened, partial, { to: 'translations', request }, new Date(hourAgo.getTime() + 1000));
    // Act: a sweep of its own (the first test's ran hours ahead).
    await documentClient(client).send(new DeleteCommand({ TableName: TABLE, Key: { id: 'sweep#state' } }));
    const sent: string[] = [];
    const report = await sweep(sweepDeps(new MemoryEvents(), () => new Date(), sent));
    // Assess
    expect(sent).toContain(lost);
    expect(sent).toContain(reopened);
    expect(sent).not.toContain(ended);
    expect(report.reanalyzed).toEqual(sent);
  }, 60_000);
});
