import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { OfflineEngine } from '../../shared/analysis/offline-engine.js';
import { articleIdFor, isTerminal } from '../../shared/article.js';
import { startTestStack } from '../helpers/stack.js';

const TEXT =
  'Schools reopen in Baquba\n\nThe provincial council said on Tuesday that 14 schools would reopen next month after repairs costing 3.2 billion dinars. ' +
  'Officials said the work had taken eleven months and employed 450 workers from the district. ' +
  'Parents welcomed the news but said buses were still needed for the villages outside the city.';

let stack: LocalStack;
let close: () => Promise<void>;

/** Until `ready` holds, checking every 50 ms; the limit only turns a hang into a failure, it decides no outcome. */
async function until(ready: () => boolean | Promise<boolean>, what: string, limitMs = 60_000) {
  const deadline = Date.now() + limitMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The ingest message for `key` has been received and failed this many times, and waits out its timeout. */
const failedTimes = (key: string, times: number) => () =>
  stack.queues.ingest.stats().inFlight === 0 &&
  stack.queues.ingest.pending.some((m) => m.body.includes(key) && m.receiveCount === times);

beforeAll(async () => {
  // Two receives before the dead-letter list; the sweep runs when the test says (and once at start); an upload
  // is old enough for it at once. The visibility timeouts stay the functions' own (a minute and more): the
  // test brings a failed message back itself.
  ({ stack, close } = await startTestStack(
    { PRECIS_MAX_RECEIVES: '2', PRECIS_SWEEP_INTERVAL_MS: '0', PRECIS_SWEEP_STALE_MS: '1' },
    { engine: new OfflineEngine() },
  ));
  await stack.sweep.run();
});

afterAll(async () => {
  await close?.();
});

describe('an upload whose ingest message dies while the table is down', () => {
  it('is cleaned and analysed after all: the sweep sends its dead-lettered message again', async () => {
    // Prepare: the table goes down; the upload's event fails its claim on every receive.
    const key = 'incoming/outage/baquba.txt';
    const id = articleIdFor(stack.bucket, key);
    await stack.emulators.dynamodb.pause();
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: TEXT }));
    await until(failedTimes(key, 1), 'the first failed receive');
    // The table is back for a sweep while the message still waits in the queue (the sweep leaves a queued
    // upload to its message), then down again for the last receive.
    await stack.emulators.dynamodb.resume();
    expect(await stack.sweep.run()).not.toBeNull();
    await stack.emulators.dynamodb.pause();
    stack.queues.ingest.expireVisibility();
    await until(() => stack.queues.ingest.deadLetters.some((m) => m.body.includes(key)), 'the dead letter');
    await stack.emulators.dynamodb.resume();
    expect(await stack.adapters.articles.get(id)).toBeUndefined();

    // Act
    const report = await stack.sweep.run();

    // Assess: the sweep sent it again, and it ends DONE; the dead message is gone.
    expect(report?.deadLettered).toEqual([id]);
    await until(async () => isTerminal((await stack.adapters.articles.get(id))?.status ?? 'RECEIVED'), 'the end');
    expect((await stack.adapters.articles.get(id))?.status).toBe('DONE');
    expect(stack.queues.ingest.deadLetters.some((m) => m.body.includes(key))).toBe(false);
  });
});
