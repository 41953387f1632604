/**
 * The article table's key schema, shared by the repository, the local stack
 * (which creates the table in the emulator) and the CDK stack, so that the
 * three cannot drift apart.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'id',
  /** Newest first over all articles: one constant partition, sorted by receipt time. */
  byReceived: { indexName: 'byReceived', partitionKey: 'listPk', sortKey: 'receivedAt' },
  /** Newest first within one status. */
  byStatus: { indexName: 'byStatus', partitionKey: 'status', sortKey: 'receivedAt' },
} as const;

export const LIST_PARTITION = 'ARTICLE';
