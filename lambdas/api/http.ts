import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod/mini';
import { type ErrorCode, PrecisError } from '../../shared/errors.js';
import { truncate } from '../../shared/truncate.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function json(body: unknown, statusCode = 200): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

export function text(body: string): APIGatewayProxyResult {
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/** A value echoed in a message, cut to `max` characters: a 5,000-character id is not sent back whole. */
export function cut(value: string, max = 80): string {
  return truncate(value, max);
}

/** A method the path exists for but does not take: 405, with the methods it does take. */
export class MethodNotAllowed extends PrecisError {
  constructor(
    method: string,
    path: string,
    readonly allow: string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${cut(method, 16)} is not allowed on ${path}; it takes ${allow.join(', ')}.`);
  }
}

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * A strong ETag of the body, and 304 Not Modified (no body) when the
 * request's If-None-Match names it (or is `*`).
 */
export function withEtag(handler: Handler): Handler {
  return async (event) => {
    const response = await handler(event);
    if (response.statusCode !== 200) return response;
    const etag = `"${createHash('sha256').update(response.body).digest('base64url').slice(0, 27)}"`;
    const headers = { ...response.headers, etag, 'cache-control': 'no-cache' };
    const ifNoneMatch = Object.entries(event.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'if-none-match',
    )?.[1];
    const tags = (ifNoneMatch ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (tags.includes(etag) || tags.includes('*'))
      return { statusCode: 304, headers: { etag, 'cache-control': 'no-cache' }, body: '' };
    return { ...response, headers };
  };
}

/** HEAD: the GET's status and headers, no body. */
export function headOf(handler: Handler): Handler {
  return async (event) => {
    const response = await handler({ ...event, httpMethod: 'GET' });
    const length = Buffer.byteLength(response.body);
    return { ...response, headers: { ...response.headers, 'content-length': String(length) }, body: '' };
  };
}

/**
 * What a detail shows as an escape (`\u202e`), and its instance
 * percent-encoded, rather than as itself: DEL and C1 controls, which JSON
 * leaves as they are and some terminals obey, and the invisible format
 * characters that reorder or hide text (bidi overrides, isolates and marks,
 * zero-width characters, the BOM). A detail echoes what the caller sent (a
 * parameter's name, an id, a path), and a right-to-left override there would
 * show the rest of the message reversed, wherever it is read: a terminal, a
 * log, the reader page.
 */
const HIDDEN_IN_DETAIL = /[\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** An RFC 9457 problem document; `code` (an extension member) is the precis error code. */
export function problem(
  status: number,
  title: string,
  detail: string,
  extra: { instance?: string; code?: ErrorCode } = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'about:blank',
      title,
      status,
      detail: detail.replace(HIDDEN_IN_DETAIL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
      ...extra,
      // The path, a URI reference: the same characters percent-encoded.
      ...(extra.instance === undefined
        ? {}
        : { instance: extra.instance.replace(HIDDEN_IN_DETAIL, encodeURIComponent) }),
    }),
  };
}

/**
 * What each error code means to HTTP: the one place a status is chosen.
 * Codes not listed are the server's fault (500); a transient one means a
 * dependency is down (503, try again).
 */
export const HTTP_STATUS: Partial<Record<ErrorCode, { status: number; title: string }>> = {
  ARTICLE_NOT_FOUND: { status: 404, title: 'Article not found' },
  TRANSLATION_NOT_FOUND: { status: 404, title: 'Translation not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  TOO_LARGE: { status: 413, title: 'Content too large' },
  EMPTY_OBJECT: { status: 400, title: 'Empty content' },
  NOT_ANALYSED: { status: 409, title: 'Not analysed' },
  NOT_CLEANED: { status: 409, title: 'Not cleaned' },
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  INVALID_PARAMETER: { status: 400, title: 'Invalid parameter' },
  ARTICLE_BUSY: { status: 409, title: 'Article busy' },
  NOTHING_TO_REPROCESS: { status: 409, title: 'Nothing to reprocess' },
};

/** Query string parameters checked against a schema; a mismatch is INVALID_PARAMETER naming the parameter. */
export function queryOf<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.infer<S> {
  return parameters(schema, event.queryStringParameters ?? {}, '');
}

/** A request's parameters checked against a schema; a mismatch is INVALID_PARAMETER naming each field (`whole` for the value itself). */
function parameters<S extends z.ZodMiniType>(schema: S, value: unknown, whole: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${cut(i.path.join('.'), 40) || whole}: ${cut(i.message, 200)}`)
    .join('; ');
  throw new PrecisError('INVALID_PARAMETER', detail);
}

/**
 * Refuses query parameters a route does not take (INVALID_PARAMETER naming
 * them and those it takes), rather than ignoring them: `GET
 * /articles?stauts=DONE` would otherwise list every article, as if the
 * filter had been applied, nor a known one given twice (onceEach). `route`
 * names the route as its contract does.
 */
export function onlyKnownQuery(event: APIGatewayProxyEvent, accepted: readonly string[], route: string): void {
  const unknown = Object.keys(event.queryStringParameters ?? {}).filter((name) => !accepted.includes(name));
  if (unknown.length === 0) {
    onceEach(event, route);
    return;
  }
  const names = unknown
    .slice(0, 5)
    .map((name) => JSON.stringify(cut(name, 40)))
    .join(', ');
  const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
  const takes = accepted.length > 0 ? `it takes ${accepted.join(', ')}` : 'it takes no query parameters';
  throw new PrecisError(
    'INVALID_PARAMETER',
    `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}${more} for ${route}: ${takes}.`,
  );
}

/**
 * Refuses a query parameter given more than once with different values
 * (`?status=DONE&status=FAILED`): API Gateway, as the local stack, hands
 * the route the last value alone, which would answer one filter as if it
 * were the only one asked. The same value twice is the same question.
 */
function onceEach(event: APIGatewayProxyEvent, route: string): void {
  for (const [name, values = []] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    const distinct = [...new Set(values)];
    if (distinct.length < 2) continue;
    const shown = distinct
      .slice(0, 3)
      .map((value) => JSON.stringify(cut(value, 40)))
      .join(', ');
    throw new PrecisError(
      'INVALID_PARAMETER',
      `Query parameter ${JSON.stringify(cut(name, 40))} given ${distinct.length} values for ${route} (${shown}${distinct.length > 3 ? ', …' : ''}): give it once.`,
    );
  }
}

/** A query value as the JSON a body would carry it: `true`, `25`, or the text. */
function asJson(value: string | undefined): unknown {
  if (value === 'true' || value === 'false') return value === 'true';
  return value !== undefined && /^[0-9]{1,9}$/.test(value) ? Number(value) : (value ?? '');
}

/**
 * A JSON request body checked against a schema (no body is `{}`); malformed
 * JSON or a mismatch is INVALID_PARAMETER naming the field. A route with a
 * body reads nothing from the query string: parameters sent there are
 * refused with the body that would carry them, rather than ignored (or
 * reported missing from the body, which they are).
 */
export function bodyOf<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.infer<S> {
  const query = Object.entries(event.queryStringParameters ?? {});
  if (query.length > 0) {
    const body = JSON.stringify(Object.fromEntries(query.map(([name, value]) => [name, asJson(value)])));
    throw new PrecisError(
      'INVALID_PARAMETER',
      `${event.httpMethod} ${cut(event.path, 80)} takes its parameters in a JSON body, not in the query string: send ${cut(body, 200)} as the body (content-type: application/json).`,
    );
  }
  let value: unknown = {};
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (raw.trim() !== '') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new PrecisError('INVALID_PARAMETER', 'The request body is not JSON.');
    }
  }
  return parameters(schema, value, 'body');
}

/**
 * Maps every error to a response: a known code to its status (HTTP_STATUS),
 * middy's own 4xx (a bad method or path) to a problem, a transient failure
 * to 503, anything else to a 500 whose body carries no internals, only the
 * request id to quote.
 */
export function problemResponses(logger: Logger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error, event } = request;
      // The path is echoed as any value is: cut (a 5,000-character id is not sent back whole).
      const instance = cut(event.path ?? '');
      const mapped = error instanceof PrecisError ? HTTP_STATUS[error.code] : undefined;
      if (error instanceof PrecisError && mapped) {
        request.response = problem(mapped.status, mapped.title, error.message, {
          instance,
          code: error.code,
        });
        if (error instanceof MethodNotAllowed)
          request.response.headers = { ...request.response.headers, allow: error.allow.join(', ') };
        return;
      }
      const http = error as { statusCode?: number; expose?: boolean; message?: string };
      if (http?.expose && typeof http.statusCode === 'number' && http.statusCode < 500) {
        const title = http.statusCode === 404 ? 'Not found' : 'Bad request';
        request.response = problem(http.statusCode, title, `${event.httpMethod} ${instance}: ${http.message}`, {
          instance,
        });
        return;
      }
      const requestId = event.requestContext?.requestId ?? 'unknown';
      if (error instanceof PrecisError && !error.permanent) {
        logger.warn('dependency unavailable', { error, requestId });
        request.response = problem(
          503,
          'Service unavailable',
          `${error.code === 'QUEUE_UNAVAILABLE' ? 'A queue' : 'Storage'} is unavailable; try again. Request ${requestId}.`,
          {
            code: error.code,
          },
        );
        return;
      }
      logger.error('unhandled error', { error, requestId });
      request.response = problem(500, 'Internal server error', `An unexpected error occurred. Request ${requestId}.`);
    },
  };
}
