import { LISTING_FIELDS } from '../article.js';

/**
 * The article table's key schema and indexes, shared by the repository, the
 * local stack (which creates the table in the emulator) and the CDK stack,
 * so that the three cannot drift apart. Each index projects what its query
 * reads and nothing more: a list page reads the listing fields, the sweep
 * reads keys. A write copies to an index only what it projects, so a change
 * to an article's summary or claims costs the index nothing.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'id',
  /** Newest first over all articles: one constant partition, sorted by receipt time. */
  byReceived: {
    indexName: 'listByReceived',
    partitionKey: 'listPk',
    sortKey: 'receivedAt',
    projection: LISTING_FIELDS,
  },
  /** Newest first within one status. */
  byStatus: {
    indexName: 'listByStatus',
    partitionKey: 'status',
    sortKey: 'receivedAt',
    projection: LISTING_FIELDS,
  },
  /**
   * Articles waiting for something, oldest change first: `pending` (see
   * Pending in ports.ts) is set only while an article waits for a message or
   * for its event to be published, so the index holds what is in flight,
   * never the history. Keys only: the sweep reads ids.
   */
  byPending: {
    indexName: 'pendingByUpdated',
    partitionKey: 'pending',
    sortKey: 'updatedAt',
    projection: 'KEYS_ONLY',
  },
  /** Epoch seconds after which DynamoDB deletes a finished article, when a record retention is set. */
  ttlAttribute: 'expiresAt',
} as const;

/** The TTL attribute's value `days` from `now` (epoch seconds), or none when `days` is 0 (kept). */
export function expiryAfter(now: Date, days: number): number | undefined {
  return days > 0 ? Math.floor(now.getTime() / 1000) + days * 86_400 : undefined;
}

export type TableIndex = (typeof TABLE_SCHEMA)['byReceived' | 'byStatus' | 'byPending'];

export const TABLE_INDEXES: readonly TableIndex[] = [
  TABLE_SCHEMA.byReceived,
  TABLE_SCHEMA.byStatus,
  TABLE_SCHEMA.byPending,
];

/** The attributes an index copies besides the table's and its own keys (INCLUDE), or null for KEYS_ONLY. */
export function nonKeyAttributes(index: TableIndex): string[] | null {
  if (index.projection === 'KEYS_ONLY') return null;
  const keys = new Set<string>([TABLE_SCHEMA.partitionKey, index.partitionKey, index.sortKey]);
  return index.projection.filter((name) => !keys.has(name));
}

export const LIST_PARTITION = 'ARTICLE';

/** The item the sweep keeps where it stopped (outside every index: it has no index key). */
export const SWEEP_STATE_ID = 'sweep#state';
