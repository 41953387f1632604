import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** A queue's message, as the journal keeps it. */
export interface StoredMessage {
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

/** One line of a queue's journal: what changed, in the order it changed. */
export type JournalEntry =
  /** Sent, or (in a compacted journal) still waiting. */
  | { t: 'send'; m: StoredMessage }
  /** Handed to the consumer: its receive count, and when it comes back unless deleted. */
  | { t: 'receive'; id: string; n: number; at: number; visibleAt: number }
  /** Its visibility set on purpose (a server's Retry-After). */
  | { t: 'delay'; id: string; visibleAt: number }
  /** Consumed. */
  | { t: 'delete'; id: string }
  /** Moved to the dead-letter list, with why its last delivery failed. */
  | { t: 'dead'; id: string; error: string }
  /** A dead letter (in a compacted journal). */
  | { t: 'kept-dead'; m: StoredMessage }
  /** Deleted from the dead-letter list. */
  | { t: 'delete-dead'; id: string };

/** Journal lines before a compaction is considered; below this, rewriting would cost more than it saves. */
const COMPACT_AFTER_LINES = 4096;

/**
 * A queue's state on disk as an append-only journal of JSON lines: each
 * operation appends one short line instead of rewriting every message, and
 * the file is rewritten from the live state only once it holds several times
 * more lines than messages (so each operation costs O(1), amortised).
 *
 * A line written with `appendNow` is in the file (the page cache) before the
 * call returns, so it survives the process being killed; `append` batches
 * lines until the end of the current turn of the event loop. A line cut
 * short by a kill is skipped when the journal is read.
 */
export class QueueJournal {
  private fd: number | null = null;
  private buffer: string[] = [];
  private flushing: NodeJS.Immediate | null = null;
  private lines = 0;

  /** Where an earlier version kept the queue's state as one JSON document (`x.json` beside `x.jsonl`). */
  private readonly legacy: string | null;

  constructor(private readonly path: string) {
    this.legacy = path.endsWith('.jsonl') ? path.slice(0, -1) : null;
  }

  /** The entries on disk, oldest first; a queue's state from an earlier version (one JSON document) is read too. */
  private read(): JournalEntry[] {
    if (this.legacy && !existsSync(this.path) && existsSync(this.legacy)) {
      const entries = this.readLegacy(this.legacy);
      this.compact(entries);
      return entries;
    }
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    const entries: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A line cut short by a kill: the operation it recorded did not return.
      }
    }
    this.lines = entries.length;
    return entries;
  }

  /** The messages and dead letters the journal holds, its lines replayed in order. */
  state(): { messages: StoredMessage[]; dead: StoredMessage[] } {
    const messages = new Map<string, StoredMessage>();
    const dead = new Map<string, StoredMessage>();
    for (const e of this.read()) {
      if (e.t === 'send') messages.set(e.m.messageId, { ...e.m });
      else if (e.t === 'kept-dead') dead.set(e.m.messageId, { ...e.m });
      else if (e.t === 'delete-dead') dead.delete(e.id);
      else {
        const m = messages.get(e.id);
        if (!m) continue;
        if (e.t === 'receive') {
          Object.assign(m, { receiveCount: e.n, visibleAt: e.visibleAt, delayed: false });
          m.firstReceivedAt ??= e.at;
        } else if (e.t === 'delay') Object.assign(m, { visibleAt: e.visibleAt, delayed: true });
        else if (e.t === 'delete') messages.delete(e.id);
        else if (e.t === 'dead') {
          messages.delete(e.id);
          dead.set(e.id, { ...m, lastError: e.error });
        }
      }
    }
    return { messages: [...messages.values()], dead: [...dead.values()] };
  }

  /** Appends a line with the next batch. */
  append(entry: JournalEntry): void {
    this.buffer.push(JSON.stringify(entry));
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Appends a line, and everything batched before it, before returning. */
  appendNow(entry: JournalEntry): void {
    this.buffer.push(JSON.stringify(entry));
    this.flush();
  }

  /** Writes the batched lines. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    if (this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.lines += this.buffer.length;
    this.buffer = [];
    writeSync(this.open(), text);
  }

  /** Whether the journal holds enough lines beyond the `live` entries it would keep to be worth rewriting. */
  wantsCompaction(live: number): boolean {
    return this.lines + this.buffer.length > Math.max(COMPACT_AFTER_LINES, 4 * live);
  }

  /** Replaces the journal by these entries (the live state), atomically. */
  compact(entries: Iterable<JournalEntry>): void {
    this.flush();
    this.close();
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    let lines = 0;
    try {
      let chunk: string[] = [];
      for (const entry of entries) {
        chunk.push(JSON.stringify(entry));
        lines++;
        if (chunk.length === 512) {
          writeSync(fd, `${chunk.join('\n')}\n`);
          chunk = [];
        }
      }
      if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    if (this.legacy) rmSync(this.legacy, { force: true });
    this.lines = lines;
  }

  /** Writes what is batched and closes the file; a later append opens it again. */
  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    return this.fd;
  }

  private readLegacy(path: string): JournalEntry[] {
    try {
      const state = JSON.parse(readFileSync(path, 'utf8')) as { messages?: StoredMessage[]; dead?: StoredMessage[] };
      return [
        ...(state.messages ?? []).map((m) => ({ t: 'send', m }) as const),
        ...(state.dead ?? []).map((m) => ({ t: 'kept-dead', m }) as const),
      ];
    } catch {
      return [];
    }
  }
}
