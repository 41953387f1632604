import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue, type QueuedMessage } from '../../../local/queue.js';

const queues: LocalQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
});

function queue(options: Partial<ConstructorParameters<typeof LocalQueue>[0]> = {}) {
  const q = new LocalQueue({
    name: 'test',
    visibilityTimeoutMs: 100,
    maxReceives: 3,
    batchSize: 10,
    concurrency: 1,
    pollIntervalMs: 10,
    ...options,
  });
  queues.push(q);
  return q;
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

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
      for (const r of event.Records) receives.push({ count: r.attributes.ApproximateReceiveCount, at: Date.now() });
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await until(() => dead.length === 1);
    expect(receives.map((r) => r.count)).toEqual(['1', '2', '3']);
    expect((receives[1]?.at ?? 0) - (receives[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
    expect(q.deadLetters.map((m) => m.body)).toEqual(['poison']);
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
    await until(() => q.stats().dead === 1);
    expect(q.deadLetters.map((m) => [m.body, m.receiveCount])).toEqual([['b', 2]]);
  });

  it('keeps its messages across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precis-queue-'));
    try {
      const statePath = join(dir, 'q.json');
      const first = queue({ statePath });
      first.send('kept');
      await first.stop();
      const seen: string[] = [];
      const second = queue({ statePath });
      second.start(async (event) => {
        seen.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      });
      await until(() => seen.length === 1);
      expect(seen).toEqual(['kept']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
