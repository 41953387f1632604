/**
 * The pool of cleaning workers, driven by stand-in workers that misbehave on
 * purpose (never answer, exhaust their heap, exit, never start), so that each
 * way a worker can die is shown without a document that takes minutes. The
 * real worker is driven by tests/integration/hostile.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ballastMb } from '../../lambdas/ingest/heap-ballast.js';
import { WorkerCleaner, type WorkerScript, youngGenerationMb } from '../../lambdas/ingest/worker-cleaner.js';
import type { PrecisError } from '../../shared/errors.js';
import type { CleanRequest } from '../../shared/ports.js';

/** A stand-in worker: ready at once, then `onJob` (source run with `job` and `post` in scope) for each job. */
const standIn = (onJob: string): WorkerScript => ({
  source: `
    const { parentPort } = require('node:worker_threads');
    const post = (message) => parentPort.postMessage(message);
    const held = [];
    parentPort.on('message', (job) => { ${onJob} });
    post({ type: 'ready' });
  `,
});
const ECHO = standIn(
  "post({ type: 'cleaned', id: job.id, article: { text: job.options.name + ':' + job.bytes.byteLength } });",
);

const pools: WorkerCleaner[] = [];
function pool(script: WorkerScript, heapMb = 64): WorkerCleaner {
  const cleaner = new WorkerCleaner({ workers: 1, heapMb, script, graceMs: 0 });
  pools.push(cleaner);
  return cleaner;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const request = (name: string, budgetMs = 60_000): CleanRequest => ({
  name,
  budgetMs,
  endBy: Date.now() + 10 * 60_000,
});
const bytes = (text: string) => new TextEncoder().encode(text);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the cleaning to fail');
    },
    (error: PrecisError) => ({ code: error.code, permanent: error.permanent, message: error.message }),
  );

describe('the cleaning workers', () => {
  it('clean one upload after another in one warm worker', async () => {
    // Prepare
    const cleaner = pool(ECHO);
    await cleaner.warm();
    // Act
    const results = [];
    for (const name of ['a.html', 'b.md', 'c.txt']) results.push(await cleaner.clean(bytes('hello'), request(name)));
    // Assess
    expect(results.map((r) => r.text)).toEqual(['a.html:5', 'b.md:5', 'c.txt:5']);
    expect(cleaner.started).toBe(1);
  });

  it('leave the caller’s bytes as they were, even a view on a buffer shared with others', async () => {
    // Prepare: a small Buffer, a view on Node's shared pool.
    const shared = Buffer.from('hello, world');
    const cleaner = pool(ECHO);
    // Act
    const result = await cleaner.clean(shared.subarray(0, 5), request('a.txt'));
    // Assess
    expect(result.text).toBe('a.txt:5');
    expect(shared.toString()).toBe('hello, world');
  });

  it('give a worker its ballast on top of the heap an upload has', async () => {
    // Prepare: a worker that answers with what it was told and the heap V8 gives it, MB.
    const cleaner = pool(
      standIn(`
        const { workerData } = require('node:worker_threads');
        const limit = require('node:v8').getHeapStatistics().heap_size_limit / 1024 / 1024;
        post({ type: 'cleaned', id: job.id, article: { text: JSON.stringify({ workerData, limit }) } });
      `),
    );
    // Act
    const told = JSON.parse((await cleaner.clean(bytes('x'), request('a.html'))).text);
    // Assess: 64 MB for the upload, 8 of ballast, 8 of young generation.
    expect(told.workerData).toEqual({ ballastMb: ballastMb(64) });
    expect(ballastMb(64)).toBe(8);
    expect(told.limit).toBeGreaterThanOrEqual(64 + ballastMb(64) + youngGenerationMb(64));
  });

  it('stop a worker that runs past its budget: STAGE_TIMEOUT, and the next upload gets a new worker', async () => {
    // Prepare: a worker that never answers the first job.
    const cleaner = pool(
      standIn(
        "if (job.options.name === 'hang.html') for (;;) {} post({ type: 'cleaned', id: job.id, article: { text: 'ok' } });",
      ),
    );
    // Act
    const hung = await failure(cleaner.clean(bytes('x'), request('hang.html', 50)));
    const next = await cleaner.clean(bytes('x'), request('next.html'));
    // Assess
    expect(hung).toMatchObject({ code: 'STAGE_TIMEOUT', permanent: true });
    expect(hung.message).toMatch(/budget of 50 ms; its worker was stopped/);
    expect(next.text).toBe('ok');
    expect(cleaner.started).toBe(2);
  });

  it('stop a worker past its heap cap: TOO_COMPLEX, and the process lives on', async () => {
    // Prepare
    const cleaner = pool(standIn('for (;;) held.push(new Array(100_000).fill(Math.random()));'), 16);
    // Act
    const result = await failure(cleaner.clean(bytes('x'), request('bomb.md')));
    // Assess
    expect(result).toMatchObject({ code: 'TOO_COMPLEX', permanent: true });
    expect(result.message).toMatch(/more than the 16 MB of memory/);
  });

  it('take a worker that dies on an upload for the upload’s doing: TOO_COMPLEX', async () => {
    const cleaner = pool(standIn('process.exit(3);'));
    expect(await failure(cleaner.clean(bytes('x'), request('crash.json')))).toMatchObject({
      code: 'TOO_COMPLEX',
      permanent: true,
      message: expect.stringMatching(/stopped \(exit code 3\)/),
    });
  });

  it('bring back, not fail, an upload whose worker never started: no upload made it fail', async () => {
    const cleaner = pool({ source: "throw new Error('missing module');" });
    expect(await failure(cleaner.clean(bytes('x'), request('a.html')))).toMatchObject({
      code: 'INTERNAL_ERROR',
      permanent: false,
    });
  });

  it('bring back an upload that waited behind another until its delivery’s time was gone', async () => {
    // Prepare: the first job holds the only worker past the second's end.
    const cleaner = pool(
      standIn(
        "if (job.options.name === 'slow.html') { const end = Date.now() + 300; while (Date.now() < end) {} } post({ type: 'cleaned', id: job.id, article: { text: job.options.name } });",
      ),
    );
    await cleaner.warm();
    // Act
    const slow = cleaner.clean(bytes('x'), request('slow.html'));
    const starved = await failure(
      cleaner.clean(bytes('x'), { name: 'late.html', budgetMs: 60_000, endBy: Date.now() }),
    );
    // Assess
    expect(starved).toMatchObject({ code: 'STAGE_TIMEOUT', permanent: false });
    expect((await slow).text).toBe('slow.html');
  });

  it('report a known failure in the worker with its code, and keep the worker', async () => {
    const cleaner = pool(
      standIn(
        "post({ type: 'failed', id: job.id, error: { code: 'NO_ARTICLE_TEXT', message: 'No article text.', permanent: true } });",
      ),
    );
    expect(await failure(cleaner.clean(bytes('x'), request('menu.html')))).toEqual({
      code: 'NO_ARTICLE_TEXT',
      permanent: true,
      message: 'No article text.',
    });
    await failure(cleaner.clean(bytes('x'), request('menu.html')));
    expect(cleaner.started).toBe(1);
  });
});
