/**
 * What a request's Signature Version 4 authorization says, read as S3
 * reads it: from the Authorization header, or from a presigned URL's
 * query. A malformed one is the error S3 gives it.
 */
import { ALGORITHM_IDENTIFIER, UNSIGNED_PAYLOAD } from '@smithy/signature-v4';
import { accessDenied, s3Error } from './s3-errors.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request as it came over the wire: the path and query still URI-encoded, the headers as Node gives them. */
export interface WireRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What a request's authorization says. */
export interface Authorization {
  /** `header`: the Authorization header; `query`: a presigned URL. */
  kind: 'header' | 'query';
  accessKeyId: string;
  /** `20261204T172234Z`. */
  longDate: string;
  signingDate: Date;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The payload hash the signature covers: x-amz-content-sha256, or UNSIGNED-PAYLOAD for a presigned URL. */
  payloadHash: string;
  /** A presigned URL's X-Amz-Expires, in seconds. */
  expiresSeconds?: number;
}

/** The query parameters that carry a presigned URL's authorization. */
export const QUERY_AUTH_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
];

/** A query string's parameters, decoded; a name given twice holds a list. */
export function parseQuery(query: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = uriDecode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : uriDecode(pair.slice(at + 1));
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return params;
}

function uriDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw s3Error('InvalidURI', "Couldn't parse the specified URI.", { URI: text.slice(0, 200) });
  }
}

/** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 wants it. */
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The canonical URI: each part between slashes decoded and encoded again, so any client's escaping counts the same. */
export const canonicalPath = (path: string) => path.split('/').map(uriDecode).map(uriEncode).join('/');

const DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseDate(longDate: string | undefined): Date | null {
  const m = DATE.exec(longDate ?? '');
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
}

export function header(request: WireRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `AK/20261204/us-east-1/s3/aws4_request` → its parts, or null when it is not a credential scope. */
function credentialOf(credential: string, longDate: string) {
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || rest.length > 0) return null;
  return { accessKeyId, date, region, service, sameDay: date === longDate.slice(0, 8) };
}

/**
 * The request's authorization, or null when it has none (anonymous). A
 * malformed one is the error S3 gives it.
 */
export function authorizationOf(request: WireRequest): Authorization | null {
  const query = parseQuery(request.query);
  const authorization = header(request, 'authorization');
  const presigned = 'X-Amz-Algorithm' in query || 'X-Amz-Signature' in query || 'X-Amz-Credential' in query;
  if (authorization !== undefined && presigned) {
    throw s3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (authorization !== undefined) return fromHeader(request, authorization);
  if (presigned) return fromQuery(query);
  if ('Signature' in query || 'AWSAccessKeyId' in query) return notV4();
  return null;
}

const notV4 = (): never => {
  throw s3Error(
    'InvalidRequest',
    'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  );
};

function fromHeader(request: WireRequest, authorization: string): Authorization {
  const malformed = (why: string) =>
    s3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`);
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM_IDENTIFIER) return notV4();
  const parts = new Map(
    authorization
      .slice(space + 1)
      .split(',')
      .map((part) => {
        const at = part.indexOf('=');
        return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
      }),
  );
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  const longDate = header(request, 'x-amz-date') ?? '';
  const signingDate = parseDate(longDate);
  if (!signingDate) throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  const scope = credentialOf(credential, longDate);
  if (!scope) throw malformed(`incorrect Credential "${credential.slice(0, 200)}".`);
  if (scope.service !== 's3') throw malformed(`incorrect service "${scope.service}". This endpoint belongs to "s3".`);
  if (!scope.sameDay) throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  const payloadHash = header(request, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    throw s3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  return {
    kind: 'header',
    accessKeyId: scope.accessKeyId,
    longDate,
    signingDate,
    region: scope.region,
    service: scope.service,
    signedHeaders: signedHeaders.split(';'),
    signature,
    payloadHash,
  };
}

function fromQuery(query: Record<string, string | string[]>): Authorization {
  const bad = (message: string) => s3Error('AuthorizationQueryParametersError', message);
  const one = (name: string) => {
    const value = query[name];
    return Array.isArray(value) ? undefined : value;
  };
  const [algorithm, credential, longDate, expires, signedHeaders, signature] = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ].map(one);
  if (!algorithm || !credential || !longDate || !expires || !signedHeaders || !signature) {
    throw bad(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== ALGORITHM_IDENTIFIER) throw bad('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const signingDate = parseDate(longDate);
  if (!signingDate) throw bad("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (!/^[0-9]{1,7}$/.test(expires)) throw bad('X-Amz-Expires should be a number');
  const expiresSeconds = Number(expires);
  if (expiresSeconds > 604_800) {
    throw bad('X-Amz-Expires must be less than a week (in seconds) that is 604800 seconds.');
  }
  const scope = credentialOf(credential, longDate);
  if (!scope) throw bad(`Error parsing the X-Amz-Credential parameter; incorrect "${credential.slice(0, 200)}".`);
  if (scope.service !== 's3')
    throw bad(
      `Error parsing the X-Amz-Credential parameter; incorrect service "${scope.service}". This endpoint belongs to "s3".`,
    );
  if (!scope.sameDay) throw bad('Invalid credential date. Date is not the same as X-Amz-Date.');
  return {
    kind: 'query',
    accessKeyId: scope.accessKeyId,
    longDate,
    signingDate,
    region: scope.region,
    service: scope.service,
    signedHeaders: signedHeaders.split(';'),
    signature,
    payloadHash: one('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    expiresSeconds,
  };
}
