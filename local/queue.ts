import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type JournalEntry, QueueJournal, type StoredMessage } from './queue-journal.js';
import { DeliveryOrder, type Placed } from './queue-order.js';

export type QueuedMessage = StoredMessage;

export type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface LocalQueueOptions {
  name: string;
  /**
   * How long a failed (or unfinished) message stays invisible before it comes
   * back. Keep it above the consumer's lease on an article, as in AWS.
   */
  visibilityTimeoutMs: number;
  /** Receives before a message moves to the dead-letter list (SQS's maxReceiveCount). */
  maxReceives: number;
  batchSize: number;
  /** Batches handled at once (the function's concurrency): a number, or read before each receive. */
  concurrency: number | (() => number);
  /** The journal that keeps the queue's messages across restarts (JSON lines); in memory only when absent. */
  statePath?: string;
  pollIntervalMs?: number;
  onDeadLetter?: (message: QueuedMessage) => void;
  /** Epoch ms now; the system clock by default (tests pass their own). */
  clock?: () => number;
  /** The names a message's body is found by (`holds`), e.g. the S3 keys of an event. */
  keysOf?: (body: string) => readonly string[];
}

/** A live message, where it stands, and the keys it is found by. */
interface Held extends QueuedMessage, Placed {
  keys?: readonly string[];
}

/**
 * An in-process queue with the semantics of SQS with a redrive policy: a
 * message handed to the consumer is invisible until it succeeds or its
 * visibility timeout passes; one the consumer reports as failed comes back
 * after the timeout, and after `maxReceives` receives it moves to the
 * dead-letter list. The consumer gets real `SQSEvent`s and answers with
 * partial batch failures, as a Lambda event source mapping expects.
 *
 * Every operation is O(1) (O(log n) to bring a delayed message back): messages
 * are held by id, received in a DeliveryOrder, found by their keys through a
 * count per key, and the journal on disk takes one line per change.
 */
export class LocalQueue {
  private readonly messages = new Map<string, Held>();
  private readonly order = new DeliveryOrder<Held>();
  private readonly dead = new Map<string, QueuedMessage>();
  private readonly deadHiddenUntil = new Map<string, number>();
  private readonly keyCounts = new Map<string, number>();
  private inFlight = 0;
  /** Messages consumed successfully since the queue started. */
  private deleted = 0;
  private readonly running = new Set<Promise<void>>();
  private consumer: Consumer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly journal: QueueJournal | null;
  private readonly now: () => number;
  readonly arn: string;

  constructor(private readonly options: LocalQueueOptions) {
    this.now = options.clock ?? Date.now;
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.name}`;
    this.journal = options.statePath ? new QueueJournal(options.statePath) : null;
    if (this.journal) this.load(this.journal.state());
  }

  /** Adds a message; it is on disk before this returns, as SQS has it once SendMessage answers. */
  send(body: string, delayMs = 0): void {
    const now = this.now();
    const message: Held = {
      messageId: randomUUID(),
      body,
      receiveCount: 0,
      sentAt: now,
      firstReceivedAt: null,
      visibleAt: now + delayMs,
      // A delay asked for by the sender is kept across a restart, as a server's Retry-After is.
      ...(delayMs > 0 ? { delayed: true } : {}),
      state: 'waiting',
    };
    this.journal?.appendNow({ t: 'send', m: stored(message) });
    this.add(message);
    this.pump();
  }

  start(consumer: Consumer): void {
    this.consumer = consumer;
    this.timer = setInterval(() => this.pump(), this.options.pollIntervalMs ?? 100);
    this.timer.unref();
    this.pump();
  }

  /** Stops receiving, waits for the batches being handled, and leaves a compact journal. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.consumer = null;
    await Promise.allSettled([...this.running]);
    this.journal?.compact(this.snapshot());
    this.journal?.close();
  }

  /**
   * Sets when a received message comes back, from now (SQS's
   * ChangeMessageVisibility). Only the current receive's handle counts.
   */
  changeVisibility(receiptHandle: string, timeoutMs: number): void {
    const [messageId = '', receive] = receiptHandle.split('#');
    const message = this.messages.get(messageId);
    if (message?.state !== 'inFlight' || String(message.receiveCount) !== receive) return;
    message.visibleAt = this.now() + timeoutMs;
    message.delayed = true;
    this.journal?.append({ t: 'delay', id: messageId, visibleAt: message.visibleAt });
  }

  /**
   * Makes every message that waits out a visibility timeout or a delay (not
   * one in flight) visible now, as if its time had passed; returns how many.
   * Tests drive redeliveries with it instead of waiting on the clock.
   */
  expireVisibility(): number {
    const expired = this.order.expireAll(this.now());
    this.pump();
    return expired;
  }

  /** Whether a message waiting or in flight carries `key` (see `keysOf`). */
  holds(key: string): boolean {
    return this.keyCounts.has(key);
  }

  /** The messages waiting or in flight, with when each comes back (for inspection). */
  get pending(): readonly Pick<QueuedMessage, 'messageId' | 'body' | 'receiveCount' | 'visibleAt'>[] {
    return [...this.messages.values()].map(({ messageId, body, receiveCount, visibleAt }) => ({
      messageId,
      body,
      receiveCount,
      visibleAt,
    }));
  }

  get deadLetters(): readonly QueuedMessage[] {
    return [...this.dead.values()];
  }

  /**
   * Up to `max` dead-letter messages, each hidden from the next reads for
   * `hideMs` unless deleted: SQS's receive on the dead-letter queue.
   */
  receiveDead(max: number, hideMs = 30_000): { body: string; handle: string }[] {
    const now = this.now();
    const taken: { body: string; handle: string }[] = [];
    for (const m of this.dead.values()) {
      if (taken.length >= max) break;
      if ((this.deadHiddenUntil.get(m.messageId) ?? 0) > now) continue;
      this.deadHiddenUntil.set(m.messageId, now + hideMs);
      taken.push({ body: m.body, handle: m.messageId });
    }
    return taken;
  }

  deleteDead(handle: string): void {
    if (!this.dead.delete(handle)) return;
    this.deadHiddenUntil.delete(handle);
    this.journal?.append({ t: 'delete-dead', id: handle });
    this.compactIfWorthIt();
  }

  stats() {
    const visible = this.order.visible(this.now());
    return {
      visible,
      waiting: this.messages.size - visible - this.inFlight,
      inFlight: this.inFlight,
      dead: this.dead.size,
      deleted: this.deleted,
    };
  }

  private pump(): void {
    if (!this.consumer) return;
    const { concurrency } = this.options;
    while (this.running.size < (typeof concurrency === 'number' ? concurrency : concurrency())) {
      const now = this.now();
      const batch: Held[] = [];
      for (
        let m = this.order.next(now);
        m;
        m = batch.length < this.options.batchSize ? this.order.next(now) : undefined
      )
        batch.push(m);
      if (batch.length === 0) return;
      const task = this.deliver(batch, this.consumer).finally(() => {
        this.running.delete(task);
        this.pump();
      });
      this.running.add(task);
    }
  }

  private async deliver(batch: Held[], consumer: Consumer): Promise<void> {
    const now = this.now();
    for (const m of batch) {
      m.state = 'inFlight';
      this.inFlight++;
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.visibleAt = now + this.options.visibilityTimeoutMs;
      m.delayed = false;
      this.journal?.append({ t: 'receive', id: m.messageId, n: m.receiveCount, at: now, visibleAt: m.visibleAt });
    }
    let failed: Set<string>;
    let reason = 'reported as a batch item failure';
    try {
      const response = await consumer({ Records: batch.map((m) => this.record(m)) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      failed = new Set(batch.map((m) => m.messageId));
      reason = error instanceof Error ? error.message : String(error);
    }
    for (const m of batch) {
      this.inFlight--;
      if (!failed.has(m.messageId)) {
        this.remove(m);
        this.deleted++;
        this.journal?.append({ t: 'delete', id: m.messageId });
        continue;
      }
      m.lastError = reason;
      if (m.receiveCount >= this.options.maxReceives) {
        // SQS would move it at its next receive; nothing can change before then.
        this.remove(m);
        const { state: _state, keys: _keys, ...message } = m;
        this.dead.set(m.messageId, message);
        this.journal?.append({ t: 'dead', id: m.messageId, error: reason });
        this.options.onDeadLetter?.(message);
        continue;
      }
      m.state = 'waiting';
      this.add(m);
    }
    this.compactIfWorthIt();
  }

  private record(m: QueuedMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'LOCAL',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: 'us-east-1',
    };
  }

  /** Holds a new or returning message: visible now, or invisible until its time. */
  private add(m: Held): void {
    if (!this.messages.has(m.messageId)) {
      this.messages.set(m.messageId, m);
      m.keys = this.options.keysOf?.(m.body) ?? [];
      for (const key of m.keys) this.keyCounts.set(key, (this.keyCounts.get(key) ?? 0) + 1);
    }
    this.order.place(m, this.now());
  }

  private remove(m: Held): void {
    this.messages.delete(m.messageId);
    for (const key of m.keys ?? []) {
      const count = (this.keyCounts.get(key) ?? 1) - 1;
      if (count > 0) this.keyCounts.set(key, count);
      else this.keyCounts.delete(key);
    }
  }

  private compactIfWorthIt(): void {
    if (this.journal?.wantsCompaction(this.messages.size + this.dead.size)) this.journal.compact(this.snapshot());
  }

  /** The live state as journal entries. */
  private *snapshot(): Iterable<JournalEntry> {
    for (const m of this.messages.values()) yield { t: 'send', m: stored(m) };
    for (const m of this.dead.values()) yield { t: 'kept-dead', m: stored(m) };
  }

  /** Takes up the state a journal kept. */
  private load({ messages, dead }: { messages: StoredMessage[]; dead: StoredMessage[] }): void {
    // The process that received these messages is gone (one stack per data folder), so a message
    // it was handling, or waiting to retry, is visible again at once; one a server asked to delay
    // keeps its delay. The stack expires the dead process's leases on the articles too.
    const now = this.now();
    for (const m of messages) {
      this.add({ ...m, visibleAt: m.delayed ? m.visibleAt : Math.min(m.visibleAt, now), state: 'waiting' });
    }
    for (const m of dead) this.dead.set(m.messageId, m);
  }
}

/** What the journal keeps of a message. */
function stored(m: QueuedMessage): StoredMessage {
  const { messageId, body, receiveCount, sentAt, firstReceivedAt, visibleAt, lastError, delayed } = m;
  return { messageId, body, receiveCount, sentAt, firstReceivedAt, visibleAt, lastError, delayed };
}
