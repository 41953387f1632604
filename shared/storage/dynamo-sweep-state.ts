import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SweepPosition, SweepState } from '../ports.js';
import { tableError } from './dynamo-errors.js';
import { SWEEP_STATE_ID } from './table.js';

/**
 * Where the sweep stopped, as one item of the article table (`sweep#state`,
 * outside every index). Two runs at once would each save their own: the
 * later one wins, and the other's work is only looked at again.
 */
export class DynamoSweepState implements SweepState {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(): Promise<SweepPosition | null> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { id: SWEEP_STATE_ID }, ConsistentRead: true }),
      );
      return (Item?.position as SweepPosition | undefined) ?? null;
    } catch (error) {
      throw tableError('read where the sweep stopped', error);
    }
  }

  async save(position: SweepPosition): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { id: SWEEP_STATE_ID, position } }));
    } catch (error) {
      throw tableError('save where the sweep stopped', error);
    }
  }
}
