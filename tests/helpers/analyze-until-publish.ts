/**
 * A process that analyses one article against a DynamoDB endpoint and stops
 * dead at its event: it says PUBLISHING and waits for ever, for the test to
 * kill it between the write that ended the article and the publish.
 *
 *   node --import tsx tests/helpers/analyze-until-publish.ts <endpoint> <table> <articleId>
 * (the cleaned text on stdin)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/runtime.js';
import { OfflineEngine } from '../../shared/analysis/offline-engine.js';
import { DynamoArticleRepository } from '../../shared/storage/dynamo-article-repository.js';
import { analyzeArticle } from '../../shared/usecases/analyze-article.js';

const [endpoint = '', table = '', articleId = ''] = process.argv.slice(2);
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const text = Buffer.concat(chunks);

const dynamodb = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
await analyzeArticle(
  articleId,
  { attempt: 1, maxAttempts: 5 },
  {
    articles: new DynamoArticleRepository(documentClient(dynamodb), table),
    blobs: {
      get: async () => new Uint8Array(text),
      put: async () => undefined,
      async *list() {},
    },
    engine: new OfflineEngine(),
    events: {
      finished: () => {
        process.stdout.write('PUBLISHING\n');
        // Alive, and never publishing, until killed.
        setInterval(() => undefined, 60_000);
        return new Promise(() => undefined);
      },
    },
    clock: () => new Date(),
    config: { bucket: 'b', targetLanguages: [], leaseMs: 60_000 },
  },
);
