import { type ArticleRecord, isTerminal } from '../../shared/article.js';
import type {
  ArticleEvents,
  ArticleFinished,
  ArticleRepository,
  BlobStore,
  Pending,
  PendingPage,
  PendingQuery,
  SweepPosition,
  SweepState,
} from '../../shared/ports.js';

/**
 * The ports the sweep reads, in memory, each counting its calls as the
 * adapter would pay for them (a listing by the page of 1,000, an index
 * query by the page), and each call advancing a clock by what such a call
 * takes, so a test reads "time" without a wall clock.
 */

/** What one call costs in time, by kind (ms): a listing page, an index page, a read, a write, a send. */
export const CALL_MS = { list: 60, query: 8, get: 4, write: 6, send: 10 } as const;

export class Ledger {
  readonly calls = { list: 0, query: 0, get: 0, write: 0, send: 0 };
  private now: number;
  constructor(start: Date) {
    this.now = start.getTime();
  }
  charge(kind: keyof typeof CALL_MS): void {
    this.calls[kind]++;
    this.now += CALL_MS[kind];
  }
  /** The clock the use case is given: it moves only as calls are made. */
  readonly clock = () => new Date(this.now);
  advance(ms: number): void {
    this.now += ms;
  }
  /** Reads: listing pages, index pages and item reads. */
  get reads(): number {
    return this.calls.list + this.calls.query + this.calls.get;
  }
  reset(): { calls: Ledger['calls']; reads: number } {
    const snapshot = { calls: { ...this.calls }, reads: this.reads };
    for (const k of Object.keys(this.calls) as (keyof Ledger['calls'])[]) this.calls[k] = 0;
    return snapshot;
  }
}

type Upload = { key: string; size: number; etag: string | null; lastModified: Date };

/** Uploads by key, listed in key order a page of 1,000 at a time, as ListObjectsV2 does. */
export class MemoryBlobs implements BlobStore {
  private keys: string[] = [];
  private sorted = true;
  readonly objects = new Map<string, Upload>();
  constructor(private readonly ledger: Ledger) {}

  add(upload: Upload): void {
    if (!this.objects.has(upload.key)) {
      this.keys.push(upload.key);
      this.sorted = false;
    }
    this.objects.set(upload.key, upload);
  }

  private ordered(): string[] {
    if (!this.sorted) {
      // S3 orders keys by their UTF-8 bytes.
      this.keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      this.sorted = true;
    }
    return this.keys;
  }

  async *list(_bucket: string, prefix: string, options: { startAfter?: string } = {}) {
    const keys = this.ordered();
    let i = lowerBound(keys, options.startAfter ?? prefix, options.startAfter !== undefined);
    for (;;) {
      this.ledger.charge('list');
      const page: Upload[] = [];
      for (; i < keys.length && page.length < 1000; i++) {
        const key = keys[i] as string;
        if (!key.startsWith(prefix)) {
          if (key > prefix) break;
          continue;
        }
        page.push(this.objects.get(key) as Upload);
      }
      yield* page;
      if (page.length < 1000 || i >= keys.length || !(keys[i] as string).startsWith(prefix)) return;
    }
  }

  async get(): Promise<Uint8Array> {
    this.ledger.charge('get');
    return new Uint8Array();
  }

  async put(_bucket: string, key: string): Promise<void> {
    this.ledger.charge('write');
    this.add({ key, size: 1, etag: null, lastModified: this.ledger.clock() });
  }
}

/** The first index whose key is at or after `from` (after it, when `exclusive`). */
function lowerBound(keys: string[], from: string, exclusive: boolean): number {
  const target = Buffer.from(from);
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = Buffer.compare(Buffer.from(keys[mid] as string), target);
    if (c < 0 || (exclusive && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Article records with what each waits for, and the waiting index (only waiting ones, oldest change first). */
export class MemoryArticles {
  readonly records = new Map<string, { record: ArticleRecord; pending?: Pending }>();
  constructor(private readonly ledger: Ledger) {}

  put(record: ArticleRecord, pending?: Pending): void {
    this.records.set(record.id, { record: structuredClone(record), pending });
  }

  pendingOf(id: string): Pending | undefined {
    return this.records.get(id)?.pending;
  }

  readonly port: Pick<ArticleRepository, 'get' | 'pending' | 'markPublished'> = {
    get: async (id) => {
      this.ledger.charge('get');
      return structuredClone(this.records.get(id)?.record);
    },
    pending: async (query: PendingQuery): Promise<PendingPage> => {
      this.ledger.charge('query');
      const after = query.after ? (JSON.parse(query.after) as { updatedAt: string; id: string }) : null;
      const waiting = [...this.records.values()]
        .filter(
          (r) =>
            r.pending === query.pending &&
            r.record.updatedAt < query.before &&
            (!query.from || r.record.updatedAt >= query.from),
        )
        .map((r) => ({ id: r.record.id, updatedAt: r.record.updatedAt }))
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id))
        .filter((r) => !after || r.updatedAt > after.updatedAt || (r.updatedAt === after.updatedAt && r.id > after.id));
      const items = waiting.slice(0, query.limit);
      const last = items.at(-1);
      return { items, next: waiting.length > query.limit && last ? JSON.stringify(last) : null };
    },
    markPublished: async (id, finishedAt) => {
      this.ledger.charge('write');
      const entry = this.records.get(id);
      if (!entry || !isTerminal(entry.record.status) || entry.record.updatedAt !== finishedAt) return false;
      if (entry.pending !== 'EVENT' && entry.pending !== 'RETRY') return false;
      entry.pending = undefined;
      return true;
    },
  };
}

export class MemorySweepState implements SweepState {
  position: SweepPosition | null = null;
  constructor(private readonly ledger: Ledger) {}
  async load() {
    this.ledger.charge('get');
    return structuredClone(this.position);
  }
  async save(position: SweepPosition) {
    this.ledger.charge('write');
    this.position = structuredClone(position);
  }
}

/** Events as a bus takes them; `refuse` makes it refuse them, as a bus that is down. */
export class MemoryEvents implements ArticleEvents {
  readonly published: ArticleFinished[] = [];
  refuse = false;
  async finished(event: ArticleFinished): Promise<void> {
    if (this.refuse) throw new Error('the bus is down');
    this.published.push(event);
  }
}
