import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/runtime.js';
import { ensureTable } from '../../local/dynamo-table.js';
import { startDynamo } from '../../local/dynamodb.js';
import type { ArticleRepository } from '../../shared/ports.js';
import { DynamoArticleRepository } from '../../shared/storage/dynamo-article-repository.js';

export interface LocalTable {
  /** Where the emulator answers, for a child process. */
  endpoint: string;
  client: DynamoDBClient;
  articles: ArticleRepository;
  close(): Promise<void>;
}

/** The local DynamoDB in this process, on a folder of its own, with the article table as the stack makes it. */
export async function startLocalTable(table: string, prefix = 'precis-table-'): Promise<LocalTable> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dynamo = await startDynamo({ port: 0, directory: join(dir, 'db') });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await ensureTable(client, table);
  return {
    endpoint: dynamo.endpoint,
    client,
    articles: new DynamoArticleRepository(documentClient(client), table),
    close: async () => {
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
