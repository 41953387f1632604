import { resolve } from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  Cors,
  LambdaIntegration,
  LogGroupLogDestination,
  Period,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_MAX_OBJECT_BYTES } from '../shared/config.js';
import { TABLE_SCHEMA } from '../shared/storage/table.js';
import { PrecisFunction } from './constructs/precis-function.js';
import type { PrecisContext } from './context.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAX_RECEIVES = 3;

export interface PrecisStackProps extends StackProps {
  context: PrecisContext;
}

/**
 * precis in one stack: the article bucket whose uploads under `incoming/`
 * go to the ingest queue, the ingest and analyze functions behind queues
 * with dead-letter queues, the article table, the key's secret, the read API
 * behind an API key, and alarms.
 */
export class PrecisStack extends Stack {
  readonly bucket: Bucket;
  readonly table: TableV2;
  readonly functions: { ingest: PrecisFunction; analyze: PrecisFunction; api: PrecisFunction };

  constructor(scope: Construct, id: string, props: PrecisStackProps) {
    super(scope, id, props);
    const { context } = props;

    // ── Storage ────────────────────────────────────────────────────────────
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A fixed name lets the queue policy name the bucket without referring to it: no cycle
    // between the bucket's notification (which needs the policy first) and the policy.
    const bucketName = `${this.stackName.toLowerCase()}-articles-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${bucketName}`;
    this.bucket = new Bucket(this, 'Articles', {
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
    this.table = new TableV2(this, 'ArticleTable', {
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
      ? Secret.fromSecretNameV2(this, 'OpenAiApiKey', context.openAiSecretName)
      : new Secret(this, 'OpenAiApiKey', {
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

    // ── Functions ──────────────────────────────────────────────────────────
    const ingestTimeout = Duration.seconds(60);
    const analyzeTimeout = Duration.minutes(5);
    const dlq = (name: string) =>
      new Queue(this, `${name}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    const ingestDlq = dlq('Ingest');
    const ingestQueue = new Queue(this, 'IngestQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: ingestDlq, maxReceiveCount: MAX_RECEIVES },
    });
    const analyzeDlq = dlq('Analyze');
    const analyzeQueue = new Queue(this, 'AnalyzeQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(analyzeTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: analyzeDlq, maxReceiveCount: MAX_RECEIVES },
    });

    const shared = { PRECIS_TABLE: this.table.tableName, PRECIS_BUCKET: bucketName };
    const ingest = new PrecisFunction(this, 'Ingest', {
      entry: resolve(ROOT, 'lambdas/ingest/index.ts'),
      serviceName: 'precis-ingest',
      timeout: ingestTimeout,
      memorySize: 1024,
      environment: {
        ...shared,
        PRECIS_ANALYZE_QUEUE_URL: analyzeQueue.queueUrl,
        PRECIS_MAX_RECEIVES: String(MAX_RECEIVES),
        PRECIS_MAX_OBJECT_BYTES: String(DEFAULT_MAX_OBJECT_BYTES),
        PRECIS_INGEST_LEASE_MS: String(ingestTimeout.toMilliseconds()),
      },
    });
    const analyze = new PrecisFunction(this, 'Analyze', {
      entry: resolve(ROOT, 'lambdas/analyze/index.ts'),
      serviceName: 'precis-analyze',
      timeout: analyzeTimeout,
      memorySize: 1024,
      environment: {
        ...shared,
        PRECIS_MAX_RECEIVES: String(MAX_RECEIVES),
        PRECIS_ENGINE: 'auto',
        PRECIS_MODEL: context.model,
        TARGET_LANGUAGES: context.targetLanguages.join(','),
        PRECIS_OPENAI_SECRET_ARN: secret.secretArn,
        ...(context.openAiBaseUrl ? { OPENAI_BASE_URL: context.openAiBaseUrl } : {}),
        // The lease is the function's timeout; the LLM budget leaves time to save the result.
        PRECIS_ANALYZE_LEASE_MS: String(analyzeTimeout.toMilliseconds()),
        PRECIS_ARTICLE_BUDGET_MS: String(analyzeTimeout.toMilliseconds() - 30_000),
      },
    });
    const api = new PrecisFunction(this, 'Api', {
      entry: resolve(ROOT, 'lambdas/api/index.ts'),
      serviceName: 'precis-api',
      timeout: Duration.seconds(10),
      memorySize: 512,
      environment: {
        ...shared,
        ...(context.corsOrigins.length > 0 ? { PRECIS_CORS_ORIGINS: context.corsOrigins.join(',') } : {}),
      },
    });
    this.functions = { ingest, analyze, api };
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The functions run on Node.js 22, the runtime their bundle targets and their tests cover; a newer runtime is adopted deliberately, with its own test run.',
    });

    // ── Events: uploads under incoming/ → ingest queue ───────────────────
    const s3CanSend = ingestQueue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [ingestQueue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: ingestQueue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: 'incoming/' }] } },
        },
      ],
    };
    // S3 checks the destination when the configuration is set: the queue policy must come first.
    if (s3CanSend.policyDependable) cfnBucket.node.addDependency(s3CanSend.policyDependable);

    ingest.fn.addEventSource(new SqsEventSource(ingestQueue, { batchSize: 10, reportBatchItemFailures: true }));
    analyze.fn.addEventSource(
      new SqsEventSource(analyzeQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: context.analyzeConcurrency,
      }),
    );

    // ── Grants: each function gets the prefixes and actions its code uses ─
    const objects = (grantee: IGrantable, action: 's3:GetObject' | 's3:PutObject', prefixes: string[]) =>
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [action],
          resources: prefixes.map((p) => `${this.bucket.bucketArn}/${p}*`),
        }),
      );
    const items = (grantee: IGrantable, actions: string[], withIndexes = false) =>
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: actions.map((a) => `dynamodb:${a}`),
          resources: [
            this.table.tableArn,
            ...(withIndexes ? [byReceived, byStatus].map((i) => `${this.table.tableArn}/index/${i.indexName}`) : []),
          ],
        }),
      );
    objects(ingest.fn, 's3:GetObject', ['incoming/']);
    objects(ingest.fn, 's3:PutObject', ['cleaned/']);
    items(ingest.fn, ['GetItem', 'PutItem', 'UpdateItem']);
    analyzeQueue.grantSendMessages(ingest.fn);

    objects(analyze.fn, 's3:GetObject', ['cleaned/', 'cache/']);
    objects(analyze.fn, 's3:PutObject', ['results/', 'cache/']);
    items(analyze.fn, ['GetItem', 'UpdateItem']);
    secret.grantRead(analyze.fn);

    objects(api.fn, 's3:GetObject', ['cleaned/']);
    items(api.fn, ['GetItem', 'Query'], true);

    for (const prefix of ['incoming/', 'cleaned/', 'results/', 'cache/']) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(cfnBucket)}.Arn>/${prefix}*]`,
        reason: `Object keys are known only at run time: one action on the ${prefix} prefix of the stack's own bucket.`,
      });
    }

    // ── The read API ───────────────────────────────────────────────────────
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const restApi = new RestApi(this, 'ReadApi', {
      restApiName: `${this.stackName}-api`,
      description: 'precis: articles, summaries, claims and cleaned text',
      cloudWatchRole: false,
      apiKeySourceType: ApiKeySourceType.HEADER,
      defaultMethodOptions: { apiKeyRequired: true },
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new LogGroupLogDestination(apiLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        metricsEnabled: true,
        throttlingRateLimit: context.apiRateLimit,
        throttlingBurstLimit: context.apiRateLimit * 2,
      },
      ...(context.corsOrigins.length > 0
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: context.corsOrigins,
              allowMethods: ['GET', 'OPTIONS'],
              allowHeaders: [...Cors.DEFAULT_HEADERS, 'x-api-key'],
            },
          }
        : {}),
    });
    const validator = new RequestValidator(this, 'ApiRequestValidator', {
      restApi,
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const integration = new LambdaIntegration(api.fn);
    const get = (resource: ReturnType<typeof restApi.root.addResource>, query: string[], path: string[] = []) =>
      resource.addMethod('GET', integration, {
        apiKeyRequired: true,
        requestValidator: validator,
        requestParameters: Object.fromEntries([
          ...query.map((q) => [`method.request.querystring.${q}`, false] as const),
          ...path.map((p) => [`method.request.path.${p}`, true] as const),
        ]),
      });
    const articles = restApi.root.addResource('articles');
    get(articles, ['limit', 'cursor', 'status', 'key']);
    const article = articles.addResource('{id}');
    get(article, [], ['id']);
    get(article.addResource('summary'), ['lang'], ['id']);
    get(article.addResource('claims'), [], ['id']);
    get(article.addResource('text'), [], ['id']);

    const plan = restApi.addUsagePlan('UsagePlan', {
      name: `${this.stackName}-plan`,
      throttle: { rateLimit: context.apiRateLimit, burstLimit: context.apiRateLimit * 2 },
      quota: { limit: context.apiMonthlyQuota, period: Period.MONTH },
      apiStages: [{ api: restApi, stage: restApi.deploymentStage }],
    });
    const apiKey = restApi.addApiKey('ApiKey', { description: 'precis read API key' });
    plan.addApiKey(apiKey);

    Validations.of(restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Clients are scripts and dashboards that hold an API key tied to a throttled usage plan, as the design asks; it is read-only.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'No Cognito users: access is by API key and usage plan (read-only data).',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'Throttling and a monthly quota on the API key bound abuse; a WAF web ACL can be attached to the stage when the API is exposed more widely.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging needs the account-wide API Gateway CloudWatch role, a singleton this stack should not take over; access logs are on.',
      },
    );

    // ── Alarms ─────────────────────────────────────────────────────────────
    let alarmTopic: Topic | undefined;
    if (context.alarmEmail) {
      const key = new Key(this, 'AlarmTopicKey', {
        enableKeyRotation: true,
        description: 'Encrypts the precis alarm topic',
        removalPolicy: RemovalPolicy.DESTROY,
      });
      key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      alarmTopic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'precis alarms' });
      alarmTopic.addSubscription(new EmailSubscription(context.alarmEmail));
    }
    const alarm = (id: string, metric: IMetric, description: string) => {
      const created = new Alarm(this, id, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (alarmTopic) created.addAlarmAction(new SnsAction(alarmTopic));
    };
    for (const [name, queue] of [
      ['Ingest', ingestDlq],
      ['Analyze', analyzeDlq],
    ] as const) {
      alarm(
        `${name}DeadLettersAlarm`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        `Messages in the ${name.toLowerCase()} dead-letter queue: articles that failed every delivery.`,
      );
    }
    for (const [name, fn] of Object.entries(this.functions)) {
      alarm(`${name}ErrorsAlarm`, fn.fn.metricErrors({ period: Duration.minutes(5) }), `The ${name} function failed.`);
      alarm(
        `${name}ThrottlesAlarm`,
        fn.fn.metricThrottles({ period: Duration.minutes(5) }),
        `The ${name} function was throttled.`,
      );
    }

    // ── What a user needs ──────────────────────────────────────────────────
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'UploadPrefix', {
      value: `s3://${bucketName}/incoming/`,
      description: 'aws s3 cp article.html <this>',
    });
    new CfnOutput(this, 'ApiUrl', { value: restApi.url });
    new CfnOutput(this, 'ApiKeyId', { value: apiKey.keyId });
    new CfnOutput(this, 'ApiKeyCommand', {
      value: `aws apigateway get-api-key --api-key ${apiKey.keyId} --include-value --query value --output text`,
      description: 'prints the API key for the x-api-key header',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'OpenAiSecretArn', { value: secret.secretArn });
    new CfnOutput(this, 'PutOpenAiKeyCommand', {
      value: `aws secretsmanager put-secret-value --secret-id ${secret.secretArn} --secret-string "$OPENAI_API_KEY"`,
    });
  }
}
