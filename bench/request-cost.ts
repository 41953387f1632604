/**
 * What one storage request costs this thread (the SDK's work on the client
 * side: middleware, serialising, signing, checksums, the socket), against
 * the local stack's emulators: CPU time of this thread per request, for an
 * UpdateItem like a band update, a PutItem, an S3 PutObject and GetObject of
 * an analysis-sized JSON, each client configuration given in turns so that a
 * busy machine falls on all of them. Linux only (reads /proc/thread-self).
 *
 *   npx tsx bench/request-cost.ts [--requests 400] [--rounds 5] [--only UpdateItem]
 */
import '../local/process-env.js';
import { parseArgs } from 'node:util';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/stack.js';
import { startTestStack } from '../tests/helpers/stack.js';
import { median, threadCpuMsFrom } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

/** This thread's CPU time so far, ms. */
const threadCpuMs = () => threadCpuMsFrom('/proc/thread-self/stat');

const { stack, close } = await startTestStack({ PRECIS_SWEEP_INTERVAL_MS: '0' });
const region = 'us-east-1';
const table = 'precis-articles';
const body = JSON.stringify({ text: 'x '.repeat(6000), n: 1 });

type Variant = { name: string; run: (i: number) => Promise<unknown> };
const dynamoVariant = (name: string, config: Partial<DynamoDBClientConfig>, kind: 'update' | 'put'): Variant => {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region, credentials: LOCAL_CREDENTIALS, ...config }),
  );
  return {
    name,
    run: (i) =>
      kind === 'update'
        ? db.send(
            new UpdateCommand({
              TableName: table,
              Key: { id: `sketch#bench${i % 50}` },
              UpdateExpression: 'ADD hashes :hash SET expiresAt = :expires',
              ConditionExpression: 'attribute_not_exists(hashes) OR size(hashes) < :most OR contains(hashes, :one)',
              ExpressionAttributeValues: {
                ':hash': new Set([`h${i % 7}`]),
                ':one': `h${i % 7}`,
                ':most': 100,
                ':expires': 1_900_000_000,
              },
            }),
          )
        : db.send(new PutCommand({ TableName: table, Item: { id: `bench#${i % 50}`, a: 'x', n: i } })),
  };
};
const s3Variant = (name: string, config: Partial<S3ClientConfig>, kind: 'put' | 'get'): Variant => {
  const s3 = new S3Client({
    endpoint: stack.endpoints.s3,
    region,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    cacheMiddleware: true,
    ...config,
  });
  return {
    name,
    run: async (i) => {
      const Key = `bench/${i % 50}.json`;
      if (kind === 'put') {
        return s3.send(
          new PutObjectCommand({
            Bucket: stack.bucket,
            Key,
            Body: body,
            ContentType: 'application/json',
            ContentLength: Buffer.byteLength(body),
          }),
        );
      }
      const out = await s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key }));
      return out.Body?.transformToByteArray();
    },
  };
};

const allVariants: Variant[] = [
  dynamoVariant('UpdateItem (band), default', {}, 'update'),
  dynamoVariant(
    'UpdateItem (band), endpoint given whole',
    { endpointProvider: () => ({ url: new URL(stack.endpoints.dynamodb) }) },
    'update',
  ),
  dynamoVariant('PutItem, default', {}, 'put'),
  s3Variant('PutObject 12 KB, default (checksum when supported)', {}, 'put'),
  s3Variant('PutObject 12 KB, checksum when required', { requestChecksumCalculation: 'WHEN_REQUIRED' }, 'put'),
  s3Variant('GetObject 12 KB, default (validated when supported)', {}, 'get'),
  s3Variant('GetObject 12 KB, validated when required', { responseChecksumValidation: 'WHEN_REQUIRED' }, 'get'),
];
const variants = allVariants.filter((v) => !values.only || v.name.includes(values.only));
const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
try {
  // Warm-up: each variant's code compiled, its sockets open, the objects there.
  for (const v of variants) for (let i = 0; i < 100; i++) await v.run(i);
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const before = threadCpuMs();
      // Four at a time, as an article's requests overlap.
      for (let i = 0; i < requests; i += 4) await Promise.all([0, 1, 2, 3].map((j) => v.run(i + j)));
      samples.get(v.name)?.push(((threadCpuMs() - before) * 1000) / requests);
    }
  }
} finally {
  await close();
}
console.log(`CPU of this thread per request, µs (median of ${rounds} rounds of ${requests}; all rounds):`);
for (const [name, xs] of samples)
  console.log(`  ${median(xs).toFixed(0).padStart(5)}  ${name}  [${xs.map((x) => x.toFixed(0)).join(' ')}]`);
