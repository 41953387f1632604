import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextSchema, readContext } from '../../infra/context.js';
import { FEATURE_FLAGS } from '../../infra/flags.js';
import { PrecisStack } from '../../infra/precis-stack.js';
import { ROUTES } from '../../lambdas/api/routes.js';
import { analyzeEnvSchema, apiEnvSchema, ingestEnvSchema, loadConfig, sweepEnvSchema } from '../../shared/config.js';
import { TABLE_INDEXES } from '../../shared/storage/table.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/**
 * The stack as a template, without bundling the functions (the assets are
 * placeholders): the template is the same, and the real bundles are built
 * and loaded once, by the synth test in the integration tier.
 */
function build(context: Record<string, string> = {}, stackName = 'Test') {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PrecisStack(app, stackName, {
    env: { account: '123456789012', region: 'eu-west-1' },
    context: contextSchema.parse(context),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

let stack: PrecisStack;
let template: Template;
beforeAll(() => {
  ({ stack, template } = build({
    targetLanguages: 'ar,fr',
    analyzeConcurrency: '7',
    llmSettings: '{"PRECIS_MODEL_FAMILY": "gpt-5.4-mini", "PRECIS_LLM_HEADERS": {"X-Title": "precis"}}',
  }));
}, 120_000);

const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as never);

/** A function's role policy statements, by the function's construct. */
function statementsOf(fn: { role: IConstruct }) {
  const roleId = logicalId(fn.role);
  return resources('AWS::IAM::Policy')
    .filter(([, r]) => JSON.stringify(r.Properties.Roles).includes(roleId))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
}

/** The function's environment with CloudFormation references replaced by placeholder values. */
function environmentOf(fn: { fn: IConstruct }): Record<string, string> {
  const [, resource] = resources('AWS::Lambda::Function').find(([id]) => id === logicalId(fn.fn)) as [string, Resource];
  const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `arn:aws:cfn:${JSON.stringify(v)}`]),
  );
}

describe('the deployed system', () => {
  it('sends ObjectCreated events under incoming/ to the ingest queue, after the queue allows it', () => {
    const [[bucketId, bucket]] = resources('AWS::S3::Bucket').filter(([id]) => id.startsWith('Articles')) as [
      [string, Resource],
    ];
    const [queueId] = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('IngestQueue')) as [string, Resource];
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Queue: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        },
      ],
    });
    const [policyId] = resources('AWS::SQS::QueuePolicy').find(([, r]) =>
      JSON.stringify(r.Properties.Queues).includes(queueId),
    ) as [string, Resource];
    expect(template.toJSON().Resources[bucketId].DependsOn).toContain(policyId);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage' }),
        ]),
      },
    });
  });

  it('deploys the first time in a fresh account: the API Gateway CloudWatch role is there, kept on delete', () => {
    const [[, account]] = resources('AWS::ApiGateway::Account') as [[string, Resource]];
    expect(account.Properties.CloudWatchRoleArn).toEqual({
      'Fn::GetAtt': [expect.stringContaining('CloudWatchRole'), 'Arn'],
    });
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      }),
    });
    // With the role, execution logs (errors) are on besides access logs.
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', HttpMethod: '*', ResourcePath: '/*' })],
    });
    // An organisation that sets the role centrally turns it off.
    const central = build({ apiGatewayCloudWatchRole: 'false' }).template;
    central.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('deploys again after a failed first deploy or a delete: data kept except on create, a bucket name per stack', () => {
    for (const [id, bucket] of resources('AWS::S3::Bucket')) {
      expect(template.toJSON().Resources[id], id).toMatchObject({
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
      if (id.startsWith('Articles')) {
        const name = JSON.stringify(bucket.Properties.BucketName);
        expect(name).toContain('test-articles-');
        expect(name).toContain('AWS::StackId');
      }
    }
    // A name S3 would refuse fails the synth, naming what to change.
    expect(() => build({}, 'A'.repeat(42))).toThrow(/stack name "A{42}".*63/);
    expect(() => build({ bucketName: 'My_Bucket' })).toThrow(/-c bucketName.*lowercase/);
    const pinned = build({ bucketName: 'precis-articles-123456789012-eu-west-1' }).template;
    pinned.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'precis-articles-123456789012-eu-west-1' });
  });

  it('keeps the article bucket private, TLS-only, encrypted, versioned, logged and pruned', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'articles/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs every function on Node.js 22, ARM64, with a log group kept a month and Powertools settings', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(5);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^precis-/),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogGroup: expect.anything() });
    }
    expect(resources('AWS::Logs::LogGroup').map(([, r]) => r.Properties.RetentionInDays)).toEqual(
      expect.arrayContaining([30, 30, 30, 90]),
    );
  });

  it('gives each function the environment its code validates at cold start, and no key in plain text', () => {
    const { ingest, analyze, api } = stack.functions;
    expect(() => loadConfig(ingestEnvSchema, environmentOf(ingest))).not.toThrow();
    const analyzeEnv = environmentOf(analyze);
    const analyzeConfig = loadConfig(analyzeEnvSchema, analyzeEnv);
    expect(analyzeConfig).toMatchObject({
      TARGET_LANGUAGES: ['ar', 'fr'],
      PRECIS_MODEL: 'gpt-5.4-mini',
      // -c llmSettings reaches the function, objects as JSON.
      PRECIS_MODEL_FAMILY: 'gpt-5.4-mini',
      PRECIS_LLM_HEADERS: { 'X-Title': 'precis' },
    });
    expect(analyzeConfig.PRECIS_ARTICLE_BUDGET_MS).toBeLessThan(analyzeConfig.PRECIS_ANALYZE_LEASE_MS);
    expect(analyzeEnv).not.toHaveProperty('OPENAI_API_KEY');
    expect(analyzeEnv.PRECIS_OPENAI_SECRET_ARN).toMatch(/^arn:/);
    expect(() => loadConfig(apiEnvSchema, environmentOf(api))).not.toThrow();
    // And nothing the code does not read.
    const known = new Set([
      ...Object.keys(sweepEnvSchema.shape),
      ...Object.keys(ingestEnvSchema.shape),
      ...Object.keys(analyzeEnvSchema.shape),
      ...Object.keys(apiEnvSchema.shape),
    ]);
    for (const fn of [ingest, analyze, api]) {
      for (const name of Object.keys(environmentOf(fn))) {
        if (!/^(POWERTOOLS_|NODE_OPTIONS|AWS_)/.test(name)) expect(known, name).toContain(name);
      }
    }
  });

  it('has a dead-letter queue behind every consumed queue, 5 receives, and visibility over 6× the consumer timeout', () => {
    const timeouts = Object.fromEntries(
      resources('AWS::Lambda::Function').map(([id, r]) => [id, r.Properties.Timeout as number]),
    );
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(2);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const queueId = ((mapping.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ??
        [])[0] as string;
      const queue = template.toJSON().Resources[queueId] as Resource;
      expect(queue.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const fnId = (mapping.Properties.FunctionName as { Ref: string }).Ref;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (timeouts[fnId] as number));
    }
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 7 } });
    for (const [, queue] of resources('AWS::SQS::Queue')) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('keeps the table on demand, encrypted, recoverable to a point in time, retained, with the indexes the API queries', () => {
    // Deletion protection is opt-in: with it, a failed first deploy could not roll the table back.
    const [[, table]] = resources('AWS::DynamoDB::GlobalTable') as [[string, Resource]];
    expect(
      (table.Properties.Replicas as { DeletionProtectionEnabled?: boolean }[])[0]?.DeletionProtectionEnabled,
    ).toBeFalsy();
    build({ tableDeletionProtection: 'true' }).template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    // Kept on delete and replacement, not when a first deploy rolls back (it holds nothing then).
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => Match.objectLike({ IndexName: i.indexName })),
    });
  });

  it('requires the API key on every method but the contract, with a throttled usage plan, access logs and request validation', () => {
    const methods = resources('AWS::ApiGateway::Method');
    // The routes of lambdas/api/routes.ts, and ANY on each of their paths (the function answers 405).
    const paths = new Set(ROUTES.map((r) => r.path));
    expect(methods).toHaveLength(ROUTES.length + paths.size);
    const open = methods.filter(([, m]) => !m.Properties.ApiKeyRequired);
    // The page and the contract only, both GET, and nothing else without the key.
    expect(open.map(([, m]) => [m.Properties.HttpMethod, m.Properties.AuthorizationType])).toEqual([
      ['GET', 'NONE'],
      ['GET', 'NONE'],
    ]);
    for (const [, method] of methods)
      expect(method.Properties).toMatchObject({ RequestValidatorId: expect.anything() });
    // The query parameters a route's schema reads are declared on its method, each optional.
    const declared = (method: string) =>
      methods
        .filter(
          ([, m]) =>
            m.Properties.HttpMethod === 'GET' &&
            Object.keys(m.Properties.RequestParameters ?? {}).some((k) => k.includes(method)),
        )
        .map(([, m]) => m.Properties.RequestParameters);
    expect(declared('querystring.limit')).toEqual([
      {
        'method.request.querystring.limit': false,
        'method.request.querystring.cursor': false,
        'method.request.querystring.status': false,
        'method.request.querystring.key': false,
      },
    ]);
    expect(declared('querystring.lang')).toEqual([
      { 'method.request.querystring.lang': false, 'method.request.path.id': true },
    ]);
    // Seven reads (the page and the contract among them), the upload and the three routes that send articles again.
    expect(methods.map(([, m]) => m.Properties.HttpMethod).sort()).toEqual([
      ...Array(paths.size).fill('ANY'),
      ...Array(7).fill('GET'),
      ...Array(4).fill('POST'),
    ]);
    // The reader page PUTs uploads to presigned URLs from the API's origin: the bucket allows that PUT only.
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'], AllowedHeaders: ['content-type'] })],
      },
    });
    // API Gateway's own answers are problem documents too.
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'INVALID_API_KEY',
      StatusCode: '403',
      ResponseTemplates: { 'application/problem+json': Match.stringLikeRegexp('"type":"about:blank"') },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: Match.absent(),
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });

  it('authorizes with IAM when asked: SigV4 on every method, and managed policies for readers and operators', () => {
    const iam = build({ auth: 'iam' }).template;
    const methods = (Object.values(iam.findResources('AWS::ApiGateway::Method')) as Resource[]).filter(
      (m) => m.Properties.AuthorizationType !== 'NONE',
    );
    expect(methods).toHaveLength(ROUTES.length + new Set(ROUTES.map((r) => r.path)).size - 2);
    for (const m of methods) expect(m.Properties).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    for (const m of methods) expect(m.Properties.ApiKeyRequired).toBeFalsy();
    iam.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    iam.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    const policies = Object.values(iam.findResources('AWS::IAM::ManagedPolicy')) as Resource[];
    const invoke = policies.map((p) => JSON.stringify(p.Properties.PolicyDocument));
    expect(invoke).toHaveLength(2);
    expect(invoke[0]).toContain('execute-api:Invoke');
    expect(invoke.filter((p) => p.includes('/POST/*'))).toHaveLength(1);
    expect(Object.keys(iam.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['ApiReadPolicyArn', 'ApiReprocessPolicyArn']),
    );
    expect(Object.keys(iam.toJSON().Outputs)).not.toContain('ApiKeyId');
  });

  it('authorizes with Cognito when asked: client-credentials tokens whose scopes each method requires', () => {
    const cognito = build({ auth: 'cognito' }).template;
    const methods = (Object.values(cognito.findResources('AWS::ApiGateway::Method')) as Resource[]).filter(
      (m) => m.Properties.AuthorizationType !== 'NONE',
    );
    expect(methods).toHaveLength(ROUTES.length + new Set(ROUTES.map((r) => r.path)).size - 2);
    for (const m of methods) {
      const read = m.Properties.HttpMethod === 'GET' || m.Properties.HttpMethod === 'ANY';
      expect(m.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizationScopes: [read ? 'precis/read' : 'precis/reprocess'],
      });
    }
    cognito.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
    cognito.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      GenerateSecret: true,
    });
    cognito.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    cognito.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    expect(Object.keys(cognito.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['UserPoolId', 'ApiClientId', 'TokenUrl', 'ApiClientSecretCommand']),
    );
  });

  it('gives each API consumer its own key in the usage plan, and rotates one by generation', () => {
    const keyed = build({ apiKeys: 'web,etl@1,etl@2' }).template;
    keyed.resourceCountIs('AWS::ApiGateway::ApiKey', 3);
    keyed.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 3);
    expect(Object.keys(keyed.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['ApiKeyId', 'ApiKeyCommandweb', 'ApiKeyCommandetl1', 'ApiKeyCommandetl2']),
    );
    // The default's one key keeps its logical id: an update does not replace it.
    expect(Object.keys(template.findResources('AWS::ApiGateway::ApiKey'))[0]).toMatch(/^ReadApiApiKey/);
    expect(() => build({ apiKeys: 'web,web' })).toThrow(/apiKeys/);
    expect(() => build({ apiKeys: 'bad name' })).toThrow(/apiKeys/);
  });

  it('attaches a web ACL when asked: AWS managed rule groups and a rate limit, or an existing one', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    const managed = build({ waf: 'managed' }).template;
    managed.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: { ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }) },
        }),
        Match.objectLike({ Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } } }),
      ]),
    });
    managed.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    const arn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/team/abc';
    const existing = build({ waf: arn }).template;
    existing.resourceCountIs('AWS::WAFv2::WebACL', 0);
    existing.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
  });

  it('keeps CORS off by default, and answers browser preflights for the configured origins without the key', () => {
    expect(resources('AWS::ApiGateway::Method').some(([, m]) => m.Properties.HttpMethod === 'OPTIONS')).toBe(false);
    const { template: withCors, stack: corsStack } = build({ corsOrigins: 'https://dash.example' });
    const options = Object.values(withCors.findResources('AWS::ApiGateway::Method')).filter(
      (m) => (m as Resource).Properties.HttpMethod === 'OPTIONS',
    ) as Resource[];
    expect(options.length).toBeGreaterThan(0);
    for (const method of options) expect(method.Properties.ApiKeyRequired).toBeFalsy();
    const apiFn = Object.entries(withCors.findResources('AWS::Lambda::Function')).find(
      ([id]) => id === corsStack.getLogicalId(corsStack.functions.api.fn.node.defaultChild as never),
    )?.[1] as Resource;
    expect(JSON.stringify(apiFn.Properties.Environment)).toContain('"PRECIS_CORS_ORIGINS":"https://dash.example"');
    // API Gateway's own 4xx and 5xx (a missing key, throttling) carry the CORS header too.
    for (const [, response] of resources('AWS::ApiGateway::GatewayResponse')) {
      expect(JSON.stringify(response.Properties.ResponseParameters ?? {})).not.toContain('Allow-Origin');
    }
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'INVALID_API_KEY', 'THROTTLED']) {
      withCors.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://dash.example'" },
      });
    }
    build({ corsOrigins: 'https://a.example,https://b.example' }).template.hasResourceProperties(
      'AWS::ApiGateway::GatewayResponse',
      { ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin' } },
    );
  });

  it('caps the ingest concurrency, and decrypts a secret under a customer-managed key only through Secrets Manager', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1111-2222';
    const { stack: cmk } = build({ openAiSecretName: 'team/openai', openAiSecretKmsKeyArn: keyArn });
    const analyzeRole = JSON.stringify(
      Template.fromStack(cmk).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: cmk.getLogicalId(cmk.functions.analyze.role.node.defaultChild as never) }] },
      }),
    );
    expect(analyzeRole).toContain(keyArn);
    expect(analyzeRole).toContain('"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"');
    expect(JSON.stringify(statementsOf(stack.functions.analyze))).not.toContain('kms:Decrypt');
  });

  it('grants least privilege: no Resource "*" but X-Ray\'s, and each function only the prefixes and actions it uses', () => {
    const all = resources('AWS::IAM::Policy').flatMap(
      ([, r]) => (r.Properties.PolicyDocument as { Statement: { Resource: unknown; Action: unknown }[] }).Statement,
    );
    const onStar = all.filter(
      (s) => JSON.stringify(s.Resource) === '"*"' || JSON.stringify(s.Resource).includes('"*"'),
    );
    // X-Ray's write actions take no resource; nothing else may be on "*".
    expect(onStar).toHaveLength(5);
    for (const s of onStar)
      expect([s.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    expect(
      resources('AWS::Lambda::Function').every(
        ([, f]) => JSON.stringify(f.Properties.TracingConfig) === '{"Mode":"Active"}',
      ),
    ).toBe(true);

    const summary = (fn: { role: IConstruct }) =>
      statementsOf(fn)
        .filter(
          (s) =>
            String(s.Action).startsWith('s3:') ||
            (Array.isArray(s.Action) && String(s.Action[0]).startsWith('dynamodb:')),
        )
        .map(
          (s) =>
            `${JSON.stringify(s.Action)} ${JSON.stringify(s.Resource)
              .match(/\/(\w+)\/\*|table/g)
              ?.join(',')}`,
        );
    const { ingest, analyze, api } = stack.functions;
    expect(summary(ingest).join('\n')).toMatch(/"s3:GetObject" \/incoming\/\*/);
    expect(summary(ingest).join('\n')).toMatch(/"s3:PutObject" \/cleaned\/\*/);
    // The api reads; to reprocess it updates an article and keeps the record it replaces under history/;
    // an upload it takes (or signs a URL for) lands under incoming/. Nothing else.
    expect(summary(api).join('\n')).not.toMatch(/PutItem|DeleteItem/);
    expect(summary(api).filter((s) => s.includes('PutObject'))).toEqual(['"s3:PutObject" /history/*,/incoming/*']);
    // Ingest and analyze publish precis's own events on the default bus; the api publishes none.
    for (const fn of [ingest, analyze]) {
      const put = statementsOf(fn).find((s) => JSON.stringify(s.Action) === '"events:PutEvents"');
      expect(put).toMatchObject({
        Condition: { StringEquals: { 'events:source': 'precis', 'events:detail-type': 'Article finished' } },
      });
      expect(JSON.stringify(put?.Resource)).toContain(':event-bus/default');
    }
    expect(JSON.stringify(statementsOf(api))).not.toContain('events:');
    // It sends to both queues and reads, deletes from, both dead-letter queues.
    const apiQueues = JSON.stringify(statementsOf(api));
    expect(apiQueues).toContain('sqs:SendMessage');
    expect(apiQueues).toContain('sqs:ReceiveMessage');
    expect(apiQueues).toContain('sqs:DeleteMessage');
    expect(apiQueues).not.toContain('sqs:PurgeQueue');
    expect(summary(analyze).join('\n')).not.toMatch(/PutItem|incoming/);
    expect(JSON.stringify(statementsOf(analyze))).toContain('secretsmanager:GetSecretValue');
    expect(JSON.stringify(statementsOf(ingest))).not.toContain('secretsmanager');
    // Ingest may list the uploads, so that a deleted upload is a 404 (SOURCE_NOT_FOUND), not a 403; nothing else.
    expect(statementsOf(ingest)).toContainEqual(
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['incoming/*'] } },
      }),
    );
    expect(JSON.stringify(statementsOf(api))).not.toContain('s3:ListBucket');
    // The analyze function delays a message an LLM server asked to wait for.
    expect(JSON.stringify(statementsOf(analyze))).toContain('sqs:ChangeMessageVisibility');
    // The sweep lists the uploads, reads the table, sends to both queues and publishes events; it writes
    // only its own item and an article's `pending` mark.
    const sweepStatements = statementsOf(stack.functions.sweep);
    const sweep = JSON.stringify(sweepStatements);
    expect(sweep).toContain('s3:ListBucket');
    expect(sweep).not.toMatch(/PutObject|GetObject|DeleteItem/);
    expect(sweepStatements.find((s) => s.Action === 'dynamodb:PutItem')).toMatchObject({
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['sweep#state'] } },
    });
    expect(sweepStatements.find((s) => s.Action === 'dynamodb:UpdateItem')).toMatchObject({
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id', 'pending', 'updatedAt'] } },
    });
    expect(sweep).toContain('sqs:SendMessage');
    const queues = resources('AWS::SQS::Queue')
      .map(([id]) => id)
      .filter((id) => !/Dlq|DeadLetter/i.test(id));
    expect(queues.filter((id) => sweep.includes(id))).toHaveLength(2);
  });

  it('runs the sweep every 15 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    expect(() => loadConfig(sweepEnvSchema, environmentOf(stack.functions.sweep))).not.toThrow();
  });

  it('alarms on dead letters, function errors and throttles', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
    expect(alarms.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(alarms.filter((m) => m === 'Errors')).toHaveLength(5);
    expect(alarms.filter((m) => m === 'Throttles')).toHaveLength(5);
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('has a dashboard of articles by status, stage latency, tokens and USD by stage, dead letters and function health', () => {
    const [[, dashboard]] = resources('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      'ArticlesDone',
      'ArticlesPartial',
      'ArticlesFailed',
      'IngestLatency',
      'AnalyzeLatency',
      'InputTokens',
      'OutputTokens',
      'CostUsd',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Throttles',
    ]) {
      expect(body, metric).toContain(metric);
    }
    expect(body).toContain('precis-analyze');
    expect(template.toJSON().Outputs.DashboardUrl).toBeDefined();
  });

  it('sends every alarm to an encrypted topic, always there, and emails it when alarmEmail is given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const [, alarm] of resources('AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    const { template: withEmail } = build({ alarmEmail: 'ops@example.org' });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
    withEmail.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    withEmail.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const [, alarm] of Object.entries(withEmail.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as Resource).Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('prints what a user needs', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    for (const name of [
      'BucketName',
      'AlarmTopicArn',
      'UploadPrefix',
      'ApiUrl',
      'ApiKeyId',
      'ApiKeyCommand',
      'TableName',
      'OpenAiSecretArn',
    ]) {
      expect(outputs).toContain(name);
    }
  });

  it('passes cdk-nag AwsSolutions with fewer than 20 acknowledgements, each with a reason', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    const walk = (c: IConstruct) => {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: c.node.path, id, reason });
        }
      }
      for (const child of c.node.children) walk(child);
    };
    walk(stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(20);
    for (const a of acknowledged) expect(String(a.reason).length, a.id).toBeGreaterThan(40);
  });

  it('refuses a malformed context parameter by name', () => {
    const app = new App({ context: { analyzeConcurrency: 'lots' } });
    expect(() => readContext(app)).toThrow(/-c analyzeConcurrency/);
    const badEffort = new App({ context: { llmSettings: '{"PRECIS_REASONING_EFFORT": "extreme"}' } });
    expect(() => readContext(badEffort)).toThrow(/-c llmSettings: PRECIS_REASONING_EFFORT/);
    const secret = new App({ context: { llmSettings: '{"OPENAI_API_KEY": "sk-x"}' } });
    expect(() => readContext(secret)).toThrow(/-c llmSettings/);
    expect(Stack.isStack(stack)).toBe(true);
  });
});
