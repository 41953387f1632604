import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { PrecisError, RequestError } from '../../shared/errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function json(body: unknown, statusCode = 200): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

export function text(body: string): APIGatewayProxyResult {
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/** An RFC 9457 problem document. */
export function problem(status: number, title: string, detail: string, instance?: string): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title, status, detail, ...(instance ? { instance } : {}) }),
  };
}

/** Query string parameters checked against a schema; a mismatch is a 400 that names the parameter. */
export function queryOf<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): z.infer<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new RequestError(400, 'Invalid query parameter', detail);
}

/**
 * Maps every error to a response, in one place: known request errors to
 * their 4xx, a dependency that is down to 503, anything else to a 500 whose
 * body carries no internals, only the request id to quote.
 */
export function problemResponses(logger: Logger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error, event } = request;
      const path = event.path;
      if (error instanceof RequestError) {
        request.response = problem(error.status, error.title, error.message, path);
        return;
      }
      const http = error as { statusCode?: number; expose?: boolean; message?: string };
      if (http?.expose && typeof http.statusCode === 'number' && http.statusCode < 500) {
        const title = http.statusCode === 404 ? 'Not found' : 'Bad request';
        request.response = problem(http.statusCode, title, `${event.httpMethod} ${path}: ${http.message}`, path);
        return;
      }
      const requestId = event.requestContext?.requestId ?? 'unknown';
      if (error instanceof PrecisError && !error.permanent) {
        logger.warn('dependency unavailable', { error, requestId });
        request.response = problem(
          503,
          'Service unavailable',
          `Storage is unavailable; try again. Request ${requestId}.`,
        );
        return;
      }
      logger.error('unhandled error', { error, requestId });
      request.response = problem(500, 'Internal server error', `An unexpected error occurred. Request ${requestId}.`);
    },
  };
}
