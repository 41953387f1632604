/**
 * The article table's indexes made whole again after the local stack was
 * killed. DynamoDB writes an item and its index entries as one; the emulator
 * (dynalite) wrote the index entries first and the item after, each on its
 * own, so a process killed between them left an entry whose item never
 * changed: a listing then shows an article twice, once in a state it left, and
 * a query by status finds it where it is not. The local stack's emulator now
 * writes them in one LevelDB batch (local/dynamodb.ts), but a data folder a
 * stack of before left may hold such entries: a stack that takes over the
 * data folder of one that died runs this before it serves anything.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES, TABLE_SCHEMA, type TableIndex } from '../shared/storage/table.js';

type Item = Record<string, AttributeValue>;

export interface IndexRepair {
  /** Entries whose item has other index keys, or no longer exists: removed. */
  stale: number;
  /** Items whose entries were missing or copied an older version of them: written again. */
  rewritten: number;
}

async function scanAll(client: DynamoDBClient, tableName: string, indexName?: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, IndexName: indexName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const ID = TABLE_SCHEMA.partitionKey;
const idOf = (item: Item) => item[ID]?.S ?? '';
const text = (value: AttributeValue | undefined) => JSON.stringify(value ?? null);

/** Whether `entry` is where `item` belongs in `index`, copying what the index copies of it as it is now. */
function entryOf(index: TableIndex, item: Item, entry: Item): 'current' | 'stale' | 'outdated' {
  if (text(item[index.partitionKey]) !== text(entry[index.partitionKey])) return 'stale';
  if (text(item[index.sortKey]) !== text(entry[index.sortKey])) return 'stale';
  if (index.projection === 'KEYS_ONLY') return 'current';
  return index.projection.every((name) => text(item[name]) === text(entry[name])) ? 'current' : 'outdated';
}

/**
 * Every index entry checked against its item: a stale one is removed, and an
 * item whose entry is missing or copies an older version is written again.
 * The emulator keeps an item's entries under the keys the item has, so a
 * stale entry is removed by putting its item once under the entry's keys and
 * then back (or deleting it, when the item is gone).
 */
export async function repairIndexes(client: DynamoDBClient, tableName: string): Promise<IndexRepair> {
  const items = new Map((await scanAll(client, tableName)).map((item) => [idOf(item), item]));
  const rewrite = new Set<string>();
  let stale = 0;
  for (const index of TABLE_INDEXES) {
    const indexed = new Set<string>();
    for (const entry of await scanAll(client, tableName, index.indexName)) {
      const item = items.get(idOf(entry));
      const state = item ? entryOf(index, item, entry) : 'stale';
      if (state === 'stale') {
        stale++;
        const keys = { [index.partitionKey]: entry[index.partitionKey], [index.sortKey]: entry[index.sortKey] } as Item;
        await client.send(new PutItemCommand({ TableName: tableName, Item: { ...(item ?? entry), ...keys } }));
        if (item) await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
        else
          await client.send(
            new DeleteItemCommand({ TableName: tableName, Key: { [ID]: entry[ID] as AttributeValue } }),
          );
        continue;
      }
      indexed.add(idOf(entry));
      if (state === 'outdated') rewrite.add(idOf(entry));
    }
    for (const [id, item] of items) {
      if (item[index.partitionKey] && item[index.sortKey] && !indexed.has(id)) rewrite.add(id);
    }
  }
  for (const id of rewrite) {
    await client.send(new PutItemCommand({ TableName: tableName, Item: items.get(id) as Item }));
  }
  return { stale, rewritten: rewrite.size };
}
