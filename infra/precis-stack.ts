import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { createAlarms } from './alarms.js';
import { createBatchFunction } from './batch.js';
import type { PrecisFunction } from './constructs/precis-function.js';
import type { PrecisContext } from './context.js';
import { createDashboard } from './dashboard.js';
import { createPipeline } from './pipeline.js';
import { createReadApi } from './read-api.js';
import { createStorage } from './storage.js';

export interface PrecisStackProps extends StackProps {
  context: PrecisContext;
}

/**
 * precis in one stack, by concern: storage (the article bucket, the table,
 * the key's secret), the pipeline (uploads → ingest queue → ingest →
 * analyze queue → analyze, with dead-letter queues), the read API behind an
 * API key, and alarms.
 */
export class PrecisStack extends Stack {
  readonly bucket: Bucket;
  readonly table: TableV2;
  readonly functions: {
    ingest: PrecisFunction;
    analyze: PrecisFunction;
    sweep: PrecisFunction;
    batch: PrecisFunction;
    api: PrecisFunction;
  };

  constructor(scope: Construct, id: string, props: PrecisStackProps) {
    super(scope, id, props);
    const { context } = props;

    const storage = createStorage(this, context);
    const pipeline = createPipeline(this, storage, context);
    const readApi = createReadApi(this, storage, pipeline, context);
    const batch = createBatchFunction(this, storage, pipeline, context);
    this.bucket = storage.bucket;
    this.table = storage.table;
    this.functions = {
      ingest: pipeline.ingest,
      analyze: pipeline.analyze,
      sweep: pipeline.sweep,
      batch,
      api: readApi.api,
    };
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The functions run on Node.js 22, the runtime their bundle targets and their tests cover; a newer runtime is adopted deliberately, with its own test run.',
    });
    const alarmTopic = createAlarms(this, { functions: this.functions, deadLetters: pipeline.deadLetters }, context);
    const dashboard = createDashboard(this, { functions: this.functions, deadLetters: pipeline.deadLetters });

    // ── What a user needs ──────────────────────────────────────────────────
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'UploadPrefix', {
      value: `s3://${this.bucket.bucketName}/incoming/`,
      description: 'aws s3 cp article.html <this>',
    });
    new CfnOutput(this, 'ApiUrl', { value: readApi.restApi.url });
    for (const [name, output] of Object.entries(readApi.accessOutputs)) new CfnOutput(this, name, output);
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarmTopic.topicArn,
      description:
        'the alarms: aws sns subscribe --topic-arn <this> --protocol email --notification-endpoint you@example.org',
    });
    new CfnOutput(this, 'OpenAiSecretArn', { value: storage.secret.secretArn });
    new CfnOutput(this, 'PutOpenAiKeyCommand', {
      value: `aws secretsmanager put-secret-value --secret-id ${storage.secret.secretArn} --secret-string "$OPENAI_API_KEY"`,
    });
  }
}
