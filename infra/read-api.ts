import { resolve } from 'node:path';
import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  Cors,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ZodMiniObject } from 'zod/mini';
import { ROUTES, type RouteSpec } from '../lambdas/api/routes.js';
import { DEFAULT_MAX_OBJECT_BYTES } from '../shared/limits.js';
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
      PRECIS_MAX_OBJECT_BYTES: String(DEFAULT_MAX_OBJECT_BYTES),
      ...(context.corsOrigins.length > 0 ? { PRECIS_CORS_ORIGINS: context.corsOrigins.join(',') } : {}),
    },
  })
    // It reads the cleaned text; a reprocess keeps the record it replaces under history/; an upload
    // posted to the API lands under incoming/, or is signed for it (shared/layout.ts).
    .bindBucket(storage.bucket, 'api')
    .bindTable(storage.table, ['GetItem', 'Query', 'UpdateItem'], [byReceived.indexName, byStatus.indexName])
    .bindReprocessQueues(pipeline.queues, pipeline.deadLetters)
    .bindCursorKey(storage.cursorKey);

  const apiLogs = new LogGroup(stack, 'ApiAccessLogs', {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stageName = 'v1';
  const restApi = new RestApi(stack, 'ReadApi', {
    restApiName: `${stack.stackName}-api`,
    description: 'precis: articles, summaries, claims and cleaned text',
    // Access and execution logs need the account's API Gateway CloudWatch role: created (and
    // kept on delete, as other APIs of the account may use it) unless set centrally.
    cloudWatchRole: context.apiGatewayCloudWatchRole,
    ...(context.apiGatewayCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
    ...(context.auth === 'apiKey' ? { apiKeySourceType: ApiKeySourceType.HEADER } : {}),
    deployOptions: {
      stageName,
      accessLogDestination: new LogGroupLogDestination(apiLogs),
      accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      // Per-method metrics are billed per metric (21 methods); the stage's own are there either way.
      metricsEnabled: context.apiDetailedMetrics,
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
  // API Gateway writes execution logs to this group, and would make it itself, kept for ever and left
  // behind by a delete: made here first, with a retention, before the stage that logs to it.
  const executionLogs = new LogGroup(stack, 'ApiExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${restApi.restApiId}/${stageName}`,
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  restApi.deploymentStage.node.addDependency(executionLogs);
  addGatewayProblems(restApi, context);
  const validator = new RequestValidator(stack, 'ApiRequestValidator', {
    restApi,
    validateRequestParameters: true,
    validateRequestBody: true,
  });
  // The page's URL from the API's id and the stage's name as given: the stage's own URL would refer to
  // the stage, which waits on the methods, which wait on the function that is told this URL.
  const pageUrl = `https://${restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/v1/`;
  const access = createApiAccess(stack, restApi, context, pageUrl);
  for (const [name, value] of Object.entries(access.pageEnvironment)) api.fn.addEnvironment(name, value);
  // One permission for the whole API (any stage, method and path): one per method would fill the
  // function's 20 KB resource policy as routes are added.
  const integration = new LambdaIntegration(api.fn, { scopePermissionToMethod: false });
  // Every route of the contract (lambdas/api/routes.ts), and nothing else: the same table the function serves.
  const resources = new Map<string, IResource>([['/', restApi.root]]);
  const resourceOf = (path: string): IResource => {
    let resource = resources.get(path);
    if (!resource) {
      const cut = path.lastIndexOf('/');
      resource = resourceOf(path.slice(0, cut) || '/').addResource(path.slice(cut + 1));
      resources.set(path, resource);
    }
    return resource;
  };
  for (const route of ROUTES as readonly RouteSpec[]) {
    const resource = resourceOf(route.path);
    const query = route.query instanceof ZodMiniObject ? Object.keys(route.query.shape) : [];
    const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const method = resource.addMethod(route.method, integration, {
      // The page and the contract are public, as a browser first meets them; the page asks for a key.
      ...(route.public
        ? { authorizationType: AuthorizationType.NONE }
        : access.methodOptions(route.method === 'GET' ? 'read' : 'reprocess')),
      requestValidator: validator,
      requestParameters: Object.fromEntries([
        ...query.map((q) => [`method.request.querystring.${q}`, false] as const),
        ...path.map((p) => [`method.request.path.${p}`, true] as const),
      ]),
    });
    // With auth=apiKey these are acknowledged for the whole API (api-access.ts); otherwise the public ones here.
    if (route.public && context.auth !== 'apiKey') {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.method} ${route.path} is public by design: ${route.summary}`,
      });
      if (context.auth === 'cognito') {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: `${route.method} ${route.path} is public by design: no authorizer.`,
        });
      }
    }
  }
  // Any other method on a route's path reaches the function, which answers 405 with Allow
  // (API Gateway alone would answer 403 "Missing Authentication Token").
  for (const path of new Set(ROUTES.map((route) => route.path as string))) {
    resourceOf(path).addMethod('ANY', integration, { ...access.methodOptions('read'), requestValidator: validator });
  }

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

/** API Gateway's own answers, and their status: a missing or wrong key, throttling, a quota, a body too large. */
const GATEWAY_PROBLEMS = [
  ['MissingKey', ResponseType.MISSING_AUTHENTICATION_TOKEN, 403, 'Forbidden'],
  ['InvalidKey', ResponseType.INVALID_API_KEY, 403, 'Forbidden'],
  ['AccessDenied', ResponseType.ACCESS_DENIED, 403, 'Forbidden'],
  ['Unauthorized', ResponseType.UNAUTHORIZED, 401, 'Unauthorized'],
  ['Throttled', ResponseType.THROTTLED, 429, 'Too many requests'],
  ['QuotaExceeded', ResponseType.QUOTA_EXCEEDED, 429, 'Too many requests'],
  ['TooLarge', ResponseType.REQUEST_TOO_LARGE, 413, 'Content too large'],
  ['Default4xx', ResponseType.DEFAULT_4XX, null, 'Bad request'],
  ['Default5xx', ResponseType.DEFAULT_5XX, null, 'Service unavailable'],
] as const;

/**
 * API Gateway's own 4xx and 5xx as RFC 9457 problem documents, like the
 * function's (openapi.json describes one shape for both); with CORS on they
 * carry the origin header too, or a browser would see a CORS error instead.
 * One origin is named; several are answered with the request's own (those
 * bodies hold no data).
 */
function addGatewayProblems(restApi: RestApi, context: PrecisContext): void {
  const origins = context.corsOrigins;
  const cors: Record<string, string> =
    origins.length === 0
      ? {}
      : {
          'Access-Control-Allow-Origin': origins.length === 1 ? `'${origins[0]}'` : 'method.request.header.Origin',
          Vary: "'Origin'",
        };
  for (const [id, type, status, title] of GATEWAY_PROBLEMS) {
    // A default type covers several statuses: its body says which through the response's own.
    const statusField = status === null ? '' : `"status":${status},`;
    restApi.addGatewayResponse(id, {
      type,
      ...(status === null ? {} : { statusCode: String(status) }),
      responseHeaders: cors,
      templates: {
        'application/problem+json': `{"type":"about:blank","title":"${title}",${statusField}"detail":$context.error.messageString}`,
      },
    });
  }
}
