import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalQueue, type QueuedMessage } from '../../../local/queue.js';

const queues: LocalQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
});

/** The queues' clock: it moves only when a test moves it, so no outcome hangs on the machine's pace. */
let now = 1_000_000;

function queue(options: Partial<ConstructorParameters<typeof LocalQueue>[0]> = {}) {
  const q = new LocalQueue({
    name: 'test',
    visibilityTimeoutMs: 60_000,
    maxReceives: 3,
    batchSize: 10,
    concurrency: 1,
    pollIntervalMs: 10,
    clock: () => now,
    ...options,
  });
  queues.push(q);
  return q;
}

/** Waits for the queue to get somewhere: a wait for progress, long enough for any slow spell. */
const until = async (check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Lets the queue poll a few times. */
const polls = (n = 5) => new Promise((r) => setTimeout(r, 10 * n));

describe('LocalQueue', () => {
  it('delivers SQS events and deletes the messages the consumer accepts', async () => {
    const seen: SQSEvent[] = [];
    const q = queue();
    q.send('one');
    q.send('two');
    q.start(async (event) => {
      seen.push(event);
      return { batchItemFailures: [] };
    });
    await until(() => q.stats().visible + q.stats().inFlight + q.stats().waiting === 0);
    const records = seen.flatMap((e) => e.Records);
    expect(records.map((r) => r.body).sort()).toEqual(['one', 'two']);
    expect(records[0]).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
  });

  it('brings a failed message back after the visibility timeout, up to the receive limit, then dead-letters it', async () => {
    const receives: { count: string; at: number }[] = [];
    const dead: QueuedMessage[] = [];
    const q = queue({ onDeadLetter: (m) => dead.push(m) });
    q.send('poison');
    q.start(async (event) => {
      for (const r of event.Records) receives.push({ count: r.attributes.ApproximateReceiveCount, at: now });
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await until(() => receives.length === 1 && q.stats().inFlight === 0);
    // Until its timeout has passed on the queue's clock, it stays away, however long the machine takes.
    await polls();
    expect(q.stats()).toMatchObject({ visible: 0, waiting: 1, inFlight: 0 });
    now += 59_999;
    await polls();
    expect(receives).toHaveLength(1);
    now += 1;
    await until(() => receives.length === 2 && q.stats().inFlight === 0);
    now += 60_000;
    await until(() => dead.length === 1);
    expect(receives.map((r) => r.count)).toEqual(['1', '2', '3']);
    expect(q.deadLetters.map((m) => m.body)).toEqual(['poison']);
  });

  it('brings the messages waiting out a timeout or a delay back at once when told their time has passed', async () => {
    // Prepare: one message failed once, one delayed by its sender, one in flight.
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const q = queue({ concurrency: 2, batchSize: 1 });
    q.send('failed');
    q.send('delayed', 120_000);
    q.start(async (event) => {
      const record = event.Records[0];
      seen.push(record?.body ?? '');
      if (record?.body === 'held') await new Promise<void>((r) => (release = r));
      const fail = record?.body === 'failed' && seen.length === 1;
      return { batchItemFailures: fail ? [{ itemIdentifier: record.messageId }] : [] };
    });
    await until(() => seen.length === 1 && q.stats().inFlight === 0);
    q.send('held');
    await until(() => seen.includes('held'));
    expect(q.stats()).toMatchObject({ waiting: 2, inFlight: 1 });

    // Act
    const expired = q.expireVisibility();

    // Assess: both waiting ones come back; the one in flight is not delivered twice.
    expect(expired).toBe(2);
    await until(() => seen.length === 4 && q.stats().inFlight === 1);
    expect(seen.sort()).toEqual(['delayed', 'failed', 'failed', 'held']);
    release();
    await until(() => q.stats().inFlight === 0);
    expect(q.stats()).toMatchObject({ visible: 0, waiting: 0, deleted: 3 });
  });

  it('fails the whole batch when the consumer throws, and keeps only the failed items otherwise', async () => {
    let calls = 0;
    const q = queue({ maxReceives: 2 });
    q.send('a');
    q.send('b');
    q.start(async (event) => {
      calls++;
      if (calls === 1) throw new Error('crash');
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'b').map((r) => ({ itemIdentifier: r.messageId })),
      };
    });
    await until(() => calls === 1 && q.stats().inFlight === 0);
    now += 60_000;
    await until(() => q.stats().dead === 1);
    expect(q.deadLetters.map((m) => [m.body, m.receiveCount])).toEqual([['b', 2]]);
  });

  it('finds a message by the keys its body carries, while it waits or is in flight', async () => {
    const q = queue({ keysOf: (body) => [body.split(':')[0] ?? ''] });
    q.send('incoming/a.txt:1');
    q.send('incoming/a.txt:2');
    expect(q.holds('incoming/a.txt')).toBe(true);
    expect(q.holds('incoming/b.txt')).toBe(false);
    let consumed = 0;
    q.start(async (event) => {
      consumed += event.Records.length;
      return { batchItemFailures: [] };
    });
    await until(() => consumed === 2 && q.stats().inFlight === 0);
    expect(q.holds('incoming/a.txt')).toBe(false);
  });
});

describe('LocalQueue on disk', () => {
  let dir: string;
  let statePath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'precis-queue-'));
    statePath = join(dir, 'q.jsonl');
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const consumeAll = (q: LocalQueue, seen: string[] = []) => {
    q.start(async (event) => {
      seen.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: [] };
    });
    return seen;
  };

  it('keeps its messages across a restart', async () => {
    const first = queue({ statePath });
    first.send('kept');
    await first.stop();
    const seen = consumeAll(queue({ statePath }));
    await until(() => seen.length === 1);
    expect(seen).toEqual(['kept']);
  });

  it('has a message on disk when send returns: a process killed then loses none', () => {
    // Prepare: sent, and never stopped (a kill -9 runs no code).
    const first = queue({ statePath });
    first.send('one');
    first.send('two', 120_000);

    // Act: another process reads the folder.
    const second = queue({ statePath });

    // Assess: both are there, the delayed one still delayed.
    expect(second.pending.map((m) => [m.body, m.visibleAt - now])).toEqual([
      ['one', 0],
      ['two', 120_000],
    ]);
  });

  it('after a kill, brings back at once what was in flight, and not what was consumed', async () => {
    const first = queue({ statePath, batchSize: 1 });
    first.send('consumed');
    first.send('in flight');
    let hold: () => void = () => undefined;
    const seen: string[] = [];
    first.start(async (event) => {
      const body = event.Records[0]?.body ?? '';
      seen.push(body);
      if (body === 'in flight') await new Promise<void>((r) => (hold = r));
      return { batchItemFailures: [] };
    });
    await until(() => seen.length === 2);
    // The receive and delete lines go out with the next turn of the event loop.
    await polls(1);

    const second = queue({ statePath });
    expect(second.pending.map((m) => [m.body, m.receiveCount, m.visibleAt <= now])).toEqual([['in flight', 1, true]]);
    hold();
  });

  it('keeps the dead-letter list, and forgets a dead letter deleted from it', async () => {
    const first = queue({ statePath, maxReceives: 1 });
    first.send('poison');
    first.send('also poison');
    first.start(async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }));
    await until(() => first.stats().dead === 2);
    const [handle] = first.receiveDead(1);
    first.deleteDead(handle?.handle ?? '');
    await polls(1);

    const second = queue({ statePath });
    expect(second.deadLetters.map((m) => [m.body, m.lastError])).toEqual([
      ['also poison', 'reported as a batch item failure'],
    ]);
  });

  it('stays a few times the size of what it holds, however many messages went through it', async () => {
    const q = queue({ statePath, batchSize: 10 });
    const seen = consumeAll(q);
    for (let i = 0; i < 3000; i++) q.send(`message ${i}`);
    await until(() => seen.length === 3000 && q.stats().inFlight === 0);
    q.send('last');
    await polls(1);
    const lines = readFileSync(statePath, 'utf8').split('\n').filter(Boolean).length;
    // 3001 sends, receives and deletes (9,000 lines) were compacted along the way.
    expect(lines).toBeLessThan(4096);
    await q.stop();
    expect(readFileSync(statePath, 'utf8').split('\n').filter(Boolean)).toHaveLength(0);
    expect(queue({ statePath }).pending).toEqual([]);
  });

  it('skips a line cut short by a kill, and reads the state an earlier version kept', () => {
    const legacy = join(dir, 'q.json');
    const message = { messageId: 'm1', body: 'old', receiveCount: 1, sentAt: 1, firstReceivedAt: 2, visibleAt: 3 };
    writeFileSync(
      legacy,
      JSON.stringify({ messages: [message], dead: [{ ...message, messageId: 'm2', body: 'dead' }] }),
    );
    const migrated = queue({ statePath });
    expect(migrated.pending.map((m) => m.body)).toEqual(['old']);
    expect(migrated.deadLetters.map((m) => m.body)).toEqual(['dead']);
    expect(existsSync(legacy)).toBe(false);

    appendFileSync(statePath, '{"t":"send","m":{"messageId":"m3","bo');
    expect(queue({ statePath }).pending.map((m) => m.body)).toEqual(['old']);
  });
});
