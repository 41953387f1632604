import { relative, resolve } from 'node:path';
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../../shared/article.js';
import { type Part, prefixesOf } from '../../shared/layout.js';
import { BUNDLING, functionBundleCommand, workerBundleCommand } from '../bundling.js';

/** The project's root, from this file (infra/constructs/): where CDK's bundling runs. */
const ROOT = resolve(import.meta.dirname, '../..');

export interface PrecisFunctionProps {
  /** The entry file under lambdas/, e.g. `lambdas/ingest/index.ts` (absolute, or from the project's root). */
  entry: string;
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logLevel?: string;
  /** The function cleans or checks text: CLD3's runtime and franc's data go beside its bundle (BUNDLING.languageModels). */
  languageModels?: boolean;
  /** The function may run the offline engine: the claim model's weights go beside its bundle (BUNDLING.claimModel). */
  claimModel?: boolean;
  /** Worker threads the function starts: each entry (from the project's root) bundled into its own file beside the function's. */
  workers?: { from: string; to: string }[];
}

/**
 * A function with the house defaults: Node.js 22 on ARM64, an ESM bundle made
 * by the local esbuild (no Docker) with the AWS SDK inside it at the pinned
 * version, its own log group with a retention, Powertools settings, and a
 * role that starts with nothing. Each `bind…` method gives the function a
 * resource the way its code expects it: the environment variable that names
 * the resource and the grant of exactly what the code does with it, in one
 * call, so the two cannot drift apart.
 */
export class PrecisFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PrecisFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: only the grants its code uses`,
    });
    // Writing its own log group is all a function needs to log; no managed policy.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // X-Ray: each invocation and its AWS calls (Powertools Tracer); the one grant on "*", as
      // X-Ray's write actions take no resource.
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'precis',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        mainFields: [...BUNDLING.mainFields],
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourceMap,
        // The SDK is bundled at the version the code was tested with, not the runtime's.
        externalModules: [],
        banner: BUNDLING.banner,
        define: { ...BUNDLING.define },
        esbuildArgs: { '--alias': Object.entries(BUNDLING.alias).map(([name, to]) => `${name}=${to}`) },
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            // The bundle again, split into chunks (BUNDLING.splitting): esbuild cannot split into CDK's --outfile.
            functionBundleCommand(inputDir, outputDir, relative(ROOT, props.entry)),
            ...[
              ...(props.languageModels ? BUNDLING.languageModels : []),
              ...(props.claimModel ? BUNDLING.claimModel : []),
            ].map(({ from, to }) => `cp "${inputDir}/${from}" "${outputDir}/${to}"`),
            ...(props.workers ?? []).map((worker) => workerBundleCommand(inputDir, outputDir, worker)),
          ],
        },
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Only X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords, which take no resource (AWS documents '*' for them); the stack test fails on any other statement on '*'.",
    });
  }

  /**
   * PRECIS_BUCKET, and what the bucket's layout (shared/layout.ts) says
   * `part` does, on the prefixes it does it on: s3:GetObject where it reads,
   * s3:PutObject where it writes, s3:ListBucket limited (s3:prefix) to where
   * it lists. A reader that may list gets 404, not 403, for a key that does
   * not exist: a deleted upload ends SOURCE_NOT_FOUND instead of being
   * retried as a failure.
   */
  bindBucket(bucket: IBucket, part: Part): this {
    this.fn.addEnvironment('PRECIS_BUCKET', bucket.bucketName);
    for (const [action, prefixes] of [
      ['s3:GetObject', prefixesOf(part, 'readers')],
      ['s3:PutObject', prefixesOf(part, 'writers')],
    ] as const) {
      if (prefixes.length === 0) continue;
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [action],
          resources: prefixes.map((prefix) => `${bucket.bucketArn}/${prefix}*`),
        }),
      );
    }
    const listed = prefixesOf(part, 'listers');
    if (listed.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          // S3 checks a GetObject of a missing key against ListBucket with the key as s3:prefix.
          conditions: { StringLike: { 's3:prefix': listed.map((prefix) => `${prefix}*`) } },
        }),
      );
    }
    return this;
  }

  /**
   * The only writes the sweep makes: its own item of the table (where it
   * stopped, `stateId`), and an article's `pending` mark once its event is
   * out (an update that names no other attribute than the ones it checks).
   */
  bindSweepWrites(table: ITableV2, stateId: string, published: string[]): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [stateId] } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': published } },
      }),
    );
    return this;
  }

  /** PRECIS_TABLE, and the item actions the code uses (with the indexes it queries). */
  bindTable(table: ITableV2, actions: string[], indexes: string[] = []): this {
    this.fn.addEnvironment('PRECIS_TABLE', table.tableName);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    return this;
  }

  /** PRECIS_ANALYZE_QUEUE_URL, and sending to that queue. */
  bindAnalyzeQueue(queue: IQueue): this {
    this.fn.addEnvironment('PRECIS_ANALYZE_QUEUE_URL', queue.queueUrl);
    queue.grantSendMessages(this.fn);
    return this;
  }

  /**
   * The queues a reprocess sends to (PRECIS_INGEST_QUEUE_URL and
   * PRECIS_ANALYZE_QUEUE_URL) and the dead-letter queues a redrive reads
   * and deletes from (PRECIS_INGEST_DLQ_URL, PRECIS_ANALYZE_DLQ_URL).
   */
  bindReprocessQueues(
    queues: { ingest: IQueue; analyze: IQueue },
    deadLetters: { ingest: IQueue; analyze: IQueue },
  ): this {
    this.bindAnalyzeQueue(queues.analyze);
    this.fn.addEnvironment('PRECIS_INGEST_QUEUE_URL', queues.ingest.queueUrl);
    queues.ingest.grantSendMessages(this.fn);
    this.fn.addEnvironment('PRECIS_INGEST_DLQ_URL', deadLetters.ingest.queueUrl);
    this.fn.addEnvironment('PRECIS_ANALYZE_DLQ_URL', deadLetters.analyze.queueUrl);
    for (const dlq of [deadLetters.ingest, deadLetters.analyze]) {
      dlq.grant(this.fn, 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility');
    }
    return this;
  }

  /** Publishing terminal states to the account's default EventBridge bus (PRECIS_EVENT_BUS's default). */
  bindEventBus(): this {
    const stack = Stack.of(this);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
        // Only precis's own events: its source and detail-type.
        conditions: { StringEquals: { 'events:source': EVENT_SOURCE, 'events:detail-type': EVENT_DETAIL_TYPE } },
      }),
    );
    return this;
  }

  /** PRECIS_CURSOR_SECRET_ARN, and reading that secret. */
  bindCursorKey(secret: ISecret): this {
    this.fn.addEnvironment('PRECIS_CURSOR_SECRET_ARN', secret.secretArn);
    secret.grantRead(this.fn);
    return this;
  }

  /**
   * PRECIS_OPENAI_SECRET_ARN, and reading that secret; with the ARN of the
   * customer-managed KMS key that encrypts it, decrypting with that key, only
   * through Secrets Manager in this region.
   */
  bindOpenAiSecret(secret: ISecret, kmsKeyArn?: string): this {
    this.fn.addEnvironment('PRECIS_OPENAI_SECRET_ARN', secret.secretArn);
    secret.grantRead(this.fn);
    if (kmsKeyArn) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [kmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    return this;
  }
}
