import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { nonKeyAttributes, TABLE_INDEXES, TABLE_SCHEMA } from '../shared/storage/table.js';

/** The indexes as TABLE_SCHEMA has them, for CreateTable. */
function indexDefinitions() {
  return TABLE_INDEXES.map((index) => {
    const nonKey = nonKeyAttributes(index);
    return {
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: nonKey
        ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: nonKey }
        : { ProjectionType: 'KEYS_ONLY' as const },
    };
  });
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | null> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? null;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

/** Whether a table has the indexes TABLE_SCHEMA names, each projecting what it says. */
function current(table: TableDescription): boolean {
  const shape = (name: string | undefined, type: string | undefined, attrs: string[] | undefined) =>
    `${name}:${type}:${[...(attrs ?? [])].sort().join(',')}`;
  const have = (table.GlobalSecondaryIndexes ?? [])
    .map((i) => shape(i.IndexName, i.Projection?.ProjectionType, i.Projection?.NonKeyAttributes))
    .sort();
  const want = indexDefinitions()
    .map((i) => shape(i.IndexName, i.Projection.ProjectionType, i.Projection.NonKeyAttributes))
    .sort();
  return JSON.stringify(have) === JSON.stringify(want);
}

async function create(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Set<string>([TABLE_SCHEMA.partitionKey]);
  for (const index of TABLE_INDEXES) attributes.add(index.partitionKey).add(index.sortKey);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [{ AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: indexDefinitions(),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitFor(client, tableName, (table) => table?.TableStatus === 'ACTIVE');
}

async function drop(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitFor(client, tableName, (table) => table === null);
}

async function waitFor(client: DynamoDBClient, tableName: string, done: (table: TableDescription | null) => boolean) {
  // The SDK's waiter polls every 20 s at least; the emulator is ready within milliseconds.
  for (let i = 0; i < 500; i++) {
    if (done(await describe(client, tableName))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`The local table ${tableName} did not settle.`);
}

/** Every item of `from` put into `to`, each changed by `edit` on the way. */
async function copy(
  client: DynamoDBClient,
  from: string,
  to: string,
  edit: (item: Record<string, AttributeValue>) => Record<string, AttributeValue> = (item) => item,
): Promise<void> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start }));
    const items = (page.Items ?? []).map(edit);
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: requests } }));
        requests = (UnprocessedItems?.[to] ?? []) as typeof requests;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

/** An article still on its way waits for its next message: what a table from before `pending` lacks. */
function withPending(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const status = item.status?.S;
  if (item.pending || !status || !['RECEIVED', 'CLEANED', 'ANALYZING'].includes(status)) return item;
  return { ...item, pending: { S: status } };
}

/**
 * The article table with the key schema and indexes the deployed stack has.
 * A table a version with other indexes made is rebuilt (the emulator cannot
 * add or drop an index): copied aside into `<name>.previous`, made again,
 * and filled back, each article on its way marked as waiting. A rebuild cut
 * short is finished at the next start, from the copy aside.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const aside = `${tableName}.previous`;
  const table = await describe(client, tableName);
  // Only a copy that was finished is trusted over the table; one cut short is made again.
  if ((await describe(client, aside)) && !(await copied(client, aside))) await drop(client, aside);
  if (!(await describe(client, aside))) {
    if (table && current(table)) return waitFor(client, tableName, (t) => t?.TableStatus === 'ACTIVE');
    if (!table) return create(client, tableName);
    await create(client, aside);
    await copy(client, tableName, aside);
    await client.send(new PutItemCommand({ TableName: aside, Item: COPIED }));
  }
  if (table) await drop(client, tableName);
  await create(client, tableName);
  await copy(client, aside, tableName, withPending);
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: COPIED }));
  await drop(client, aside);
}

/** The mark of a finished copy aside (no index key: no list sees it). */
const COPIED = { [TABLE_SCHEMA.partitionKey]: { S: 'rebuild#copied' } };

async function copied(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: COPIED, ConsistentRead: true }));
  return Item !== undefined;
}
