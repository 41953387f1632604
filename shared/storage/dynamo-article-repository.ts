import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type AnalysisResult,
  type ArticleError,
  type ArticleRecord,
  isTerminal,
  type StageUsage,
  type Status,
} from '../article.js';
import { PrecisError, TransientError } from '../errors.js';
import type {
  AnalysisClaim,
  AnalyzedFields,
  ArticlePage,
  ArticleRepository,
  CleanedFields,
  ContentClaims,
  IngestClaim,
  ListQuery,
  Reopen,
  SourceRef,
} from '../ports.js';
import { type CursorCodec, processCursorCodec } from './cursor.js';
import { LIST_PARTITION, TABLE_SCHEMA } from './table.js';

/** Fields that exist for the table's sake, not the reader's. */
const INTERNAL_FIELDS = ['listPk', 'leaseToken', 'leaseUntil', 'retryPending', 'ingestStartedAt'] as const;

/** S3 sequencers are hex strings of varying length: padded, they compare as strings in a condition. */
export function padSequencer(sequencer: string): string {
  return sequencer.toUpperCase().padStart(32, '0');
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

/** `SET #a = :a, #b = :b` for each field, every name escaped (many words are reserved in DynamoDB). */
function assignments(fields: Record<string, unknown>): {
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

function toRecord(item: Record<string, unknown>): ArticleRecord {
  const record = { ...item };
  for (const field of INTERNAL_FIELDS) delete record[field];
  return record as unknown as ArticleRecord;
}

/**
 * The article table on DynamoDB. Every transition is one conditional write:
 * the condition is what makes duplicate and concurrent deliveries safe.
 */
export class DynamoArticleRepository implements ArticleRepository, ContentClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Seals list cursors; the API's is keyed from configuration so cursors work across instances. */
    private readonly cursors: CursorCodec = processCursorCodec(),
  ) {}

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error) || error instanceof PrecisError) throw error;
      throw new TransientError('STORAGE_UNAVAILABLE', `The article table could not be reached (${what}).`, error);
    }
  }

  /** An update that applies only if its condition holds: false when it does not. */
  private async conditionalUpdate(what: string, input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.call(what, () => this.db.send(new UpdateCommand({ TableName: this.tableName, ...input })));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<ArticleRecord | undefined> {
    // Only articles: the table's other items (content claims) have a '#' in their id.
    if (id.includes('#')) return undefined;
    const { Item } = await this.call('get', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true })),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async claimIngest(id: string, source: SourceRef, now: Date, leaseMs: number): Promise<IngestClaim> {
    const sequencer = padSequencer(source.sequencer);
    const at = now.toISOString();
    try {
      const { Attributes: before } = await this.call('claim ingest', () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              id,
              listPk: LIST_PARTITION,
              sourceBucket: source.bucket,
              sourceKey: source.key,
              sourceEtag: source.etag,
              sourceSize: source.size,
              sourceSequencer: sequencer,
              status: 'RECEIVED' satisfies Status,
              receivedAt: at,
              updatedAt: at,
              leaseToken: randomUUID(),
              leaseUntil: now.getTime() + leaseMs,
              // An attempt under way: removed when it ends (CLEANED, FAILED, or let go for the queue to retry).
              ingestStartedAt: at,
            },
            ConditionExpression:
              'attribute_not_exists(id) OR sourceSequencer < :seq OR (sourceSequencer = :seq AND #status = :received AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':seq': sequencer, ':received': 'RECEIVED', ':now': now.getTime() },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      // The same version taken over from a delivery that started and never ended: its process died on it.
      const interrupted =
        before?.sourceSequencer === sequencer && before.status === 'RECEIVED' && before.ingestStartedAt !== undefined;
      return { outcome: interrupted ? 'interrupted' : 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.call('read after claim', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true })),
    );
    // Gone between the write and the read: a concurrent delivery is re-creating it.
    if (!Item) return { outcome: 'busy' };
    if (String(Item.sourceSequencer) > sequencer) return { outcome: 'stale' };
    const status = Item.status as Status;
    if (status === 'RECEIVED') return { outcome: 'busy' };
    return { outcome: 'done', status };
  }

  async releaseIngest(id: string, sequencer: string, now: Date): Promise<boolean> {
    return this.conditionalUpdate('release ingest', {
      Key: { id },
      // Expired from now: the message that comes back claims it at once, and finds no attempt under way.
      UpdateExpression: 'SET leaseUntil = :expired REMOVE ingestStartedAt',
      ConditionExpression: 'sourceSequencer = :seq AND #status = :received',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':expired': now.getTime() - 1,
        ':seq': padSequencer(sequencer),
        ':received': 'RECEIVED',
      },
    });
  }

  async saveCleaned(id: string, sequencer: string, fields: CleanedFields, now: Date): Promise<boolean> {
    const { ingestMs, ...rest } = fields;
    const update = assignments({
      ...rest,
      status: 'CLEANED' satisfies Status,
      cleanedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      timings: { ingestMs },
    });
    return this.conditionalUpdate('save cleaned', {
      Key: { id },
      UpdateExpression: `SET ${update.set} REMOVE leaseToken, leaseUntil, ingestStartedAt`,
      ConditionExpression: 'sourceSequencer = :seq AND #status = :received',
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: { ...update.values, ':seq': padSequencer(sequencer), ':received': 'RECEIVED' },
    });
  }

  async claimAnalysis(id: string, now: Date, leaseMs: number): Promise<AnalysisClaim> {
    const leaseToken = randomUUID();
    try {
      const { Attributes } = await this.call('claim analysis', () =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id },
            UpdateExpression: 'SET #status = :analyzing, leaseToken = :token, leaseUntil = :until, updatedAt = :at',
            ConditionExpression:
              '#status = :cleaned OR (#status = :partial AND retryPending = :yes) OR (#status = :analyzing AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':analyzing': 'ANALYZING',
              ':cleaned': 'CLEANED',
              ':partial': 'PARTIAL',
              ':yes': true,
              ':token': leaseToken,
              ':until': now.getTime() + leaseMs,
              ':now': now.getTime(),
              ':at': now.toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return { outcome: 'claimed', article: toRecord(Attributes ?? {}), leaseToken };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await this.get(id);
    if (!current) return { outcome: 'skip', reason: 'missing' };
    if (isTerminal(current.status)) return { outcome: 'skip', reason: 'terminal' };
    if (current.status === 'ANALYZING') return { outcome: 'busy' };
    return { outcome: 'skip', reason: 'not-cleaned' };
  }

  async saveProgress(
    id: string,
    leaseToken: string,
    progress: { result: AnalysisResult; cleanerVersion: string },
    now: Date,
  ): Promise<boolean> {
    const partial = progress.result;
    const update = assignments({
      summary: partial.summary,
      claims: partial.claims,
      translations: partial.translations,
      usage: partial.usage,
      provenance: { ...partial.provenance, cleanerVersion: progress.cleanerVersion },
      checks: partial.checks,
      updatedAt: now.toISOString(),
    });
    return this.conditionalUpdate('save progress', {
      Key: { id },
      UpdateExpression: `SET ${update.set}`,
      ConditionExpression: '#status = :analyzing AND leaseToken = :token',
      ExpressionAttributeNames: { ...update.names, '#status': 'status' },
      ExpressionAttributeValues: { ...update.values, ':analyzing': 'ANALYZING', ':token': leaseToken },
    });
  }

  async saveAnalysis(id: string, leaseToken: string, fields: AnalyzedFields, now: Date): Promise<boolean> {
    const { result } = fields;
    const update = assignments({
      status: result.status,
      summary: result.summary,
      claims: result.claims,
      translations: result.translations,
      usage: result.usage,
      provenance: { ...result.provenance, cleanerVersion: fields.cleanerVersion },
      checks: result.checks,
      retryPending: fields.retryPending,
      resultKey: fields.resultKey,
      analyzedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    return this.conditionalUpdate('save analysis', {
      Key: { id },
      UpdateExpression: `SET ${update.set}, #timings.analyzeMs = :analyzeMs REMOVE leaseToken, leaseUntil, #error`,
      ConditionExpression: '#status = :analyzing AND leaseToken = :token',
      ExpressionAttributeNames: { ...update.names, '#timings': 'timings', '#error': 'error' },
      ExpressionAttributeValues: {
        ...update.values,
        ':analyzeMs': fields.analyzeMs,
        ':analyzing': 'ANALYZING',
        ':token': leaseToken,
      },
    });
  }

  async markFailed(
    id: string,
    error: ArticleError,
    now: Date,
    options: { sequencer?: string; usage?: Record<string, StageUsage> } = {},
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':failed': 'FAILED',
      ':error': error,
      ':at': now.toISOString(),
      ':done': 'DONE',
      ':partial': 'PARTIAL',
    };
    let condition = 'attribute_exists(id) AND NOT #status IN (:done, :partial)';
    if (options.sequencer !== undefined) {
      condition += ' AND sourceSequencer = :seq';
      values[':seq'] = padSequencer(options.sequencer);
    }
    let set = '#status = :failed, #error = :error, updatedAt = :at';
    if (options.usage && Object.keys(options.usage).length > 0) {
      set += ', #usage = :usage';
      values[':usage'] = options.usage;
    }
    return this.conditionalUpdate('mark failed', {
      Key: { id },
      UpdateExpression: `SET ${set} REMOVE leaseToken, leaseUntil, ingestStartedAt`,
      ConditionExpression: condition,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#error': 'error',
        ...(values[':usage'] ? { '#usage': 'usage' } : {}),
      },
      ExpressionAttributeValues: values,
    });
  }

  async releaseAnalysis(
    id: string,
    leaseToken: string,
    usage: Record<string, StageUsage>,
    now: Date,
  ): Promise<boolean> {
    return this.conditionalUpdate('release analysis', {
      Key: { id },
      UpdateExpression: 'SET #usage = :usage, leaseUntil = :now, updatedAt = :at',
      ConditionExpression: '#status = :analyzing AND leaseToken = :token',
      ExpressionAttributeNames: { '#status': 'status', '#usage': 'usage' },
      ExpressionAttributeValues: {
        ':usage': usage,
        // Expired from now: the next delivery claims it without waiting.
        ':now': now.getTime() - 1,
        ':at': now.toISOString(),
        ':analyzing': 'ANALYZING',
        ':token': leaseToken,
      },
    });
  }

  /** Content claims live in the article table as items `content#<key>`, outside both list indexes. */
  async claim(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    return this.conditionalUpdate('claim content', {
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

  /** Every item of a paginated Scan or Query, page after page. */
  private async *allItems(
    what: string,
    page: (
      start: Record<string, unknown> | undefined,
    ) => Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>,
  ): AsyncGenerator<Record<string, unknown>> {
    let start: Record<string, unknown> | undefined;
    do {
      const { Items, LastEvaluatedKey } = await this.call(what, () => page(start));
      yield* Items ?? [];
      start = LastEvaluatedKey;
    } while (start);
  }

  /** Ends every content claim (a scan: for the local stack at start, whose holders are all dead). */
  async releaseAllContentClaims(): Promise<number> {
    let released = 0;
    const claims = this.allItems('find content claims', (start) =>
      this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(id, :prefix)',
          ExpressionAttributeValues: { ':prefix': 'content#' },
          ProjectionExpression: 'id',
          ExclusiveStartKey: start,
        }),
      ),
    );
    for await (const item of claims) {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { id: item.id } }));
      released++;
    }
    return released;
  }

  /**
   * Ends every live lease on articles in `status` (RECEIVED or ANALYZING),
   * for a process that knows their holders are dead: the local stack at
   * start. Returns the ids released.
   */
  async expireLeases(status: 'RECEIVED' | 'ANALYZING', now: Date): Promise<string[]> {
    const released: string[] = [];
    const articles = this.allItems('find leases', (start) =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE_SCHEMA.byStatus.indexName,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': TABLE_SCHEMA.byStatus.partitionKey },
          ExpressionAttributeValues: { ':status': status },
          ExclusiveStartKey: start,
        }),
      ),
    );
    for await (const item of articles) {
      const { id, leaseToken, leaseUntil } = item as { id: string; leaseToken?: string; leaseUntil?: number };
      if (!leaseToken || (leaseUntil ?? 0) < now.getTime()) continue;
      const done = await this.conditionalUpdate('expire lease', {
        Key: { id },
        UpdateExpression: 'SET leaseUntil = :expired',
        ConditionExpression: 'leaseToken = :token',
        ExpressionAttributeValues: { ':expired': now.getTime() - 1, ':token': leaseToken },
      });
      if (done) released.push(id);
    }
    return released;
  }

  async reopen(
    id: string,
    expected: Pick<ArticleRecord, 'status' | 'updatedAt'>,
    reopen: Reopen,
    now: Date,
  ): Promise<boolean> {
    const at = now.toISOString();
    const fields: Record<string, unknown> = { updatedAt: at, reprocess: reopen.request };
    let remove = ['#error', 'leaseToken', 'leaseUntil'];
    if (reopen.to === 'ingest') {
      // Free to claim at once: the ingest claim takes a RECEIVED version whose lease has ended.
      Object.assign(fields, { status: 'RECEIVED' satisfies Status, leaseToken: randomUUID(), leaseUntil: 0 });
      remove = ['#error'];
    } else if (reopen.to === 'analysis') {
      fields.status = 'CLEANED' satisfies Status;
      remove.push(
        'summary',
        'claims',
        'translations',
        'checks',
        'provenance',
        'resultKey',
        'retryPending',
        'analyzedAt',
      );
    } else {
      Object.assign(fields, { status: 'PARTIAL' satisfies Status, retryPending: true });
    }
    const update = assignments(fields);
    return this.conditionalUpdate('reopen', {
      Key: { id },
      UpdateExpression: `SET ${update.set} REMOVE ${remove.join(', ')}`,
      ConditionExpression: '#status = :expected AND #updatedAt = :expectedAt',
      ExpressionAttributeNames: { ...update.names, '#error': 'error' },
      ExpressionAttributeValues: { ...update.values, ':expected': expected.status, ':expectedAt': expected.updatedAt },
    });
  }

  async list(query: ListQuery): Promise<ArticlePage> {
    const index = query.status ? TABLE_SCHEMA.byStatus : TABLE_SCHEMA.byReceived;
    // Every ISO 8601 instant of this era sorts between the two defaults.
    const from = query.receivedFrom ?? '0';
    const before = query.receivedBefore ?? '\uffff';
    const ranged = query.receivedFrom !== undefined || query.receivedBefore !== undefined;
    // A cursor is good for the query that made it only.
    const scope = `${index.indexName}:${query.status ?? LIST_PARTITION}${ranged ? `:${from}:${before}` : ''}`;
    const input: QueryCommandInput = {
      TableName: this.tableName,
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
      ExclusiveStartKey: query.cursor ? await this.cursors.decode(scope, query.cursor) : undefined,
    };
    const { Items = [], LastEvaluatedKey } = await this.call('list', () => this.db.send(new QueryCommand(input)));
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
    const items = page.filter((item) => !ranged || String(item.receivedAt) < before).map(toRecord);
    return { items, nextCursor: await this.cursors.encode(scope, next) };
  }
}
