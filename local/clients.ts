import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

/** The emulators' endpoints and the credentials they take. */
export interface EmulatorAccess {
  endpoints: { s3: string; dynamodb: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The S3 and DynamoDB clients of the local stack's functions, on its emulators, in whichever thread runs them. */
export function emulatorClients({ endpoints, credentials }: EmulatorAccess): {
  s3: S3Client;
  dynamodb: DynamoDBClient;
} {
  const region = 'us-east-1';
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials });
  const s3 = new S3Client({
    endpoint: endpoints.s3,
    region,
    forcePathStyle: true,
    credentials,
    // Each command's middleware stack resolved once per kind of command, not at every call (a tenth of this
    // thread's work under a backlog). The functions' S3 calls add no middleware of their own. Not for
    // DynamoDB: the document client's commands carry their input in theirs.
    cacheMiddleware: true,
  });
  return { s3, dynamodb };
}
