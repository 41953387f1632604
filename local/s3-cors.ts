import { s3Error } from './s3-errors.js';

/** A bucket CORS rule, as S3 (and infra/storage.ts) states one. */
export interface CorsRule {
  allowedOrigins: readonly string[];
  allowedMethods: readonly string[];
  allowedHeaders: readonly string[];
  maxAgeSeconds?: number;
}

interface Context {
  method: string;
  status: number;
  body: unknown;
  get(name: string): string;
  set(name: string, value: string): void;
}

/** S3 lets one `*` in an origin or header name stand for any characters. */
function matches(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern.toLowerCase() === value.toLowerCase();
  const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
  return (
    value.length >= head.length + tail.length &&
    value.toLowerCase().startsWith(head.toLowerCase()) &&
    value.toLowerCase().endsWith(tail.toLowerCase())
  );
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * The bucket's CORS as S3 applies it: a preflight (OPTIONS) is answered
 * here, allowed only for an origin, method and headers a rule names (else
 * 403 CORSResponse, so the browser never sends the request); a request from
 * an allowed origin gets the headers that let the page read the answer.
 * `rules` is read at each request: the page's origin is known only once the
 * API listens (in the local stack, in another thread: hence a promise).
 */
export function corsMiddleware(rules: () => readonly CorsRule[] | Promise<readonly CorsRule[]>) {
  return async (ctx: unknown, next: () => Promise<unknown>): Promise<unknown> => {
    const c = ctx as Context;
    const origin = c.get('origin');
    if (c.method === 'OPTIONS') {
      const method = c.get('access-control-request-method');
      if (!origin) throw s3Error('BadRequest', 'Insufficient information. Origin request header needed.');
      if (!method) throw s3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
      const requested = c
        .get('access-control-request-headers')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      const rule = (await rules()).find(
        (r) =>
          r.allowedOrigins.some((o) => matches(o, origin)) &&
          r.allowedMethods.includes(method.toUpperCase()) &&
          requested.every((h) => r.allowedHeaders.some((a) => matches(a, h))),
      );
      if (!rule) {
        throw s3Error(
          'CORSResponse',
          "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        );
      }
      c.set('Access-Control-Allow-Origin', origin);
      c.set('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
      if (requested.length > 0) c.set('Access-Control-Allow-Headers', requested.join(', '));
      if (rule.maxAgeSeconds !== undefined) c.set('Access-Control-Max-Age', String(rule.maxAgeSeconds));
      c.set('Access-Control-Allow-Credentials', 'true');
      c.set('Vary', VARY);
      c.status = 200;
      c.body = '';
      return undefined;
    }
    if (origin) {
      const rule = (await rules()).find(
        (r) => r.allowedOrigins.some((o) => matches(o, origin)) && r.allowedMethods.includes(c.method.toUpperCase()),
      );
      if (rule) {
        c.set('Access-Control-Allow-Origin', origin);
        c.set('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
        if (rule.maxAgeSeconds !== undefined) c.set('Access-Control-Max-Age', String(rule.maxAgeSeconds));
        c.set('Access-Control-Allow-Credentials', 'true');
      }
      c.set('Vary', VARY);
    }
    return next();
  };
}
