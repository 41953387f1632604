import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../local/dynamo-table.js';
import { type LocalDynamo, startDynamo } from '../../../local/dynamodb.js';
import { nonKeyAttributes, TABLE_INDEXES, TABLE_SCHEMA } from '../../../shared/storage/table.js';

const started: { dynamo: LocalDynamo; client: DynamoDBClient; dir: string }[] = [];
afterEach(async () => {
  for (const { dynamo, client, dir } of started.splice(0)) {
    client.destroy();
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A client of the local emulator at `endpoint`. */
const clientOf = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'precis-dynamo-'));
  const dynamo = await startDynamo({ port: 0, directory: dir });
  const client = clientOf(dynamo.endpoint);
  started.push({ dynamo, client, dir });
  return client;
}

/** LevelDB as dynalite opens it: its requests, each a trip through the thread pool, are counted by kind. */
const { ClassicLevel } = createRequire(
  createRequire(createRequire(import.meta.url).resolve('dynalite')).resolve('level'),
)('classic-level') as { ClassicLevel: { prototype: Record<string, (...args: unknown[]) => unknown> } };
const LEVEL_REQUESTS = ['_get', '_getMany', '_put', '_del', '_batch'] as const;
async function levelRequests(act: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const originals = LEVEL_REQUESTS.map((name) => [name, ClassicLevel.prototype[name]] as const);
  for (const [name, original] of originals) {
    ClassicLevel.prototype[name] = function (this: unknown, ...args: unknown[]) {
      counts[name] = (counts[name] ?? 0) + 1;
      return original?.apply(this, args);
    };
  }
  try {
    await act();
  } finally {
    for (const [name, original] of originals)
      ClassicLevel.prototype[name] = original as (...args: unknown[]) => unknown;
  }
  return counts;
}

const table = (key: string) =>
  new CreateTableCommand({
    TableName: 'things',
    KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });

/**
 * As in AWS, a table takes item requests once it is ACTIVE, and its name is
 * free again once it is gone: dynalite settles each on a timer of its own,
 * so the test waits for the state, not for a time.
 */
async function settled(client: DynamoDBClient, want: 'ACTIVE' | 'gone'): Promise<void> {
  for (;;) {
    const status = await client
      .send(new DescribeTableCommand({ TableName: 'things' }))
      .then((answer) => answer.Table?.TableStatus)
      .catch((failure: unknown) => {
        if (failure instanceof ResourceNotFoundException) return 'gone';
        throw failure;
      });
    if (status === want) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the local DynamoDB', () => {
  it('answers item requests by the table as it is now, after the table is deleted and made again', async () => {
    // Prepare: a table keyed by `id`, used once.
    const client = await start();
    await client.send(table('id'));
    await settled(client, 'ACTIVE');
    await client.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'a' } } }));
    // Act: deleted, then made again keyed by `name`.
    await client.send(new DeleteTableCommand({ TableName: 'things' }));
    const whileGone = client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'a' } } }));
    await expect(whileGone).rejects.toBeInstanceOf(ResourceNotFoundException);
    await settled(client, 'gone');
    await client.send(table('name'));
    await settled(client, 'ACTIVE');
    await client.send(new PutItemCommand({ TableName: 'things', Item: { name: { S: 'b' } } }));
    const byOldKey = client.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'c' } } }));
    // Assess: the new table's key is the one asked for, and the old item is gone with the old table.
    await expect(byOldKey).rejects.toThrow(/key/i);
    const found = await client.send(new GetItemCommand({ TableName: 'things', Key: { name: { S: 'b' } } }));
    expect(found.Item).toEqual({ name: { S: 'b' } });
  });

  it('answers a request that repeats expressions, names and values as it answered the first', async () => {
    // Prepare: a table, and a set-adding update capped at two members, as the sketch bands are.
    const client = await start();
    await client.send(table('id'));
    await settled(client, 'ACTIVE');
    const add = (id: string, member: string) =>
      client.send(
        new UpdateItemCommand({
          TableName: 'things',
          Key: { id: { S: id } },
          UpdateExpression: 'ADD members :member',
          ConditionExpression: 'attribute_not_exists(members) OR size(members) < :most OR contains(members, :one)',
          ExpressionAttributeValues: { ':member': { SS: [member] }, ':one': { S: member }, ':most': { N: '2' } },
        }),
      );
    const byValue = (id: string) =>
      client.send(
        new QueryCommand({
          TableName: 'things',
          // The value first: dynalite turns the parsed condition around in place to read it.
          KeyConditionExpression: ':id = id',
          ExpressionAttributeValues: { ':id': { S: id } },
        }),
      );
    const unused = () =>
      client.send(
        new UpdateItemCommand({
          TableName: 'things',
          Key: { id: { S: 'a' } },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': { N: '1' }, ':spare': { N: '2' } },
        }),
      );
    // Act: the same update on two keys, a third member refused twice, the same query twice, the same bad request twice.
    await add('a', 'x');
    await add('b', 'x');
    await add('a', 'y');
    const full = await Promise.allSettled([add('a', 'z'), add('a', 'z')]);
    const first = await byValue('a');
    const second = await byValue('a');
    // Assess
    for (const refused of full) expect(refused.status === 'rejected' && String(refused.reason)).toMatch(/conditional/i);
    for (const id of ['a', 'b']) {
      const { Item } = await client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: id } } }));
      expect(new Set(Item?.members?.SS)).toEqual(new Set(id === 'a' ? ['x', 'y'] : ['x']));
    }
    expect(first.Items?.map((item) => item.id?.S)).toEqual(['a']);
    expect(second.Items).toEqual(first.Items);
    await expect(unused()).rejects.toThrow(/unused in expressions: keys: \{:spare\}/);
    await expect(unused()).rejects.toThrow(/unused in expressions: keys: \{:spare\}/);
  });

  it('refuses an item past 400 KB counted in UTF-8 bytes, as DynamoDB does, not in UTF-16 units', async () => {
    // Prepare: Cyrillic text, two bytes a letter in UTF-8 and one UTF-16 unit.
    const client = await start();
    await client.send(table('id'));
    await settled(client, 'ACTIVE');
    const letters = (count: number) => 'д'.repeat(count);
    const put = (id: string, text: string) =>
      client.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: id }, text: { S: text } } }));
    const setNested = (id: string, text: string) =>
      client.send(
        new UpdateItemCommand({
          TableName: 'things',
          Key: { id: { S: id } },
          UpdateExpression: 'SET doc = :doc',
          ExpressionAttributeValues: { ':doc': { M: { заголовок: { L: [{ S: text }] } } } },
        }),
      );
    // Act and assess: 250,000 letters are 500,000 bytes (250,000 units); 150,000 are 300,000 bytes.
    await expect(put('big', letters(250_000))).rejects.toThrow(/Item size has exceeded the maximum allowed size/);
    await expect(setNested('nested', letters(250_000))).rejects.toThrow(/Item size to update has exceeded/);
    await put('fits', letters(150_000));
    await setNested('fits too', letters(150_000));
    // The two together would be 600,000 bytes: the update that makes them so is refused, the item kept as it was.
    await expect(setNested('fits', letters(150_000))).rejects.toThrow(/Item size to update has exceeded/);
    const { Item } = await client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'fits' } } }));
    expect(Item?.text?.S).toHaveLength(150_000);
    expect(Item?.doc).toBeUndefined();
    const { Item: big } = await client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'big' } } }));
    expect(big).toBeUndefined();
  });

  it('writes an item with its index entries in one LevelDB request, and reads an item it wrote without one', async () => {
    // Prepare: a table with an index on `kind`, and an item in it.
    const dir = mkdtempSync(join(tmpdir(), 'precis-dynamo-'));
    let dynamo = await startDynamo({ port: 0, directory: dir });
    let client = clientOf(dynamo.endpoint);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: 'things',
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'S' },
            { AttributeName: 'kind', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byKind',
              KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['n'] },
            },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await settled(client, 'ACTIVE');
      await client.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'a' }, kind: { S: 'x' } } }));
      const move = (kind: string, n: string) =>
        client.send(
          new UpdateItemCommand({
            TableName: 'things',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET kind = :kind, n = :n',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':kind': { S: kind }, ':n': { N: n } },
          }),
        );
      const ofKind = async (kind: string) =>
        (
          await client.send(
            new QueryCommand({
              TableName: 'things',
              IndexName: 'byKind',
              KeyConditionExpression: 'kind = :kind',
              ExpressionAttributeValues: { ':kind': { S: kind } },
            }),
          )
        ).Items;
      const get = async () =>
        (await client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'a' } } }))).Item;

      // Act: the item moves from one index entry to another (the old entry deleted, the new one and the item written).
      const moving = await levelRequests(() => move('y', '1'));
      const reading = await levelRequests(get);
      // Assess: one batch, no read (the item is the one just written); the index and the item as written.
      expect(moving).toEqual({ _batch: 1 });
      expect(reading).toEqual({});
      expect(await get()).toEqual({ id: { S: 'a' }, kind: { S: 'y' }, n: { N: '1' } });
      expect(await ofKind('x')).toEqual([]);
      expect(await ofKind('y')).toEqual([{ id: { S: 'a' }, kind: { S: 'y' }, n: { N: '1' } }]);

      // Act: the server closed and listening again (dynalite opens its LevelDB again), then the item moved again.
      client.destroy();
      await dynamo.close();
      dynamo = await startDynamo({ port: 0, directory: dir });
      client = clientOf(dynamo.endpoint);
      // Assess: the table's description and the item read from LevelDB (nothing kept from before), the
      // description kept again, the item written in one batch again.
      expect(await levelRequests(get)).toEqual({ _get: 2 });
      expect(await levelRequests(get)).toEqual({ _get: 1 });
      expect(await get()).toEqual({ id: { S: 'a' }, kind: { S: 'y' }, n: { N: '1' } });
      expect(await levelRequests(() => move('z', '2'))).toEqual({ _get: 1, _batch: 1 });
      expect(await ofKind('y')).toEqual([]);
      expect(await ofKind('z')).toEqual([{ id: { S: 'a' }, kind: { S: 'z' }, n: { N: '2' } }]);
      // A refused write keeps the item as it was; a deleted item is gone, with its index entry.
      await expect(
        client.send(
          new PutItemCommand({
            TableName: 'things',
            Item: { id: { S: 'a' }, kind: { S: 'w' } },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        ),
      ).rejects.toThrow(/conditional/i);
      expect(await get()).toEqual({ id: { S: 'a' }, kind: { S: 'z' }, n: { N: '2' } });
      expect(
        await levelRequests(() => client.send(new DeleteItemCommand({ TableName: 'things', Key: { id: { S: 'a' } } }))),
      ).toEqual({ _batch: 1 });
      expect(await get()).toBeUndefined();
      expect(await ofKind('z')).toEqual([]);

      // Act: an item written, its table deleted and made again.
      await client.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'b' } } }));
      await client.send(new DeleteTableCommand({ TableName: 'things' }));
      await settled(client, 'gone');
      await client.send(table('id'));
      await settled(client, 'ACTIVE');
      // Assess: the item went with its table.
      const { Item } = await client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'b' } } }));
      expect(Item).toBeUndefined();
    } finally {
      client.destroy();
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to an index only the entries a write changes, and each index of the article table holds what DynamoDB’s would', async () => {
    // Prepare: the article table as the stack makes it, and an article in it, waiting for its next message.
    const dir = mkdtempSync(join(tmpdir(), 'precis-dynamo-'));
    let dynamo = await startDynamo({ port: 0, directory: dir });
    let client = clientOf(dynamo.endpoint);
    const TableName = 'articles';
    type Item = Record<string, { S: string } | { M: Record<string, { S: string }> }>;
    const s = (text: string) => ({ S: text });
    /** The index entries each LevelDB batch of `act` writes and deletes, by index name. */
    const { ClassicLevel: Level } = createRequire(
      createRequire(createRequire(import.meta.url).resolve('dynalite')).resolve('level'),
    )('classic-level') as { ClassicLevel: { prototype: { _batch: (...args: unknown[]) => unknown } } };
    const indexRows = async (act: () => Promise<unknown>) => {
      const rows = { put: [] as string[], del: [] as string[] };
      const batch = Level.prototype._batch;
      Level.prototype._batch = function (this: unknown, ...args: unknown[]) {
        for (const op of args[0] as { type: 'put' | 'del'; key: unknown }[]) {
          const [kind, , index] = String(op.key).split('~');
          if (kind?.startsWith('index-')) rows[op.type].push(index ?? '');
        }
        return batch.apply(this, args);
      };
      try {
        await act();
      } finally {
        Level.prototype._batch = batch;
      }
      rows.put.sort();
      rows.del.sort();
      return rows;
    };
    const update = (expression: string, values?: Item, names?: Record<string, string>) =>
      client.send(
        new UpdateItemCommand({
          TableName,
          Key: { id: s('a') },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      );
    const scan = async (IndexName?: string) => {
      const items: unknown[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName, IndexName, ExclusiveStartKey } as never));
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items.map((item) => JSON.stringify(item, Object.keys(item as object).sort())).sort();
    };
    /** What each index holds in DynamoDB: for each item with both of its keys, those keys, the table's and what it projects. */
    const expectIndexesAsDynamoDb = async () => {
      const items = (await client.send(new ScanCommand({ TableName }))).Items ?? [];
      for (const index of TABLE_INDEXES) {
        const copied = [
          TABLE_SCHEMA.partitionKey,
          index.partitionKey,
          index.sortKey,
          ...(nonKeyAttributes(index) ?? []),
        ];
        const entries = items
          .filter((item) => item[index.partitionKey] && item[index.sortKey])
          .map((item) => Object.fromEntries(copied.filter((name) => item[name]).map((name) => [name, item[name]])))
          .map((entry) => JSON.stringify(entry, Object.keys(entry).sort()))
          .sort();
        expect({ index: index.indexName, entries: await scan(index.indexName) }).toEqual({
          index: index.indexName,
          entries,
        });
      }
    };
    try {
      await ensureTable(client, TableName);
      const article: Item = {
        id: s('a'),
        listPk: s('ARTICLE'),
        receivedAt: s('2026-12-01T10:00:00.000Z'),
        updatedAt: s('2026-12-01T10:00:00.000Z'),
        status: s('RECEIVED'),
        pending: s('RECEIVED'),
        sourceKey: s('incoming/a.md'),
      };
      await client.send(new PutItemCommand({ TableName, Item: article }));
      await client.send(new PutItemCommand({ TableName, Item: { ...article, id: s('b'), pending: s('CLEANED') } }));
      const [received, status, pending] = ['listByReceived', 'listByStatus', 'pendingByUpdated'];

      // Act and assess, one write after another: what each writes to the indexes, and what they hold after it.
      // A field no index copies (the start of cleaning), set and set again to the same map: no entry written.
      expect(
        await indexRows(() => update('SET ingestStartedAt = :t', { ':t': s('2026-12-01T10:00:01.000Z') })),
      ).toEqual({ put: [], del: [] });
      expect(await indexRows(() => update('SET summary = :m', { ':m': { M: { short: s('x') } } }))).toEqual({
        put: [],
        del: [],
      });
      await expectIndexesAsDynamoDb();
      // A field the listings copy: their two entries, not the sweep's (keys only).
      expect(await indexRows(() => update('SET title = :t', { ':t': s('A title') }))).toEqual({
        put: [received, status],
        del: [],
      });
      await expectIndexesAsDynamoDb();
      // The status and the time of the change: every entry moves or changes, the old keys' entries go.
      expect(
        await indexRows(() =>
          update(
            'SET #status = :s, updatedAt = :u, pending = :s',
            { ':s': s('CLEANED'), ':u': s('2026-12-01T10:00:02.000Z') },
            { '#status': 'status' },
          ),
        ),
      ).toEqual({ put: [received, status, pending], del: [status, pending] });
      await expectIndexesAsDynamoDb();
      // The event published (REMOVE pending): the sweep's entry goes, the listings' stay as they were.
      expect(await indexRows(() => update('REMOVE pending'))).toEqual({ put: [], del: [pending] });
      await expectIndexesAsDynamoDb();
      expect(await indexRows(() => update('SET pending = :p', { ':p': s('DONE') }))).toEqual({
        put: [pending],
        del: [],
      });
      await expectIndexesAsDynamoDb();
      // A put of the item as it is (the repair's rewrite) changes nothing in an index either.
      const { Item: now } = await client.send(new GetItemCommand({ TableName, Key: { id: s('a') } }));
      expect(await indexRows(() => client.send(new PutItemCommand({ TableName, Item: now })))).toEqual({
        put: [],
        del: [],
      });

      // Act: the server listens again (a new store over the same LevelDB), and the article is read from it.
      client.destroy();
      await dynamo.close();
      dynamo = await startDynamo({ port: 0, directory: dir });
      client = clientOf(dynamo.endpoint);
      // Assess: an item this store did not write has every entry written, as a data folder of before may need;
      // once written here, its unchanged entries are left again.
      const again = () => update('SET ingestStartedAt = :t', { ':t': s('2026-12-01T10:00:03.000Z') });
      expect(await indexRows(again)).toEqual({ put: [received, status, pending], del: [] });
      expect(await indexRows(again)).toEqual({ put: [], del: [] });
      await expectIndexesAsDynamoDb();
      expect((await scan()).length).toBe(2);
    } finally {
      client.destroy();
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
