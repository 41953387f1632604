import { Aws, Duration, Fn, RemovalPolicy, SecretValue, type Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { BUCKET_LAYOUT, type PrefixLayout } from '../shared/layout.js';
import { nonKeyAttributes, TABLE_INDEXES, TABLE_SCHEMA } from '../shared/storage/table.js';
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
 * Data is kept when the stack is deleted or a resource replaced, but not when the stack's
 * first deploy fails and rolls back (CloudFormation's RetainExceptOnCreate): what that
 * created holds nothing yet, and keeping it would make the next deploy collide with it.
 */
const KEEP_DATA = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** Characters of the stack id's last part (its UUID's last group). */
const STACK_ID_CHARS = 12;

/**
 * The last 12 hex digits of the stack id, a UUID new for each stack created:
 * what makes a name that must be unique in AWS new when the stack is made again.
 */
export const stackIdSuffix = (): string => Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));

/**
 * The article bucket's name: the stack's name, lowercased, and the last 12 characters of
 * its stack id (a UUID, new for each stack created). Checked here against S3's naming
 * rules, whose length limit a long stack name would pass at synth and break at deploy.
 */
export function articleBucketName(stackName: string): string {
  const prefix = `${stackName.toLowerCase()}-articles-`;
  assertBucketName(`${prefix}${'0'.repeat(STACK_ID_CHARS)}`, `the stack name "${stackName}"`);
  return `${prefix}${stackIdSuffix()}`;
}

/** Throws, naming `what`, unless `name` is a valid S3 bucket name (3–63 of a-z 0-9 . -, no IP form). */
export function assertBucketName(name: string, what: string): void {
  const problems = [
    name.length > 63 && `it makes a bucket name of ${name.length} characters (S3 allows 63)`,
    name.length < 3 && 'it makes a bucket name shorter than 3 characters',
    !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
      'a bucket name may have only lowercase letters, digits, dots and hyphens, and starts and ends with a letter or digit',
    /\.\.|-\.|\.-/.test(name) && 'a bucket name may not have two dots, or a dot beside a hyphen, in a row',
    /^\d+\.\d+\.\d+\.\d+$/.test(name) && 'a bucket name may not look like an IP address',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`Invalid ${what} for the article bucket "${name}": ${problems.join('; ')}.`);
  }
}

/** Days a prefix's objects live in this deployment: its context key, else the layout's default; null: kept. */
export function retentionOf(layout: PrefixLayout, context: PrecisContext): number | null {
  const days = layout.contextKey
    ? (context as unknown as Record<string, number>)[layout.contextKey]
    : layout.retentionDays;
  return days ? days : null;
}

/**
 * The bucket's lifecycle: each prefix of the layout expires after its retention; a version
 * replaced or expired is kept 30 days more (the bucket is versioned, so a mistake can be
 * undone), then goes, and so do the delete markers left with no version behind them.
 */
export function lifecycleRules(context: PrecisContext): LifecycleRule[] {
  const expiring = Object.values(BUCKET_LAYOUT as Record<string, PrefixLayout>).flatMap((layout) => {
    const days = retentionOf(layout, context);
    return days
      ? [{ id: `expire-${layout.prefix.slice(0, -1)}`, prefix: layout.prefix, expiration: Duration.days(days) }]
      : [];
  });
  return [
    { noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
    { id: 'expired-delete-markers', expiredObjectDeleteMarker: true },
    ...expiring,
  ];
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
    removalPolicy: KEEP_DATA,
  });

  // A name known before the bucket exists lets the queue policy name it without referring to
  // it: no cycle between the bucket's notification (which needs the policy first) and the
  // policy. Part of the stack id makes it new for each stack created, so a stack made again
  // after a delete (which keeps the old bucket) does not collide with it.
  if (context.bucketName) assertBucketName(context.bucketName, '-c bucketName');
  const bucketName = context.bucketName || articleBucketName(stack.stackName);
  const bucket = new Bucket(stack, 'Articles', {
    bucketName,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'articles/',
    lifecycleRules: lifecycleRules(context),
    removalPolicy: KEEP_DATA,
    // The reader page, served by the API (its execute-api origin) or any -c corsOrigins origin, PUTs
    // uploads to presigned URLs: the browser needs the bucket's leave. The signature is the permission.
    cors: [
      {
        allowedMethods: [HttpMethods.PUT],
        allowedOrigins: [`https://*.execute-api.${stack.region}.amazonaws.com`, ...context.corsOrigins],
        allowedHeaders: ['content-type'],
        maxAge: 3000,
      },
    ],
  });

  const table = new TableV2(stack, 'ArticleTable', {
    partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: context.tableDeletionProtection,
    // Articles get the attribute only when a record retention is set (recordRetentionDays); the sketch
    // index's bands when its retention is (sketchRetentionDays).
    timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
    removalPolicy: KEEP_DATA,
    globalSecondaryIndexes: TABLE_INDEXES.map((index) => {
      const nonKey = nonKeyAttributes(index);
      return {
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(nonKey
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: nonKey }
          : { projectionType: ProjectionType.KEYS_ONLY }),
      };
    }),
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
