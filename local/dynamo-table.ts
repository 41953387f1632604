import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../shared/storage/table.js';

/** The article table with the key schema and indexes the deployed stack has. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { byReceived, byStatus } = TABLE_SCHEMA;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
          { AttributeName: byReceived.partitionKey, AttributeType: 'S' },
          { AttributeName: byReceived.sortKey, AttributeType: 'S' },
          { AttributeName: byStatus.partitionKey, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [byReceived, byStatus].map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // The SDK's waiter polls every 20 s at least; the emulator is ready within milliseconds.
  for (let i = 0; i < 500; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`The local table ${tableName} did not become ACTIVE.`);
}
