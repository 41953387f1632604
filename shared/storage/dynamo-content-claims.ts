import { DeleteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ContentClaims } from '../ports.js';

/**
 * Content claims in the article table, as items `content#<key>`: outside
 * every index (they have no index key), so no list or sweep sees them.
 */
export class DynamoContentClaims implements ContentClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The repository's conditional update: true when applied, false when its condition failed. */
    private readonly update: (what: string, input: Record<string, unknown>) => Promise<boolean>,
  ) {}

  async claim(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    return this.update('claim content', {
      Key: { id: `content#${key}` },
      UpdateExpression: 'SET holder = :holder, leaseUntil = :until',
      ConditionExpression: 'attribute_not_exists(id) OR holder = :holder OR leaseUntil < :now',
      ExpressionAttributeValues: { ':holder': holder, ':until': now.getTime() + leaseMs, ':now': now.getTime() },
    });
  }

  async release(key: string, holder: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: `content#${key}` },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch {
      // Released by its lease if not now.
    }
  }

  /** Ends every content claim (a scan: for the local stack at start, whose holders are all dead). */
  async releaseAllContentClaims(): Promise<number> {
    let released = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(id, :prefix)',
          ExpressionAttributeValues: { ':prefix': 'content#' },
          ProjectionExpression: 'id',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { id: item.id } }));
        released++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return released;
  }
}
