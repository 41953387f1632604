/**
 * The OpenAPI 3.1 document of the HTTP API, generated from routes.ts (the
 * requests) and schemas.ts (the responses). `npm run openapi` writes it to
 * openapi.json, which the api function serves at GET /openapi.json; a test
 * fails when the file and this generation differ.
 */
import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import type { ErrorCode } from '../../../shared/errors.js';
import { HTTP_STATUS } from '../http.js';
import { articleId, ROUTES, type RouteSpec, type Success } from '../routes.js';
import { problem, RESPONSES } from './schemas.js';

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: the work is queued',
  304: 'Not modified: the If-None-Match ETag is current (no body)',
  400: 'Bad request',
  403: 'No valid key (x-api-key)',
  404: 'Not found',
  409: 'Conflict',
  413: 'Content too large',
  429: "Too many requests: API Gateway's throttling of the stage (in AWS)",
  500: 'Internal error: the body names the request id',
  503: 'Storage or a queue is unavailable; try again',
};

function content(success: Success) {
  if (success.body === 'text') return { 'text/plain; charset=utf-8': { schema: z.string() } };
  if (success.body === 'html') return { 'text/html; charset=utf-8': { schema: z.string() } };
  const schema = success.schema
    ? RESPONSES[success.schema as keyof typeof RESPONSES]
    : z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' });
  return { 'application/json; charset=utf-8': { schema } };
}

/** The problem answer for a set of codes sharing one status. */
function problemResponse(status: number, codes: ErrorCode[]) {
  const schema = codes.length > 0 ? problem.extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) }) : problem;
  const described =
    codes.length > 0 ? `${REASONS[status] ?? 'Error'}: ${codes.join(', ')}` : (REASONS[status] ?? 'Error');
  return { description: described, content: { 'application/problem+json': { schema } } };
}

function operation(route: RouteSpec): ZodOpenApiOperationObject {
  const hasId = route.path.includes('{id}');
  const responses: ZodOpenApiResponsesObject = {};
  for (const success of [route.success, ...(route.alsoSuccess ?? [])]) {
    responses[String(success.status) as '200'] = {
      description: REASONS[success.status] ?? 'OK',
      content: content(success),
    };
  }
  if (route.etag) {
    const success = responses['200'];
    if (success && !('$ref' in success)) {
      success.headers = { etag: { description: 'Send it back as If-None-Match.', schema: { type: 'string' } } };
    }
    responses['304'] = { description: REASONS[304] as string };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  const add = (code: ErrorCode) => {
    const status = HTTP_STATUS[code]?.status ?? 500;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  };
  // A GET refuses query parameters it does not take, a POST any: every route but the public ones can answer it.
  if (!route.public) add('INVALID_PARAMETER');
  for (const code of route.problems) add(code);
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status) as '400'] = problemResponse(status, codes);
  }
  if (!route.public) responses['403'] = problemResponse(403, []);
  responses['429'] = problemResponse(429, []);
  responses['500'] = problemResponse(500, []);
  responses['503'] = problemResponse(503, ['STORAGE_UNAVAILABLE', 'QUEUE_UNAVAILABLE']);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.public ? { security: [] } : {}),
    ...(hasId || route.query
      ? {
          requestParams: {
            ...(hasId ? { path: z.object({ id: articleId }) } : {}),
            ...(route.query ? { query: route.query as z.ZodObject } : {}),
          },
        }
      : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
}

export function openApiDocument(version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES as readonly RouteSpec[]) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'precis',
      version,
      description:
        'Articles in, faithful summaries, translations and checkable claims out. Every error is an RFC 9457 problem document whose `code` is stable (docs/api.md, "Error codes"). Every route also answers HEAD (with GET) and OPTIONS, and 405 with Allow to other methods. A POST takes its parameters in its JSON body only: parameters in its query string are refused (400 INVALID_PARAMETER) with the body that would carry them. A GET refuses a query parameter it does not take (400 INVALID_PARAMETER naming it and those the route takes) rather than ignoring it, and one given twice with different values rather than reading the last.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative to where this document is served: the stage (…/v1/) in AWS, http://127.0.0.1:3000/ locally.
    servers: [
      { url: '.', description: 'Where this document is served from: the stage URL in AWS, the local API locally.' },
    ],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'The key `cdk deploy` prints, or `.precis/api-key` locally.',
        },
      },
    },
    tags: [],
    paths,
  });
}
