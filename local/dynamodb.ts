import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import dynalite from 'dynalite';
import { closeNow, listen } from './listen.js';

/** require as dynalite's own modules resolve it: its files (`./db`, `./validations`) and its dependencies. */
const dynaliteRequire = createRequire(createRequire(import.meta.url).resolve('dynalite'));

/**
 * dynalite reads a query or a scan through a stream over a LevelDB iterator,
 * and closes the iterator when the stream ends or is cut short by calling
 * its `return()`, which the iterators of abstract-level 3 (dynalite 4's
 * `level`) do not have: every query left its iterator open. An open iterator
 * stays in the database's list of resources, with what it had read ahead,
 * and holds the LevelDB state of its moment (memtables, table files) from
 * being freed, so the emulator's memory grew with every query and write (by
 * some 260 MB in 3,000 writes and 1,800 queries, flat with this). Given
 * `return()`, the stream closes its iterator.
 */
function closeIteratorsOnReturn(): void {
  const { AbstractValueIterator } = createRequire(dynaliteRequire.resolve('level'))('abstract-level') as {
    AbstractValueIterator: { prototype: object };
  };
  // The base of abstract-level's iterators (entries, keys, values).
  const common = Object.getPrototypeOf(AbstractValueIterator.prototype) as {
    return?: () => Promise<void>;
    close(): Promise<void>;
  };
  common.return ??= function (this: { close(): Promise<void> }) {
    return this.close();
  };
}
closeIteratorsOnReturn();

/**
 * Gives each store dynalite makes (its LevelDB and what reads and writes it) `patch`, and again each time
 * the store is made anew: dynalite closes its LevelDB with its server, and opens it again when the server
 * listens again (an outage's end), replacing every part of the store with a new one.
 */
function onEachStore<S extends { recreate(): void }>(patch: (store: S) => void): void {
  const db = dynaliteRequire('./db') as { create: (options: unknown) => S };
  const patched = (store: S) => {
    patch(store);
    const recreate = store.recreate;
    store.recreate = () => {
      recreate.call(store);
      patched(store);
    };
  };
  const create = db.create;
  db.create = (options) => {
    const store = create(options);
    patched(store);
    return store;
  };
}

type Callback = (error: Error | null, value?: unknown) => void;
interface TableStore {
  recreate(): void;
  tableDb: {
    put(key: string, value: unknown, callback: Callback): void;
    del(key: string, callback: Callback): void;
    batch(operations: unknown[], callback: Callback): void;
  };
  getTable(name: string, checkStatus: boolean | Callback, callback?: Callback): void;
}

/**
 * dynalite reads a table's description from LevelDB (a trip through the
 * thread pool and a JSON parse) at the start of every item request: a tenth
 * of its thread's work, and one more wait in each request's path. Here the
 * descriptions that item requests read (those that check the table's status)
 * are kept in memory once read, and forgotten at every write of a description
 * (create, update, delete table); a read that a write overtook is not kept.
 * Only item requests share the kept object, and they only read it: the table
 * requests, which change theirs before writing it, read their own as before.
 */
function keepTableDescriptions(): void {
  onEachStore<TableStore>((store) => {
    const kept = new Map<string, unknown>();
    let writes = 0;
    const { tableDb } = store;
    const forget =
      <A extends unknown[]>(write: (...args: [...A, Callback]) => void) =>
      (...args: [...A, Callback]) => {
        writes++;
        kept.clear();
        const callback = args.pop() as Callback;
        write.call(tableDb, ...(args as unknown as A), (error: Error | null, value?: unknown) => {
          writes++;
          kept.clear();
          callback(error, value);
        });
      };
    tableDb.put = forget(tableDb.put);
    tableDb.del = forget(tableDb.del);
    tableDb.batch = forget(tableDb.batch);
    const getTable = store.getTable;
    store.getTable = (name, checkStatus, callback) => {
      const done = (typeof checkStatus === 'function' ? checkStatus : callback) as Callback;
      // As dynalite reads it: a callback in second place means the status is checked.
      const checked = typeof checkStatus === 'function' || checkStatus;
      if (!checked) return getTable.call(store, name, false, done);
      const table = kept.get(name);
      if (table) return queueMicrotask(() => done(null, table));
      const before = writes;
      getTable.call(store, name, true, (error, found) => {
        if (!error && found && writes === before) kept.set(name, found);
        done(error, found);
      });
    };
  });
}
keepTableDescriptions();

/** An attribute value as dynalite holds it (the wire's shape). */
interface WireValue {
  S?: string;
  SS?: string[];
  M?: Record<string, WireValue>;
  L?: WireValue[];
}

/** How many more bytes a string takes in UTF-8 than it has UTF-16 code units. */
const utf8Excess = (text: string) => Buffer.byteLength(text, 'utf8') - text.length;

/** The UTF-8 excess of an item's (or a map's) names and of every string in its values, nested ones too. */
function itemUtf8Excess(item: Record<string, WireValue>): number {
  let excess = 0;
  for (const [name, value] of Object.entries(item)) excess += utf8Excess(name) + valueUtf8Excess(value);
  return excess;
}

function valueUtf8Excess(value: WireValue): number {
  if (typeof value.S === 'string') return utf8Excess(value.S);
  if (value.SS) return value.SS.reduce((sum, text) => sum + utf8Excess(text), 0);
  if (value.M) return itemUtf8Excess(value.M);
  if (value.L) return value.L.reduce((sum, element) => sum + valueUtf8Excess(element), 0);
  return 0;
}

/**
 * DynamoDB counts an item's size in UTF-8 bytes (its attribute names and
 * strings), and refuses a write past 400 KB. dynalite counts their UTF-16
 * code units, so a record in Arabic or Cyrillic could pass locally at up to
 * twice the size AWS refuses. Asked with the item alone (the 400 KB check
 * of PutItem, UpdateItem and BatchWriteItem, and BatchGetItem's 16 MB of
 * answer), its item size now adds what UTF-8 takes beyond that; its other
 * uses (capacity units, the 1 MB of a query's page) count as before.
 */
function measureItemsInBytes(): void {
  const db = dynaliteRequire('./db') as { itemSize: (item: Record<string, WireValue>, ...rest: unknown[]) => number };
  const itemSize = db.itemSize;
  db.itemSize = (item, ...rest) =>
    rest.length === 0 ? itemSize(item) + itemUtf8Excess(item) : itemSize(item, ...rest);
}
measureItemsInBytes();

/** A copy of a parsed expression, each object with its own prototype (the parsers make some with none). */
function copied<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copied) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = copied((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** What dynalite's validateExpressions leaves on a request: the parsed expressions (or none), and its message. */
const PARSED = ['_updates', '_condition', '_keyCondition', '_filter', '_projection'] as const;
type Expressions = Record<string, unknown> & Partial<Record<(typeof PARSED)[number], unknown>>;
/** Whether every expression attribute value is a scalar or a set: a request small enough to be kept. */
function repeatable(values: unknown): boolean {
  if (values === undefined || values === null) return true;
  if (typeof values !== 'object') return false;
  for (const value of Object.values(values)) {
    if (value === null || typeof value !== 'object') return false;
    if ('M' in value || 'L' in value) return false;
  }
  return true;
}

/** Expressions kept at most: a burst's requests repeat a few dozen shapes. */
const KEPT_EXPRESSIONS = 512;

/**
 * dynalite parses a request's expressions (update, condition, key
 * condition, filter, projection) with PEG parsers at every request, with
 * its attribute names and values: a fifth of its thread's work under the
 * uploads' burst. An article's sketch bands are sixteen UpdateItems with the
 * very same expressions, names and values, on sixteen keys. Here the
 * outcome of the validation (its message, or the parsed expressions) is
 * kept by everything it reads, for requests whose values are scalars or
 * sets, and a request that repeats them all gets a copy of the kept parse
 * (the actions change some in place, as a query turns `:v = id` around):
 * the same answers and errors as parsing again. Only the exact same text,
 * names and values share a parse.
 */
function keepParsedExpressions(): void {
  const validations = dynaliteRequire('./validations') as {
    validateExpressions: (data: Expressions) => string | undefined;
  };
  const validate = validations.validateExpressions;
  const kept = new Map<string, { message: string | undefined; parsed: Partial<Expressions> }>();
  validations.validateExpressions = (data) => {
    // A request that carries a map or a list (an article's summary, claims, translations) is one of a kind:
    // keeping it would cost a copy of all it carries, for no later request to take.
    if (!repeatable(data.ExpressionAttributeValues)) return validate(data);
    const key = JSON.stringify([
      data.UpdateExpression,
      data.ConditionExpression,
      data.KeyConditionExpression,
      data.FilterExpression,
      data.ProjectionExpression,
      data.ExpressionAttributeNames,
      data.ExpressionAttributeValues,
    ]);
    const found = kept.get(key);
    if (found) {
      for (const name of PARSED) if (name in found.parsed) data[name] = copied(found.parsed[name]);
      return found.message;
    }
    const message = validate(data);
    const parsed: Partial<Expressions> = {};
    for (const name of PARSED) if (data[name] !== undefined) parsed[name] = copied(data[name]);
    if (kept.size >= KEPT_EXPRESSIONS) kept.delete(kept.keys().next().value as string);
    kept.set(key, { message, parsed });
    return message;
  };
}
keepParsedExpressions();

type Row = { type: 'put'; key: string; value: string; valueEncoding: 'utf8' } | { type: 'del'; key: string };
interface ItemDb {
  get(key: string, callback: Callback): void;
  put(key: string, value: unknown, callback: Callback): void;
  del(key: string, callback: Callback): void;
  batch(operations: unknown[], callback: Callback): void;
}
interface IndexDefinition {
  IndexName: string;
  KeySchema: { AttributeName: string }[];
  Projection: { ProjectionType?: string };
}
interface KeyedTable {
  TableName: string;
  LocalSecondaryIndexes?: IndexDefinition[];
  GlobalSecondaryIndexes?: IndexDefinition[];
}
interface IndexActions {
  puts: { index: string; key: string; item: Record<string, unknown> }[];
  deletes: { index: string; key: string }[];
}
type IndexDb = Pick<ItemDb, 'put' | 'del' | 'batch'>;
interface ItemStore {
  db: { batch(operations: Row[], callback: Callback): void };
  recreate(): void;
  lifecycleManager?: { getState(): string };
  getItemDb(table: string): ItemDb;
  getIndexDb(type: string, table: string, index: string): IndexDb;
  deleteItemDb(table: string, callback: Callback): void;
}

/** The characters of item text kept in memory at most (8 to 16 MB): a few hundred articles. */
const KEPT_ITEM_CHARS = 8 * 1024 * 1024;

/**
 * dynalite writes an item as one LevelDB request for each of its index
 * entries, deleted or written, and one more for the item, each a trip
 * through the thread pool (an article's update: four), and reads the item
 * from LevelDB before each write, though the item most often read is one
 * this thread has just written (an article, read again at each of its ten
 * updates). Here:
 *
 * - an item's index entries and the item are written in one LevelDB batch:
 *   one trip, and all or none of them, where a kill could leave index
 *   entries without their item (the stack still repairs indexes a stack of
 *   before left);
 * - the text of each item written is kept in memory (the last 8 M
 *   characters' worth), and a read of it parses that text, as LevelDB's
 *   JSON encoding parses what it read: the same item, without the trip. A
 *   text is kept once its write is done (until then a read answers what
 *   LevelDB holds), dropped when its item is deleted or its table is, and
 *   not kept from reads (one could race a write).
 *
 * The item's text is made once, for both: LevelDB takes it as written.
 *
 * - an index entry the write leaves as it was (the same key, the same
 *   projected fields) is not written again, as DynamoDB writes to an index
 *   only what a write changes there (an article's start of cleaning, its
 *   release, its event's publication). dynalite put every entry at each
 *   write. An entry is made from its item alone, and an item whose text is
 *   kept was last written here, in one batch with its entries, under the
 *   lock of its key that this write holds too: each of its entries is in
 *   LevelDB as its item makes it. An item read from LevelDB (written before
 *   this store opened, or no longer kept) has all its entries written, as
 *   before: a data folder a stack of before left may hold entries that lie
 *   (local/dynamo-repair.ts rewrites such items whole). Index entries
 *   written by anything else than this batch make every kept item so.
 */
/**
 * Whether the entry `entry` (written `value`) that an item's write puts in
 * `index` is the one the item as it stood (`standing`) has there: the same
 * key (the item had the index's keys, and getIndexActions deleted no old
 * entry, which it does when the key moves) and the same projected fields.
 */
function unchanged(
  indexes: IndexDefinition[],
  name: string,
  deletes: IndexActions['deletes'],
  standing: Record<string, unknown>,
  entry: Record<string, unknown>,
  value: string,
): boolean {
  const index = indexes.find((i) => i.IndexName === name);
  if (!index || deletes.some((d) => d.index === name)) return false;
  if (!index.KeySchema.every((key) => standing[key.AttributeName] != null)) return false;
  // An entry of all the item's fields is the whole item; one of some (KEYS_ONLY, INCLUDE) has each projected
  // field named, present or not, in the same order.
  if (index.Projection.ProjectionType === 'ALL') return JSON.stringify(standing) === value;
  for (const field of Object.keys(entry)) {
    if (JSON.stringify(standing[field]) !== JSON.stringify(entry[field])) return false;
  }
  return true;
}

function writeItemsInOneBatch(): void {
  const db = dynaliteRequire('./db') as {
    createKey: (item: unknown, table: KeyedTable) => string;
    getIndexActions: (indexes: unknown[], existing: unknown, item: unknown, table: KeyedTable) => IndexActions;
    updateIndexes: (store: ItemStore, table: KeyedTable, existing: unknown, item: unknown, callback: Callback) => void;
  };
  /** Each store's index entries waiting for their item's write, by the item's LevelDB key, and its kept items. */
  const waiting = new WeakMap<ItemStore, { pending: Map<string, Row[]>; whole: (key: string) => boolean }>();
  const updateIndexes = db.updateIndexes;
  db.updateIndexes = (store, table, existing, item, callback) => {
    const batching = waiting.get(store);
    if (!batching) return updateIndexes(store, table, existing, item, callback);
    if (!existing && !item) return callback(null);
    const { pending, whole } = batching;
    const key = `item-${table.TableName}~${db.createKey(item ?? existing, table)}`;
    // The entries the item as it stands has in LevelDB, known only when this store wrote it (see above).
    const standing = existing && item && whole(key) ? (existing as Record<string, unknown>) : null;
    const deletes: Row[] = [];
    const puts: Row[] = [];
    for (const type of ['Local', 'Global'] as const) {
      const indexes = table[`${type}SecondaryIndexes`] ?? [];
      if (indexes.length === 0) continue;
      const prefix = (index: string) => `index-${type.toLowerCase()}~${table.TableName}~${index}~`;
      const actions = db.getIndexActions(indexes, existing, item, table);
      for (const { index, key: at } of actions.deletes) deletes.push({ type: 'del', key: prefix(index) + at });
      for (const { index, key: at, item: entry } of actions.puts) {
        const value = JSON.stringify(entry);
        if (standing && unchanged(indexes, index, actions.deletes, standing, entry, value)) continue;
        puts.push({ type: 'put', key: prefix(index) + at, value, valueEncoding: 'utf8' });
      }
    }
    // dynalite deletes an index's old entries before it writes the new ones.
    if (deletes.length + puts.length > 0) pending.set(key, [...deletes, ...puts]);
    else pending.delete(key);
    callback(null);
  };

  /** Gives a store (again, when dynalite makes it anew as its server listens again) the batched writes and the kept items. */
  const patch = (store: ItemStore) => {
    const pending = new Map<string, Row[]>();
    const kept = new Map<string, string>();
    waiting.set(store, { pending, whole: (key) => kept.has(key) });
    let keptChars = 0;
    const forget = (key: string) => {
      const text = kept.get(key);
      if (text === undefined) return;
      kept.delete(key);
      keptChars -= text.length;
    };
    const forgetAll = () => {
      kept.clear();
      keptChars = 0;
    };
    const keep = (key: string, text: string) => {
      forget(key);
      if (text.length > KEPT_ITEM_CHARS / 4) return;
      kept.set(key, text);
      keptChars += text.length;
      for (const [oldest] of kept) {
        if (keptChars <= KEPT_ITEM_CHARS) break;
        forget(oldest);
      }
    };
    const { db: level, lifecycleManager } = store;
    /** Writes an item's row with its index entries waiting (all in one batch), and keeps its text once written. */
    const write = (key: string, row: Row, callback: Callback) => {
      const rows = pending.get(key);
      pending.delete(key);
      forget(key);
      level.batch(rows ? [...rows, row] : [row], (error) => {
        if (!error && row.type === 'put') keep(key, row.value);
        callback(error);
      });
    };
    const patched = new WeakSet<ItemDb>();
    const getItemDb = store.getItemDb;
    store.getItemDb = (table) => {
      const itemDb = getItemDb.call(store, table);
      if (patched.has(itemDb)) return itemDb;
      patched.add(itemDb);
      const prefix = `item-${table}~`;
      const { get, batch } = itemDb;
      itemDb.put = (key, value, callback) =>
        write(
          prefix + key,
          { type: 'put', key: prefix + key, value: JSON.stringify(value), valueEncoding: 'utf8' },
          callback,
        );
      itemDb.del = (key, callback) => write(prefix + key, { type: 'del', key: prefix + key }, callback);
      itemDb.get = (key, callback) => {
        const text = lifecycleManager?.getState() === 'closed' ? undefined : kept.get(prefix + key);
        if (text === undefined) return get.call(itemDb, key, callback);
        // The most recently read are the last to go.
        kept.delete(prefix + key);
        kept.set(prefix + key, text);
        const item: unknown = JSON.parse(text);
        queueMicrotask(() => callback(null, item));
      };
      // dynalite writes an item table in batches only to empty it, with its table.
      itemDb.batch = (operations, callback) => {
        forgetAll();
        batch.call(itemDb, operations, (error, value) => {
          forgetAll();
          callback(error, value);
        });
      };
      return itemDb;
    };
    // Index entries written apart from their item's batch (nothing of dynalite's once patched; a test that stages
    // the emulator of before does): no kept item vouches for its entries any longer.
    const indexDbs = new WeakSet<IndexDb>();
    const getIndexDb = store.getIndexDb;
    store.getIndexDb = (type, table, index) => {
      const indexDb = getIndexDb.call(store, type, table, index);
      if (indexDbs.has(indexDb)) return indexDb;
      indexDbs.add(indexDb);
      for (const name of ['put', 'del', 'batch'] as const) {
        const write = indexDb[name] as (...args: unknown[]) => void;
        indexDb[name] = ((...args: unknown[]) => {
          forgetAll();
          write.apply(indexDb, args);
        }) as never;
      }
      return indexDb;
    };
    const deleteItemDb = store.deleteItemDb;
    store.deleteItemDb = (table, callback) => {
      forgetAll();
      deleteItemDb.call(store, table, (error, value) => {
        forgetAll();
        callback(error, value);
      });
    };
  };
  onEachStore(patch);
}
writeItemsInOneBatch();

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The dynalite of each folder this thread started: started again (an outage's
 * end), it listens again with the database it has open. A second dynalite on
 * the folder would open its LevelDB again while the first still holds it.
 */
const running = new Map<string, Server>();

/** dynalite on loopback, persisted in `directory` (LevelDB). The local stack runs it in a worker thread of its own. */
export async function startDynamo(options: { port: number; directory: string }): Promise<LocalDynamo> {
  const server: Server =
    running.get(options.directory) ??
    dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  running.set(options.directory, server);
  const port = await listen(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // Kept-alive connections closed too: a close that waited for them would wait as long as clients keep sending
    // (an outage would not be one), and stopping would hang.
    close: () => closeNow(server),
  };
}
