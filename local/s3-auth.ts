/**
 * The local S3's door, as strict as S3's: every request signed (SigV4, in
 * the Authorization header or a presigned URL) with the local credentials;
 * a presigned URL good until it expires and for what it signs (method, key,
 * size, type, checksum); the payload hash, chunk signatures and checksums
 * checked against the bytes. What passes reaches s3rver decoded, its key
 * whole, with no authorization left for s3rver to check again.
 */
import { Readable } from 'node:stream';
import {
  type Authorization,
  authorizationOf,
  type Credentials,
  parseQuery,
  QUERY_AUTH_PARAMS,
  type WireRequest,
} from './s3-authorization.js';
import { checkIntegrity } from './s3-checksums.js';
import { parseAwsChunked } from './s3-chunked.js';
import { accessDenied, s3Error } from './s3-errors.js';
import { SignatureCheck, sha256 } from './s3-sigv4.js';
import { WHOLE_BODY } from './s3-store.js';

type Headers = Record<string, string | string[] | undefined>;

interface KoaContext {
  method: string;
  path: string;
  querystring: string;
  req: NodeJS.ReadableStream & { url?: string; headers: Headers };
  state: Record<string, unknown>;
}

/** How far a header-signed request's time may be from the server's, as S3 allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * The most a request's body may hold here: it is read whole to check its
 * hash and checksum before s3rver stores it. S3 takes 5 GB in one PUT; the
 * AWS CLI and SDKs send larger files in parts of a few MB.
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

const tooLarge = () =>
  s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size (256 MB on the local S3).', {
    MaxSizeAllowed: String(MAX_BODY_BYTES),
  });

async function readAll(stream: NodeJS.ReadableStream, declared: number): Promise<Buffer> {
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += bytes.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A presigned URL is good from its date for X-Amz-Expires seconds; a signed header's date must be near now. */
function checkTime(auth: Authorization, now: Date): void {
  const signed = auth.signingDate.getTime();
  if (auth.kind === 'query') {
    const expires = new Date(signed + (auth.expiresSeconds ?? 0) * 1000);
    if (now > expires) {
      throw accessDenied('Request has expired', {
        'X-Amz-Expires': String(auth.expiresSeconds),
        Expires: iso(expires),
        ServerTime: iso(now),
      });
    }
    if (signed - now.getTime() > MAX_SKEW_MS) throw accessDenied('Request is not valid yet');
    return;
  }
  if (Math.abs(now.getTime() - signed) > MAX_SKEW_MS) {
    throw s3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      {
        RequestTime: auth.longDate,
        ServerTime: iso(now),
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      },
    );
  }
}

/** Every x-amz-* header sent must be signed, or a presigned URL could be sent with other values than it was made for. */
function checkAllSigned(auth: Authorization, headers: Headers): void {
  const signed = new Set(auth.signedHeaders);
  const unsigned = Object.keys(headers).filter((name) => name.startsWith('x-amz-') && !signed.has(name));
  if (unsigned.length > 0) {
    throw accessDenied('There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
}

const STREAMING = /^STREAMING-(AWS4-HMAC-SHA256-PAYLOAD|AWS4-HMAC-SHA256-PAYLOAD-TRAILER|UNSIGNED-PAYLOAD-TRAILER)$/;

/** The object's bytes: the body as sent, or an aws-chunked body decoded, each checked as the payload hash says. */
async function payloadOf(auth: Authorization, raw: Buffer, headers: Headers, signatures: SignatureCheck) {
  const hash = auth.payloadHash;
  const streaming = STREAMING.exec(hash)?.[1];
  if (streaming) {
    const chunked = parseAwsChunked(raw);
    if (streaming.startsWith('AWS4')) {
      const trailer = streaming.endsWith('TRAILER')
        ? { text: chunked.trailerText, ...(chunked.trailerSignature ? { signature: chunked.trailerSignature } : {}) }
        : undefined;
      await signatures.verifyChunks(auth, chunked.chunks, trailer);
    }
    const declared = headers['x-amz-decoded-content-length'];
    if (declared !== undefined && Number(declared) !== chunked.body.length) {
      throw s3Error(
        'IncompleteBody',
        'You did not provide the number of bytes specified by the x-amz-decoded-content-length header.',
      );
    }
    return { body: chunked.body, trailers: chunked.trailers };
  }
  if (/^[0-9a-f]{64}$/i.test(hash)) {
    const computed = sha256(raw);
    if (computed !== hash.toLowerCase()) {
      throw s3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        {
          ClientComputedContentSHA256: hash,
          S3ComputedContentSHA256: computed,
        },
      );
    }
  } else if (hash !== 'UNSIGNED-PAYLOAD') {
    throw s3Error(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      { ArgumentName: 'x-amz-content-sha256', ArgumentValue: hash.slice(0, 100) },
    );
  }
  return { body: raw, trailers: {} as Record<string, string> };
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

/**
 * Koa middleware for s3rver that checks each request as S3 would (see the
 * file's comment). `account` is what s3rver's own check would have set: its
 * response overrides (`response-content-type`, …) are for signed requests.
 */
export function authMiddleware(options: { credentials: Credentials; clock: () => Date; account: unknown }) {
  const signatures = new SignatureCheck(options.credentials);
  return async (ctx: unknown, next: () => Promise<unknown>): Promise<unknown> => {
    const c = ctx as KoaContext;
    if (c.method === 'OPTIONS') return next();
    const url = c.req.url ?? '/';
    const at = url.indexOf('?');
    const request: WireRequest = {
      method: c.method,
      path: at < 0 ? url : url.slice(0, at),
      query: at < 0 ? '' : url.slice(at + 1),
      headers: c.req.headers,
    };
    const auth = authorizationOf(request);
    if (!auth) throw accessDenied();
    if (auth.accessKeyId !== options.credentials.accessKeyId) {
      throw s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
        AWSAccessKeyId: auth.accessKeyId,
      });
    }
    checkTime(auth, options.clock());
    checkAllSigned(auth, request.headers);
    await signatures.verifyRequest(auth, request);

    const query = parseQuery(request.query);
    const uploads = c.method === 'PUT' || c.method === 'POST';
    const raw = uploads
      ? await readAll(c.req, Number(single(request.headers['content-length']) ?? 0))
      : Buffer.alloc(0);
    const { body, trailers } = await payloadOf(auth, raw, request.headers, signatures);
    if (uploads) {
      // A presigned URL's x-amz-* parameters stand for headers, as S3 reads them.
      const named: Record<string, string | undefined> = { ...trailers };
      for (const [name, value] of Object.entries(query)) {
        if (name.toLowerCase().startsWith('x-amz-')) named[name.toLowerCase()] = single(value);
      }
      for (const [name, value] of Object.entries(request.headers)) named[name] = single(value);
      await checkIntegrity(body, named);
    }

    // Hand s3rver the request it can serve: the bytes decoded, the key in one escaped part (so `//`
    // survives its router), and no authorization for it to check again.
    const headers = c.req.headers;
    for (const name of ['authorization', 'x-amz-decoded-content-length', 'x-amz-trailer']) delete headers[name];
    const encodings = String(headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e && e !== 'aws-chunked');
    if (encodings.length > 0) headers['content-encoding'] = encodings.join(', ');
    else delete headers['content-encoding'];
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const [, bucket = '', ...rest] = request.path.split('/');
    const key = rest.map((part) => decodeURIComponent(part)).join('/');
    if (key) c.path = `/${bucket}/${encodeURIComponent(key)}`;
    c.querystring = request.query
      .split('&')
      .filter((pair) => !QUERY_AUTH_PARAMS.includes(decodeURIComponent(pair.split('=')[0] ?? '')))
      .join('&');
    if (uploads) {
      headers['content-length'] = String(body.length);
      c.req = Object.assign(Readable.from([body]), {
        url: c.req.url,
        headers,
        [WHOLE_BODY]: body,
      }) as unknown as KoaContext['req'];
    }
    c.state.account = options.account;
    return next();
  };
}
