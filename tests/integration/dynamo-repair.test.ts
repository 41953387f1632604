import { createRequire } from 'node:module';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairIndexes } from '../../local/dynamo-repair.js';
import { articleIdFor } from '../../shared/article.js';
import type { ArticleRepository, SourceRef } from '../../shared/ports.js';

import { type LocalTable, startLocalTable } from '../helpers/local-table.js';

/**
 * The emulator used to write an item's index entries first and the item
 * after, each on its own (the local stack's emulator now writes them in one
 * LevelDB batch). A stack of before, killed between the two, left entries
 * that lie: these tests write the entries as it did and stop the write at
 * that point (the step it takes next never runs, as in a kill), and check
 * that the repair a restarted stack runs gives each article one true entry
 * again.
 */

interface IndexDb {
  put(key: string, value: unknown, cb: (e?: Error) => void): void;
  del(key: string, cb: (e?: Error) => void): void;
}
interface Store {
  getIndexDb(type: string, table: string, index: string): IndexDb;
}
interface Table {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}
type IndexWriter = (store: Store, table: Table, before: unknown, after: unknown, cb: (e?: Error) => void) => void;
/** The emulator's own module (CommonJS), whose index writer its actions look up at each write. */
const emulator = createRequire(import.meta.url)('dynalite/db/index.js') as {
  updateIndexes: IndexWriter;
  getIndexActions: (
    indexes: unknown[],
    before: unknown,
    after: unknown,
    table: Table,
  ) => { puts: { index: string; key: string; item: unknown }[]; deletes: { index: string; key: string }[] };
  validationError: (message: string) => Error;
};

/** Writes an item's index entries as the emulator of before did: the old ones deleted, then the new ones written. */
async function writeEntriesApart(store: Store, table: Table, before: unknown, after: unknown): Promise<void> {
  const each = (write: (done: (e?: Error) => void) => void) =>
    new Promise<void>((resolve, reject) => write((e) => (e ? reject(e) : resolve())));
  for (const type of ['Local', 'Global'] as const) {
    const { puts, deletes } = emulator.getIndexActions(table[`${type}SecondaryIndexes`] ?? [], before, after, table);
    const db = (index: string) => store.getIndexDb(type, table.TableName, index);
    for (const { index, key } of deletes) await each((done) => db(index).del(key, done));
    for (const { index, key, item } of puts) await each((done) => db(index).put(key, item, done));
  }
}

const TABLE = 'articles';
let local: LocalTable;
let client: DynamoDBClient;
let articles: ArticleRepository;

beforeAll(async () => {
  local = await startLocalTable(TABLE, 'precis-repair-');
  ({ client, articles } = local);
});
afterAll(() => local?.close());

/** Runs `write` with the emulator stopped after it wrote the index entries and before it wrote the item. */
async function killedMidWrite<T>(write: () => Promise<T>) {
  const original = emulator.updateIndexes;
  emulator.updateIndexes = (store, table, before, after, cb) =>
    // An error the emulator answers with at once: the caller goes on, and the item is never written.
    void writeEntriesApart(store, table, before, after).then(
      () => cb(emulator.validationError('the process was killed here')),
      cb,
    );
  try {
    return await write().catch(() => undefined);
  } finally {
    emulator.updateIndexes = original;
  }
}

const source = (key: string): SourceRef => ({ bucket: 'b', key, etag: '"e"', size: 10, sequencer: '01' });
const error = {
  code: 'INGEST_INTERRUPTED' as const,
  message: 'The process died while it cleaned this upload.',
  stage: 'ingest' as const,
  attempts: 1,
};
const listed = async () => (await articles.list({ limit: 100 })).items.map((a) => `${a.sourceKey} ${a.status}`);
const withStatus = async (status: 'RECEIVED' | 'FAILED') =>
  (await articles.list({ limit: 100, status })).items.map((a) => a.sourceKey);

describe('the index repair after a killed stack', () => {
  it('removes the entry a claim cut short left, so an article is listed once, in the state it is in', async () => {
    // Prepare: the first claim dies after its index entries; the restarted stack claims and ends the article.
    const key = 'incoming/cut-claim.md';
    const id = articleIdFor('b', key);
    await killedMidWrite(() => articles.claimIngest(id, source(key), new Date('2026-12-01T10:00:00Z'), 60_000));
    await articles.claimIngest(id, source(key), new Date('2026-12-01T10:01:00Z'), 60_000);
    await articles.markFailed(id, error, new Date('2026-12-01T10:01:01Z'), { sequencer: '01' });
    expect(await listed()).toEqual([`${key} FAILED`, `${key} RECEIVED`]);
    expect(await withStatus('RECEIVED')).toEqual([key]);

    // Act
    const repair = await repairIndexes(client, TABLE);

    // Assess
    expect(repair.stale).toBeGreaterThan(0);
    expect(await listed()).toEqual([`${key} FAILED`]);
    expect(await withStatus('RECEIVED')).toEqual([]);
    expect(await withStatus('FAILED')).toEqual([key]);
    expect((await articles.get(id))?.status).toBe('FAILED');
  });

  it('makes the entries an ending cut short agree with the article again, and leaves a whole table as it was', async () => {
    // Prepare: the stack dies while it ends an article: the index says FAILED, the article is still RECEIVED.
    const key = 'incoming/cut-ending.md';
    const id = articleIdFor('b', key);
    await articles.claimIngest(id, source(key), new Date('2026-12-01T11:00:00Z'), 60_000);
    await killedMidWrite(() => articles.markFailed(id, error, new Date('2026-12-01T11:00:01Z'), { sequencer: '01' }));
    expect((await articles.get(id))?.status).toBe('RECEIVED');
    expect(await listed()).toContain(`${key} FAILED`);
    expect(await withStatus('FAILED')).toContain(key);

    // Act
    const first = await repairIndexes(client, TABLE);
    const second = await repairIndexes(client, TABLE);

    // Assess: what the restarted stack finds is the article as it is, which it then ends itself.
    expect(first.stale + first.rewritten).toBeGreaterThan(0);
    expect(await listed()).toContain(`${key} RECEIVED`);
    expect(await listed()).not.toContain(`${key} FAILED`);
    expect(await withStatus('FAILED')).not.toContain(key);
    expect(await withStatus('RECEIVED')).toEqual([key]);
    expect(second).toEqual({ stale: 0, rewritten: 0 });
  });
});
