import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynamo } from '../../../local/dynamodb.js';

const started: { dynamo: LocalDynamo; client: DynamoDBClient; dir: string }[] = [];
afterEach(async () => {
  for (const { dynamo, client, dir } of started.splice(0)) {
    client.destroy();
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'precis-dynamo-'));
  const dynamo = await startDynamo({ port: 0, directory: dir });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  started.push({ dynamo, client, dir });
  return client;
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
});
