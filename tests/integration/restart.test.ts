import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProcess } from '../helpers/local-process.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

/**
 * `npm start` killed with SIGKILL while it analyses an article (the summary
 * paid for, a translation on its way), then started again on the same data:
 * the article is finished at once, not after the dead process's lease (five
 * minutes), without paying for its summary again; and a second stack on the
 * same data folder is refused with one line that says what to change.
 */

let stub: StubServer;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  stub = await startStubOpenAI();
  dataDir = mkdtempSync(join(tmpdir(), 'precis-restart-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function start() {
  const stack = startLocalProcess({
    PRECIS_DATA_DIR: dataDir,
    OPENAI_BASE_URL: stub.baseURL,
    PRECIS_LLM_PROVIDER: 'openai',
    TARGET_LANGUAGES: 'fr',
  });
  stack.then((s) => children.push(s.child)).catch(() => undefined);
  return stack;
}

async function articleOf(stack: { api: string; apiKey: string }, key: string) {
  const headers = { 'x-api-key': stack.apiKey };
  const list = (await (await fetch(`${stack.api}/articles?key=${encodeURIComponent(key)}`, { headers })).json()) as {
    items: { id: string; status: string }[];
  };
  return list.items[0];
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe('a local stack killed mid-analysis', () => {
  it('finishes the article at once after a restart, and refuses a second stack on the same data', async () => {
    // The model answers the analysis, then never the first translation (the stack dies waiting), then normally.
    let translations = 0;
    stub.setOptions({
      profile: 'openai',
      route: (r) => (r.task === 'translation' && translations++ === 0 ? { kind: 'slow', delayMs: 600_000 } : undefined),
    });
    const first = await start();
    const s3 = new S3Client({
      endpoint: first.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'precis-articles',
        Key: 'incoming/kill.txt',
        Body: sample('kirkuk-checkpoints.txt'),
      }),
    );
    await until('the translation call', async () => translations > 0 || undefined, 90_000);
    expect((await articleOf(first, 'incoming/kill.txt'))?.status).toBe('ANALYZING');

    // A second stack on the same data folder is refused in one line.
    const second = await start().then(
      () => null,
      (error: Error) => error.message,
    );
    expect(second).toMatch(/data folder .* is in use by another precis stack .* PRECIS_DATA_DIR/);

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const restarted = await start();
    const done = await until(
      'DONE after the restart',
      async () => {
        const article = await articleOf(restarted, 'incoming/kill.txt');
        return article?.status === 'DONE' ? article : undefined;
      },
      120_000,
    );
    // Within 120 s (the wait above, for a busy machine), inside the dead process's lease of 300 s; the log line
    // below says the lease was ended at start rather than run out.
    expect(done.status).toBe('DONE');
    expect(restarted.output()).toContain('released 1 ANALYZING article(s) left by a stopped stack');
    // The analysis the dead stack paid for was kept and resumed from, not paid again.
    expect(stub.requests.filter((r) => r.task === 'article_analysis')).toHaveLength(1);
    expect(stub.requests.filter((r) => r.task === 'translation')).toHaveLength(2);
    restarted.child.kill('SIGTERM');
    await new Promise((r) => restarted.child.once('exit', r));
  }, 300_000);
});
