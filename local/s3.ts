import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { encodeS3EventKey } from '../lambdas/ingest/s3-event.js';

export { encodeS3EventKey };

/**
 * s3rver knows one access key (S3RVER) and refuses the others before it even
 * looks at the signature, which it does not verify for SigV4. A local stack
 * should take whatever credentials a user's S3 client has configured, so any
 * unknown key maps to its account.
 */
function acceptAnyAccessKey(): void {
  const accounts = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
    registry: Map<string, unknown> & { anyKey?: true };
    DUMMY_ACCOUNT: unknown;
  };
  const registry = accounts.registry;
  if (registry.anyKey) return;
  const get = registry.get.bind(registry);
  registry.get = (accessKeyId: string) => get(accessKeyId) ?? accounts.DUMMY_ACCOUNT;
  registry.anyKey = true;
}

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>`),
 * which recent AWS SDKs and CLIs send for uploads with checksums; s3rver would
 * otherwise store the framing as the object's content.
 */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    const start = lineEnd + 2;
    parts.push(raw.subarray(start, start + size));
    offset = start + size + 2;
  }
  return Buffer.concat(parts);
}

interface KoaContext {
  req: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Replaces an aws-chunked request body by its decoded bytes before s3rver reads it. */
async function awsChunkedMiddleware(ctx: unknown, next: () => Promise<unknown>): Promise<unknown> {
  const { req } = ctx as KoaContext;
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (encoding.includes('aws-chunked') || sha.startsWith('STREAMING-')) {
    const body = decodeAwsChunked(await readAll(req));
    const rest = encoding
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e && e !== 'aws-chunked');
    if (rest.length > 0) req.headers['content-encoding'] = rest.join(', ');
    else delete req.headers['content-encoding'];
    req.headers['content-length'] = String(body.length);
    req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    delete req.headers['x-amz-decoded-content-length'];
    const decoded = Object.assign(Readable.from([body]), { headers: req.headers });
    (ctx as KoaContext).req = decoded as unknown as KoaContext['req'];
  }
  return next();
}

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/**
 * s3rver keeps each object as files named after its key plus a suffix of
 * about 24 characters; a file name may have 255 bytes.
 */
const MAX_SEGMENT_BYTES = 224;

/** Why the local store cannot keep this key, or null when it can. */
export function unstorableKey(key: string): string | null {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `the key is over S3's limit of ${MAX_KEY_BYTES} bytes`;
  const segments = key.split('/');
  const long = segments.find((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    return `a part of the key between slashes is ${Buffer.byteLength(long)} bytes; the local store keeps objects as files and takes ${MAX_SEGMENT_BYTES} (S3 itself would take it)`;
  }
  if (segments.some((s) => s === '.' || s === '..'))
    return 'a part of the key is "." or "..", which the local store would resolve as a path';
  if (key.includes('\0')) return 'the key holds a NUL character';
  return null;
}

/** Refuses, with an S3-style 400, a write whose key the file store would fail on (instead of crashing on it). */
async function keyGuardMiddleware(ctx: unknown, next: () => Promise<unknown>): Promise<unknown> {
  const c = ctx as { method: string; path: string; status: number; body: unknown; type: string };
  if (c.method === 'PUT' || c.method === 'POST') {
    const [, , ...rest] = c.path.split('/');
    let key = '';
    try {
      key = decodeURIComponent(rest.join('/'));
    } catch {
      key = rest.join('/');
    }
    const why = key ? unstorableKey(key) : null;
    if (why) {
      const code = why.includes("S3's limit") ? 'KeyTooLongError' : 'InvalidArgument';
      c.status = 400;
      c.type = 'application/xml';
      c.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${why.replace(/[<&"]/g, '')}</Message></Error>`;
      return undefined;
    }
  }
  return next();
}

/** The bucket's CORS rule: PUTs to presigned URLs from any origin (the URL's signature is the permission). */
const UPLOAD_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>content-type</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

export interface LocalS3 {
  endpoint: string;
  close(): Promise<void>;
}

/** s3rver with the bucket created, aws-chunked uploads decoded, and ObjectCreated events reported. */
export async function startS3(options: {
  port: number;
  directory: string;
  bucket: string;
  onObjectCreated: (record: Record<string, unknown>) => void;
}): Promise<LocalS3> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    // The reader page (another origin: the API's) PUTs uploads to presigned URLs, as a browser does to S3.
    configureBuckets: [{ name: options.bucket, configs: [Buffer.from(UPLOAD_CORS)] }],
  });
  acceptAnyAccessKey();
  server.middleware.unshift(awsChunkedMiddleware);
  server.middleware.unshift(keyGuardMiddleware);
  let last = 0n;
  server.on('event', (event: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      // s3rver's sequencer is the millisecond clock: two uploads in one millisecond would tie.
      const now = BigInt(Date.now()) * 1000n;
      last = now > last ? now : last + 1n;
      const object = record.s3.object;
      options.onObjectCreated({
        ...record,
        s3: {
          ...record.s3,
          object: { ...object, key: encodeS3EventKey(object.key), sequencer: last.toString(16).toUpperCase() },
        },
      });
    }
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}
