import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import S3rver from 's3rver';
import { encodeS3EventKey } from '../lambdas/ingest/s3-event.js';
import { LOOPBACK_KEEP_ALIVE_MS } from './listen.js';
import { authMiddleware } from './s3-auth.js';
import type { Credentials } from './s3-authorization.js';
import { type CorsRule, corsMiddleware } from './s3-cors.js';
import { s3Error } from './s3-errors.js';
import { sealListingTokensWithAes } from './s3-list-tokens.js';
import { KeyPreservingStore, unstorableKey } from './s3-store.js';

export { encodeS3EventKey };

/** Refuses, with an S3-style 400, a write whose key the file store cannot keep (instead of failing on it). */
async function keyGuardMiddleware(ctx: unknown, next: () => Promise<unknown>): Promise<unknown> {
  const c = ctx as { method: string; path: string };
  if (c.method === 'PUT' || c.method === 'POST') {
    const [, , ...rest] = c.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const why = key ? unstorableKey(key) : null;
    if (why) throw s3Error(why.includes("S3's limit") ? 'KeyTooLongError' : 'InvalidArgument', why);
  }
  return next();
}

/**
 * The bucket's CORS rule in AWS (infra/storage.ts): PUTs to presigned URLs
 * from the reader page's origins, with the content type the URL signs.
 */
export function uploadCorsRule(origins: readonly string[]): CorsRule {
  return { allowedOrigins: origins, allowedMethods: ['PUT'], allowedHeaders: ['content-type'], maxAgeSeconds: 3000 };
}

interface QuietLogger {
  exceptions: { unhandle(): void };
  close(): void;
}

/** A logger that drops every line at once, closing as s3rver's own (which it closes in its place). */
function quietLogger(logger: QuietLogger): QuietLogger & Record<'error' | 'warn' | 'info' | 'debug', () => void> {
  const drop = () => {};
  return {
    error: drop,
    warn: drop,
    info: drop,
    debug: drop,
    exceptions: logger.exceptions,
    close: () => logger.close(),
  };
}

export interface LocalS3 {
  endpoint: string;
  close(): Promise<void>;
}

const DUMMY_ACCOUNT = (createRequire(import.meta.url)('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: unknown })
  .DUMMY_ACCOUNT;

/**
 * s3rver behind S3's checks: every request signed with `credentials`
 * (SigV4, header or presigned, payload and checksums checked), the bucket's
 * CORS from `cors` (read at each request), every key kept as written; the
 * bucket created, and ObjectCreated events reported.
 */
export async function startS3(options: {
  port: number;
  directory: string;
  bucket: string;
  credentials: Credentials;
  cors: () => readonly CorsRule[] | Promise<readonly CorsRule[]>;
  onObjectCreated: (record: Record<string, unknown>) => void;
  /** The time presigned URLs expire by and signed requests are dated against; the system clock by default. */
  clock?: () => Date;
}): Promise<LocalS3> {
  sealListingTokensWithAes();
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket }],
  });
  // A CORS rule an older stack stored in the bucket would answer beside ours.
  rmSync(join(options.directory, options.bucket, '._S3rver_cors.xml'), { force: true });
  // s3rver logs every request through koa-logger even when silent: colouring the lines, and counting a body's
  // bytes through a stream of its own, for a logger that prints nothing (a tenth of the emulator's work).
  server.middleware = server.middleware.filter((m) => (m as { name?: string }).name !== 'logger');
  // Its controllers log each object stored or read through winston, which formats and pipes every line through
  // its streams before the silent console drops it: 1 to 2 ms an article. Nothing reads those lines here.
  const winston = server.logger as QuietLogger;
  server.logger = server.context.logger = quietLogger(winston);
  const store = new KeyPreservingStore(options.directory);
  server.store = store;
  server.context.store = store;
  // In order: CORS (a preflight carries no signature), the signature, then the key's storability.
  server.middleware.unshift(
    corsMiddleware(options.cors),
    authMiddleware({
      credentials: options.credentials,
      clock: options.clock ?? (() => new Date()),
      account: DUMMY_ACCOUNT,
    }),
    keyGuardMiddleware,
  );
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
  // s3rver's own server, listening by now: idle kept-alive sockets left for the clients to close, as each loopback
  // server does (LOOPBACK_KEEP_ALIVE_MS).
  const httpServer = (server as unknown as { httpServer?: Server }).httpServer;
  if (httpServer) httpServer.keepAliveTimeout = LOOPBACK_KEEP_ALIVE_MS;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    // Kept-alive connections closed too (see startDynamo).
    close: () => {
      httpServer?.closeAllConnections();
      return server.close();
    },
  };
}
