import { resolve } from 'node:path';
import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  Cors,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { TABLE_SCHEMA } from '../shared/storage/table.js';
import { type AccessOutputs, createApiAccess } from './api-access.js';
import { PrecisFunction } from './constructs/precis-function.js';
import type { PrecisContext } from './context.js';
import type { Pipeline } from './pipeline.js';
import type { Storage } from './storage.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface ReadApi {
  api: PrecisFunction;
  restApi: RestApi;
  /** What a caller needs, by output name: keys, policies or the token endpoint, as `auth` chose. */
  accessOutputs: AccessOutputs;
}

/**
 * What serves the results: the api function (reads the table and the
 * cleaned text; reopens articles and sends them to the queues) behind a REST
 * API whose every method is authorized as `auth` chooses (see
 * createApiAccess), with stage throttling, access and execution logs, and
 * request validation.
 */
export function createReadApi(stack: Stack, storage: Storage, pipeline: Pipeline, context: PrecisContext): ReadApi {
  const { byReceived, byStatus } = TABLE_SCHEMA;
  const api = new PrecisFunction(stack, 'Api', {
    entry: resolve(ROOT, 'lambdas/api/index.ts'),
    serviceName: 'precis-api',
    // A bulk reprocess or a redrive takes a few seconds; API Gateway waits 29 s at most.
    timeout: Duration.seconds(25),
    memorySize: 512,
    environment: {
      TARGET_LANGUAGES: context.targetLanguages.join(','),
      ...(context.corsOrigins.length > 0 ? { PRECIS_CORS_ORIGINS: context.corsOrigins.join(',') } : {}),
    },
  })
    // A reprocess keeps the record it replaces under history/.
    .bindBucket(storage.bucket, { get: ['cleaned/'], put: ['history/'] })
    .bindTable(storage.table, ['GetItem', 'Query', 'UpdateItem'], [byReceived.indexName, byStatus.indexName])
    .bindReprocessQueues(pipeline.queues, pipeline.deadLetters)
    .bindCursorKey(storage.cursorKey);

  const apiLogs = new LogGroup(stack, 'ApiAccessLogs', {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const restApi = new RestApi(stack, 'ReadApi', {
    restApiName: `${stack.stackName}-api`,
    description: 'precis: articles, summaries, claims and cleaned text',
    // Access and execution logs need the account's API Gateway CloudWatch role: created (and
    // kept on delete, as other APIs of the account may use it) unless set centrally.
    cloudWatchRole: context.apiGatewayCloudWatchRole,
    ...(context.apiGatewayCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
    ...(context.auth === 'apiKey' ? { apiKeySourceType: ApiKeySourceType.HEADER } : {}),
    deployOptions: {
      stageName: 'v1',
      accessLogDestination: new LogGroupLogDestination(apiLogs),
      accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      metricsEnabled: true,
      loggingLevel: MethodLoggingLevel.ERROR,
      throttlingRateLimit: context.apiRateLimit,
      throttlingBurstLimit: context.apiRateLimit * 2,
    },
    ...(context.corsOrigins.length > 0
      ? {
          defaultCorsPreflightOptions: {
            allowOrigins: context.corsOrigins,
            allowMethods: ['GET', 'POST', 'OPTIONS'],
            allowHeaders: [...Cors.DEFAULT_HEADERS, 'x-api-key'],
          },
        }
      : {}),
  });
  if (context.corsOrigins.length > 0) {
    // API Gateway's own answers (403 for a missing key, 429 when throttled, 5xx) never reach the
    // function, whose CORS headers they lack: a browser would see a CORS error instead of them.
    // One origin is named; several are answered with the request's own (those bodies hold no data).
    const allowOrigin =
      context.corsOrigins.length === 1 ? `'${context.corsOrigins[0]}'` : 'method.request.header.Origin';
    for (const [id, type] of [
      ['Default4xx', ResponseType.DEFAULT_4XX],
      ['Default5xx', ResponseType.DEFAULT_5XX],
    ] as const) {
      restApi.addGatewayResponse(id, {
        type,
        responseHeaders: { 'Access-Control-Allow-Origin': allowOrigin, Vary: "'Origin'" },
      });
    }
  }
  const validator = new RequestValidator(stack, 'ApiRequestValidator', {
    restApi,
    validateRequestParameters: true,
    validateRequestBody: true,
  });
  const access = createApiAccess(stack, restApi, context);
  const integration = new LambdaIntegration(api.fn);
  const get = (resource: ReturnType<typeof restApi.root.addResource>, query: string[], path: string[] = []) =>
    resource.addMethod('GET', integration, {
      ...access.methodOptions('read'),
      requestValidator: validator,
      requestParameters: Object.fromEntries([
        ...query.map((q) => [`method.request.querystring.${q}`, false] as const),
        ...path.map((p) => [`method.request.path.${p}`, true] as const),
      ]),
    });
  // The write routes take a JSON body, which the function checks field by field.
  const post = (resource: ReturnType<typeof restApi.root.addResource>, path: string[] = []) =>
    resource.addMethod('POST', integration, {
      ...access.methodOptions('reprocess'),
      requestValidator: validator,
      requestParameters: Object.fromEntries(path.map((p) => [`method.request.path.${p}`, true] as const)),
    });
  const articles = restApi.root.addResource('articles');
  get(articles, ['limit', 'cursor', 'status', 'key']);
  post(articles.addResource('reprocess'));
  const article = articles.addResource('{id}');
  get(article, [], ['id']);
  get(article.addResource('summary'), ['lang'], ['id']);
  get(article.addResource('claims'), [], ['id']);
  get(article.addResource('text'), [], ['id']);
  post(article.addResource('reprocess'), ['id']);
  post(restApi.root.addResource('dead-letters').addResource('redrive'));

  const accessOutputs = access.finish();
  if (context.apiGatewayCloudWatchRole) {
    Validations.of(restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "The API Gateway account's CloudWatch role takes AWS's managed AmazonAPIGatewayPushToCloudWatchLogs, as AWS documents; it lets API Gateway write logs, nothing else.",
    });
  }

  return { api, restApi, accessOutputs };
}
