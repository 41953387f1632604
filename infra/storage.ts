import { Aws, Duration, RemovalPolicy, SecretValue, type Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { TABLE_SCHEMA } from '../shared/storage/table.js';
import type { PrecisContext } from './context.js';

export interface Storage {
  bucket: Bucket;
  /** Known before the bucket exists, so the ingest queue's policy can name it without a cycle. */
  bucketArn: string;
  table: TableV2;
  /** The secret that holds the OpenAI key: created empty, or the one the context names. */
  secret: ISecret;
  /** A generated key that seals the API's page cursors. */
  cursorKey: Secret;
}

/**
 * What holds the data: the article bucket (with its access-log bucket), the
 * article table and the OpenAI key's secret. Created in the stack's own
 * scope, so their logical ids do not depend on how the code is arranged.
 */
export function createStorage(stack: Stack, context: PrecisContext): Storage {
  const accessLogs = new Bucket(stack, 'AccessLogs', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(90) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // A fixed name lets the queue policy name the bucket without referring to it: no cycle
  // between the bucket's notification (which needs the policy first) and the policy.
  const bucketName = `${stack.stackName.toLowerCase()}-articles-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
  const bucket = new Bucket(stack, 'Articles', {
    bucketName,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'articles/',
    lifecycleRules: [
      { noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      { prefix: 'cache/', expiration: Duration.days(90) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const { byReceived, byStatus } = TABLE_SCHEMA;
  const table = new TableV2(stack, 'ArticleTable', {
    partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    globalSecondaryIndexes: [byReceived, byStatus].map((index) => ({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    })),
  });

  const secret: ISecret = context.openAiSecretName
    ? Secret.fromSecretNameV2(stack, 'OpenAiApiKey', context.openAiSecretName)
    : new Secret(stack, 'OpenAiApiKey', {
        description: 'The OpenAI API key for precis: put the key here (plain, or {"apiKey": "sk-…"}).',
        secretStringValue: SecretValue.unsafePlainText('{"apiKey": ""}'),
        removalPolicy: RemovalPolicy.DESTROY,
      });
  if (secret instanceof Secret) {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A third-party API key: it is rotated at the provider and pasted in; Secrets Manager cannot rotate it.',
    });
  }

  const cursorKey = new Secret(stack, 'CursorKey', {
    description: 'Seals the precis API page cursors (generated; replacing it only ends the cursors clients hold).',
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Validations.of(cursorKey).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'It only seals page cursors: a new value ends the cursors clients hold, nothing else, so no rotation is set.',
  });

  return { bucket, bucketArn: `arn:${Aws.PARTITION}:s3:::${bucketName}`, table, secret, cursorKey };
}
