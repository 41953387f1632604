/**
 * Paths the command is given that are not files: a device's size says
 * nothing of what it gives (/dev/zero never ends), and a file past the API's
 * limit is asked about before it is read.
 */
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expand } from '../../cli/main.js';
import { runPrecis } from '../helpers/cli.js';
import { SAMPLES_DIR } from '../helpers/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'precis-cli-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const notAFile = {
  code: 'FILE_UNREADABLE',
  message: 'Not a file or a folder (a device, a named pipe or a socket): precis reads files.',
};

describe('a path that is neither a file nor a folder', () => {
  it('is unreadable to every command, /dev/zero included, which is never read', async () => {
    // Act
    const files = expand(['/dev/zero', join(SAMPLES_DIR, 'mosul-old-city.md')]);
    const cleaned = await runPrecis({}, 'clean', '/dev/null', join(SAMPLES_DIR, 'mosul-old-city.md'));

    // Assess
    expect(files).toEqual([
      { file: '/dev/zero', unreadable: 'not a file' },
      { file: join(SAMPLES_DIR, 'mosul-old-city.md') },
    ]);
    expect(cleaned.code).toBe(1);
    expect(cleaned.lines[0]).toEqual({ file: '/dev/null', error: notAFile });
    expect(cleaned.lines[1].title).toContain('Mosul');
  });
});

describe('precis upload of a file past the API’s limit', () => {
  let server: Server;
  let api = '';
  const asked: { method?: string; url?: string; body: string }[] = [];

  beforeAll(async () => {
    // Prepare: an API that refuses every upload as too large, as the real one does past its limit.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        asked.push({ method: request.method, url: request.url, body });
        response.writeHead(413, { 'content-type': 'application/problem+json' });
        response.end(
          JSON.stringify({ status: 413, title: 'Content too large', code: 'TOO_LARGE', detail: 'Past the limit.' }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is refused by the API from its size, unread: a file past 2 GB says TOO_LARGE, not that it cannot be read', async () => {
    // Prepare: a sparse file of 3 GB, which takes no room on the disk and more than Node can read into one buffer.
    const big = join(dir, 'big.html');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 3 * 1024 ** 3);

    // Act
    const uploaded = await runPrecis({}, 'upload', '--api', api, '--key', 'k', big, '/dev/zero');

    // Assess
    expect(uploaded.lines).toEqual([
      { file: big, error: { code: 'TOO_LARGE', message: 'Past the limit.' } },
      { file: '/dev/zero', error: notAFile },
    ]);
    expect(uploaded.code).toBe(1);
    expect(asked).toHaveLength(1);
    expect(JSON.parse(asked[0]?.body ?? '{}')).toMatchObject({ filename: 'big.html', size: 3 * 1024 ** 3 });
  });
});
