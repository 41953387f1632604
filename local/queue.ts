import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  firstReceivedAt: number | null;
  /** Epoch ms from which the message may be received. */
  visibleAt: number;
  /** Why the last delivery failed, for the dead-letter list. */
  lastError?: string;
  /** Its visibility was set on purpose (a server's Retry-After): a restart keeps it. */
  delayed?: boolean;
}

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
  /** Batches handled at once (the function's concurrency). */
  concurrency: number;
  /** Where the queue keeps its messages across restarts; in memory only when absent. */
  statePath?: string;
  pollIntervalMs?: number;
  onDeadLetter?: (message: QueuedMessage) => void;
  /** Epoch ms now; the system clock by default (tests pass their own). */
  clock?: () => number;
}

/**
 * An in-process queue with the semantics of SQS with a redrive policy: a
 * message handed to the consumer is invisible until it succeeds or its
 * visibility timeout passes; one the consumer reports as failed comes back
 * after the timeout, and after `maxReceives` receives it moves to the
 * dead-letter list. The consumer gets real `SQSEvent`s and answers with
 * partial batch failures, as a Lambda event source mapping expects.
 */
export class LocalQueue {
  private messages: QueuedMessage[] = [];
  private dead: QueuedMessage[] = [];
  private readonly deadHiddenUntil = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  /** Messages consumed successfully since the queue started. */
  private deleted = 0;
  private readonly running = new Set<Promise<void>>();
  private consumer: Consumer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  readonly arn: string;
  private readonly now: () => number;

  constructor(private readonly options: LocalQueueOptions) {
    this.now = options.clock ?? Date.now;
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.name}`;
    if (options.statePath) this.load(options.statePath);
  }

  /** Adds a message; it is on disk before this returns, as SQS has it once SendMessage answers. */
  send(body: string, delayMs = 0): void {
    const now = this.now();
    this.messages.push({
      messageId: randomUUID(),
      body,
      receiveCount: 0,
      sentAt: now,
      firstReceivedAt: null,
      visibleAt: now + delayMs,
    });
    this.save();
    this.pump();
  }

  start(consumer: Consumer): void {
    this.consumer = consumer;
    this.timer = setInterval(() => this.pump(), this.options.pollIntervalMs ?? 100);
    this.timer.unref();
    this.pump();
  }

  /** Stops receiving, waits for the batches being handled, and saves what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.consumer = null;
    await Promise.allSettled([...this.running]);
    this.save();
  }

  /**
   * Sets when a received message comes back, from now (SQS's
   * ChangeMessageVisibility). Only the current receive's handle counts.
   */
  changeVisibility(receiptHandle: string, timeoutMs: number): void {
    const [messageId, receive] = receiptHandle.split('#');
    const message = this.messages.find((m) => m.messageId === messageId && String(m.receiveCount) === receive);
    if (!message || !this.inFlight.has(message.messageId)) return;
    message.visibleAt = this.now() + timeoutMs;
    message.delayed = true;
    this.changed();
  }

  /**
   * Makes every message that waits out a visibility timeout or a delay (not
   * one in flight) visible now, as if its time had passed; returns how many.
   * Tests drive redeliveries with it instead of waiting on the clock.
   */
  expireVisibility(): number {
    const now = this.now();
    let expired = 0;
    for (const m of this.messages) {
      if (this.inFlight.has(m.messageId) || m.visibleAt <= now) continue;
      m.visibleAt = now;
      expired++;
    }
    if (expired > 0) {
      this.changed();
      this.pump();
    }
    return expired;
  }

  /** The messages waiting or in flight, with when each comes back (for inspection). */
  get pending(): readonly Pick<QueuedMessage, 'messageId' | 'body' | 'receiveCount' | 'visibleAt'>[] {
    return this.messages.map(({ messageId, body, receiveCount, visibleAt }) => ({
      messageId,
      body,
      receiveCount,
      visibleAt,
    }));
  }

  get deadLetters(): readonly QueuedMessage[] {
    return this.dead;
  }

  /**
   * Up to `max` dead-letter messages, each hidden from the next reads for
   * `hideMs` unless deleted: SQS's receive on the dead-letter queue.
   */
  receiveDead(max: number, hideMs = 30_000): { body: string; handle: string }[] {
    const now = this.now();
    const taken = this.dead.filter((m) => (this.deadHiddenUntil.get(m.messageId) ?? 0) <= now).slice(0, max);
    for (const m of taken) this.deadHiddenUntil.set(m.messageId, now + hideMs);
    return taken.map((m) => ({ body: m.body, handle: m.messageId }));
  }

  deleteDead(handle: string): void {
    this.dead = this.dead.filter((m) => m.messageId !== handle);
    this.deadHiddenUntil.delete(handle);
    this.save();
  }

  stats() {
    const now = this.now();
    return {
      visible: this.messages.filter((m) => !this.inFlight.has(m.messageId) && m.visibleAt <= now).length,
      waiting: this.messages.filter((m) => !this.inFlight.has(m.messageId) && m.visibleAt > now).length,
      inFlight: this.inFlight.size,
      dead: this.dead.length,
      deleted: this.deleted,
    };
  }

  private pump(): void {
    if (!this.consumer) return;
    while (this.running.size < this.options.concurrency) {
      const now = this.now();
      const batch = this.messages
        .filter((m) => !this.inFlight.has(m.messageId) && m.visibleAt <= now)
        .slice(0, this.options.batchSize);
      if (batch.length === 0) return;
      const task = this.deliver(batch, this.consumer).finally(() => {
        this.running.delete(task);
        this.pump();
      });
      this.running.add(task);
    }
  }

  private async deliver(batch: QueuedMessage[], consumer: Consumer): Promise<void> {
    const now = this.now();
    for (const m of batch) {
      this.inFlight.add(m.messageId);
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.visibleAt = now + this.options.visibilityTimeoutMs;
      m.delayed = false;
    }
    this.changed();
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
      this.inFlight.delete(m.messageId);
      if (!failed.has(m.messageId)) {
        this.messages = this.messages.filter((x) => x !== m);
        this.deleted++;
        continue;
      }
      m.lastError = reason;
      if (m.receiveCount >= this.options.maxReceives) {
        // SQS would move it at its next receive; nothing can change before then.
        this.messages = this.messages.filter((x) => x !== m);
        this.dead.push(m);
        this.options.onDeadLetter?.(m);
      }
    }
    this.changed();
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

  private changed(): void {
    if (!this.options.statePath || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, 50);
    this.saveTimer.unref();
  }

  private save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const path = this.options.statePath;
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ messages: this.messages, dead: this.dead }));
    renameSync(tmp, path);
  }

  private load(path: string): void {
    let state: { messages?: QueuedMessage[]; dead?: QueuedMessage[] };
    try {
      state = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return;
    }
    // The process that received these messages is gone (one stack per data folder), so a message
    // it was handling, or waiting to retry, is visible again at once; one a server asked to delay
    // keeps its delay. The stack expires the dead process's leases on the articles too.
    const now = this.now();
    this.messages = (state.messages ?? []).map((m) =>
      m.delayed ? m : { ...m, visibleAt: Math.min(m.visibleAt, now) },
    );
    this.dead = state.dead ?? [];
  }
}
