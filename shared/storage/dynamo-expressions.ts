import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ArticleRecord } from '../article.js';

/** Fields that exist for the table's sake, not the reader's. */
const INTERNAL_FIELDS = [
  'listPk',
  'leaseToken',
  'leaseUntil',
  'retryPending',
  'pending',
  'expiresAt',
  'ingestStartedAt',
] as const;

/** S3 sequencers are hex strings of varying length: padded, they compare as strings in a condition. */
export function padSequencer(sequencer: string): string {
  return sequencer.toUpperCase().padStart(32, '0');
}

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

/** `SET #a = :a, #b = :b` for each field, every name escaped (many words are reserved in DynamoDB). */
export function assignments(fields: Record<string, unknown>): {
  set: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const keys = Object.keys(fields).filter((k) => fields[k] !== undefined);
  return {
    set: keys.map((k) => `#${k} = :${k}`).join(', '),
    names: Object.fromEntries(keys.map((k) => [`#${k}`, k])),
    values: Object.fromEntries(keys.map((k) => [`:${k}`, fields[k]])),
  };
}

/** An item as the reader sees it: the table's own fields taken off. */
export function toRecord<T = ArticleRecord>(item: Record<string, unknown>): T {
  const record = { ...item };
  for (const field of INTERNAL_FIELDS) delete record[field];
  return record as unknown as T;
}

/** A page position as the sweep keeps it (its own, never a client's: not sealed). */
export const positionOf = (key: Record<string, unknown> | undefined): string | null =>
  key ? JSON.stringify(key) : null;

export const keyOf = (position: string | null | undefined): Record<string, unknown> | undefined =>
  position ? (JSON.parse(position) as Record<string, unknown>) : undefined;
