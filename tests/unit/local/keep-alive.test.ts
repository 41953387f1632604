/**
 * The local emulators keep an idle kept-alive socket for as long as the API
 * does (LOOPBACK_KEEP_ALIVE_MS): with Node's 5 s, a client reusing a socket as
 * the server closed it got ECONNRESET ("socket hang up"), which a test polling
 * the local DynamoDB after a longer pause met. The header each answer carries
 * says how long the server keeps the socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDynamo } from '../../../local/dynamodb.js';
import { LOOPBACK_KEEP_ALIVE_MS } from '../../../local/listen.js';
import { startS3 } from '../../../local/s3.js';

const agent = new Agent({ keepAlive: true });
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** The Keep-Alive header of the answer to a kept-alive request. */
function keepAliveOf(endpoint: string, method: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/`, { method, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['keep-alive'])));
    });
    req.on('error', reject);
    req.end();
  });
}

const expected = `timeout=${LOOPBACK_KEEP_ALIVE_MS / 1000}`;

describe('the local emulators’ kept-alive sockets', () => {
  it('DynamoDB keeps an idle socket as long as the API does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precis-keepalive-'));
    const dynamo = await startDynamo({ port: 0, directory: dir });
    stops.push(() => rmSync(dir, { recursive: true, force: true }), dynamo.close);
    expect(await keepAliveOf(dynamo.endpoint, 'POST')).toBe(expected);
  });

  it('S3 keeps an idle socket as long as the API does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precis-keepalive-'));
    const s3 = await startS3({
      port: 0,
      directory: dir,
      bucket: 'precis-local',
      credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'local' },
      cors: () => [],
      onObjectCreated: () => undefined,
    });
    stops.push(() => rmSync(dir, { recursive: true, force: true }), s3.close);
    expect(await keepAliveOf(s3.endpoint, 'GET')).toBe(expected);
  });
});
