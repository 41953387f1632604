import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ArticleListing } from '../article.js';
import type { ArticlePage, ListQuery, PendingPage, PendingQuery } from '../ports.js';
import type { CursorCodec } from './cursor.js';
import { keyOf, positionOf, toRecord } from './dynamo-expressions.js';
import { LIST_PARTITION, TABLE_SCHEMA } from './table.js';

/**
 * The article table's two queries: a page of the list (newest first, by
 * receipt or within a status, behind a sealed cursor), and the articles
 * waiting for something (the sweep's keys-only view).
 */

export async function listArticles(
  db: DynamoDBDocumentClient,
  tableName: string,
  cursors: CursorCodec,
  query: ListQuery,
): Promise<ArticlePage> {
  const index = query.status ? TABLE_SCHEMA.byStatus : TABLE_SCHEMA.byReceived;
  // Every ISO 8601 instant of this era sorts between the two defaults.
  const from = query.receivedFrom ?? '0';
  const before = query.receivedBefore ?? '\uffff';
  const ranged = query.receivedFrom !== undefined || query.receivedBefore !== undefined;
  // A cursor is good for the query that made it only.
  const scope = `${index.indexName}:${query.status ?? LIST_PARTITION}${ranged ? `:${from}:${before}` : ''}`;
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: index.indexName,
    KeyConditionExpression: ranged ? '#pk = :pk AND #sk BETWEEN :from AND :before' : '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey, ...(ranged ? { '#sk': index.sortKey } : {}) },
    ExpressionAttributeValues: {
      ':pk': query.status ?? LIST_PARTITION,
      ...(ranged ? { ':from': from, ':before': before } : {}),
    },
    ScanIndexForward: false,
    // One more than the page: a page that ends the list carries no cursor to an empty one.
    Limit: query.limit + 1,
    ExclusiveStartKey: query.cursor ? await cursors.decode(scope, query.cursor) : undefined,
  };
  const { Items = [], LastEvaluatedKey } = await db.send(new QueryCommand(input));
  const page = Items.slice(0, query.limit);
  const last = page.at(-1);
  // More follow when the extra item came back, or when DynamoDB stopped at its 1 MB cap before it.
  const next =
    Items.length > query.limit && last
      ? {
          [TABLE_SCHEMA.partitionKey]: last[TABLE_SCHEMA.partitionKey],
          [index.partitionKey]: last[index.partitionKey],
          [index.sortKey]: last[index.sortKey],
        }
      : LastEvaluatedKey;
  // BETWEEN takes both ends; the range's end is not in it.
  const items = page.filter((item) => !ranged || String(item.receivedAt) < before).map(toRecord<ArticleListing>);
  return { items, nextCursor: await cursors.encode(scope, next) };
}

export async function pendingArticles(
  db: DynamoDBDocumentClient,
  tableName: string,
  query: PendingQuery,
): Promise<PendingPage> {
  const index = TABLE_SCHEMA.byPending;
  const from = query.from ?? null;
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.indexName,
      KeyConditionExpression: from ? '#pk = :pk AND #sk BETWEEN :from AND :before' : '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': query.pending, ':before': query.before, ...(from ? { ':from': from } : {}) },
      ScanIndexForward: true,
      Limit: query.limit,
      ExclusiveStartKey: keyOf(query.after),
    }),
  );
  return {
    // BETWEEN takes both ends; the window's end is the next window's start.
    items: Items.filter((item) => String(item.updatedAt) < query.before).map((item) => ({
      id: String(item.id),
      updatedAt: String(item.updatedAt),
    })),
    next: positionOf(LastEvaluatedKey),
  };
}
