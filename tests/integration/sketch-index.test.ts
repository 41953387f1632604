import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../lambdas/runtime.js';
import type { SyndicationEntry } from '../../shared/analysis/ports.js';
import { MAX_CANDIDATES } from '../../shared/analysis/sketch-index.js';
import type { BlobStore } from '../../shared/ports.js';
import { DynamoSketchIndex, MAX_HASHES_PER_BAND } from '../../shared/storage/dynamo-sketch-index.js';
import { type LocalTable, startLocalTable } from '../helpers/local-table.js';

const TABLE = 'precis-sketches-test';
let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable(TABLE, 'precis-sketches-');
});
afterAll(async () => table?.close());

/** A bucket in memory that counts its requests. */
function memoryBucket() {
  const objects = new Map<string, Uint8Array>();
  const requests = { get: 0, put: 0, list: 0 };
  const blobs: BlobStore = {
    async get(_bucket, key) {
      requests.get++;
      const body = objects.get(key);
      if (!body) throw new Error(`no object ${key}`);
      return body;
    },
    async put(_bucket, key, body) {
      requests.put++;
      objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    },
    // biome-ignore lint/correctness/useYield: the index never lists; a listing would be counted.
    async *list() {
      requests.list++;
    },
  };
  return { blobs, requests };
}

/** The table's requests, by operation, as the SDK sends them. */
function countedTableRequests() {
  const counts: Record<string, number> = {};
  table.client.middlewareStack.add(
    (next, context) => async (args) => {
      counts[context.commandName as string] = (counts[context.commandName as string] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `count-${Math.random()}` },
  );
  return counts;
}

const entry = (contentHash: string): SyndicationEntry =>
  ({ contentHash, sketch: [1, 2, 3], language: 'en', publishedDay: null, figures: [] }) as unknown as SyndicationEntry;

const NOW = new Date('2026-03-01T00:00:00Z');
let run = 0;
/** Band keys of their own for each test, as sketches of different texts have. */
const bandsOf = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${run}-${i}`);

describe('the sketch index in the table', () => {
  it('finds a text by any one of its bands, in one table request for all of them, and nothing by other bands', async () => {
    // Prepare
    run++;
    const { blobs, requests } = memoryBucket();
    const index = new DynamoSketchIndex(documentClient(table.client), TABLE, blobs, 'b', {
      retentionDays: 90,
      now: () => NOW,
    });
    const bands = bandsOf(16, 'a');
    await index.add(bands, entry('hash-a'));
    const counts = countedTableRequests();
    // Act
    const byOneBand = await index.candidates([...bandsOf(15, 'other'), bands[7] as string]);
    const byNone = await index.candidates(bandsOf(16, 'none'));
    // Assess
    expect(byOneBand.map((e) => e.contentHash)).toEqual(['hash-a']);
    expect(byNone).toEqual([]);
    expect(counts).toEqual({ BatchGetItemCommand: 2 });
    expect(requests.list).toBe(0);
    // The band's item expires with the entries (the table's TTL).
    const item = await table.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: `sketch#${bands[0]}` } } }),
    );
    expect(Number(item.Item?.expiresAt?.N)).toBe(NOW.getTime() / 1000 + 90 * 86_400);
  });

  it('judges the texts of a band by the sketches kept with them, and reads the entries of the near ones only', async () => {
    // Prepare: three texts under one band, one of them near the text looked up, one far, one the same.
    run++;
    const { blobs, requests } = memoryBucket();
    const index = new DynamoSketchIndex(documentClient(table.client), TABLE, blobs, 'b', { retentionDays: 0 });
    const sketch = Array.from({ length: 64 }, (_, i) => 0xfffffff0 - i * 7919);
    const withSketch = (hash: string, agreeing: number): SyndicationEntry => ({
      ...entry(hash),
      sketch: sketch.map((value, i) => (i < agreeing ? value : value ^ 0x5a5a)),
    });
    const [band] = bandsOf(1, 'shared') as [string];
    await index.add([band], withSketch('far', 20));
    await index.add([band], withSketch('near', 48));
    await index.add([band], withSketch('same', 64));
    requests.get = 0;
    // Act
    const found = await index.candidates([band], { sketch, threshold: 0.65 });
    const all = await index.candidates([band]);
    // Assess: most similar first; the far text's entry never read (one read each for the two, then three).
    expect(found.map((e) => e.contentHash)).toEqual(['same', 'near']);
    expect(requests.get).toBe(2 + 3);
    expect(all.map((e) => e.contentHash).sort()).toEqual(['far', 'near', 'same']);
  });

  it('keeps every text indexed at once under a shared band, and reads at most MAX_CANDIDATES of them', async () => {
    // Prepare
    run++;
    const { blobs } = memoryBucket();
    const index = new DynamoSketchIndex(documentClient(table.client), TABLE, blobs, 'b', { retentionDays: 0 });
    const shared = bandsOf(1, 'shared');
    const hashes = Array.from({ length: MAX_CANDIDATES + 5 }, (_, i) => `hash-${String(i).padStart(2, '0')}`);
    // Act: all at once, as concurrent deliveries add them.
    await Promise.all(hashes.map((hash, i) => index.add([...shared, ...bandsOf(3, `own-${i}`)], entry(hash))));
    const found = await index.candidates(shared);
    const alone = await index.candidates(bandsOf(3, 'own-24').slice(1));
    // Assess: the first MAX_CANDIDATES in key order, as a listing of the band gave them.
    expect(found.map((e) => e.contentHash)).toEqual(hashes.slice(0, MAX_CANDIDATES));
    expect(alone.map((e) => e.contentHash)).toEqual(['hash-24']);
  });

  it('stops adding texts to a band shared by MAX_HASHES_PER_BAND, without failing the text that finds it full', async () => {
    // Prepare: a boilerplate band, full.
    run++;
    const { blobs } = memoryBucket();
    const index = new DynamoSketchIndex(documentClient(table.client), TABLE, blobs, 'b', { retentionDays: 0 });
    const [boilerplate] = bandsOf(1, 'boilerplate') as [string];
    for (let i = 0; i < MAX_HASHES_PER_BAND; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) => index.add([boilerplate], entry(`full-${String(i + j).padStart(3, '0')}`))),
      );
    }
    // Act
    const own = bandsOf(1, 'late');
    await index.add([boilerplate, ...own], entry('late-text'));
    // Assess: found by its own band, not through the full one.
    expect((await index.candidates(own)).map((e) => e.contentHash)).toEqual(['late-text']);
    const item = await table.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: `sketch#${boilerplate}` } } }),
    );
    expect(item.Item?.hashes?.SS?.length).toBe(MAX_HASHES_PER_BAND);
    expect(item.Item?.hashes?.SS).not.toContain('late-text');
  });
});
