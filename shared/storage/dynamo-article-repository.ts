import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
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
import type {
  AnalysisClaim,
  AnalyzedFields,
  ArticlePage,
  ArticleRepository,
  CleanedFields,
  ContentClaims,
  IngestClaim,
  ListQuery,
  Pending,
  PendingPage,
  PendingQuery,
  Reopen,
  SourceRef,
} from '../ports.js';
import { type CursorCodec, processCursorCodec } from './cursor.js';
import { listArticles, pendingArticles } from './dynamo-article-queries.js';
import { DynamoContentClaims } from './dynamo-content-claims.js';
import { tableError } from './dynamo-errors.js';
import { assignments, isConditionFailure, padSequencer, toRecord } from './dynamo-expressions.js';
import { expiryAfter, LIST_PARTITION } from './table.js';

export { padSequencer };

/**
 * Deaths while cleaning one upload before it ends FAILED (INGEST_INTERRUPTED). Cleaning runs in a worker
 * with a heap cap and a time budget, so an upload rarely takes its process down; one death may be a stop
 * or a kill from outside, and the upload gets one more attempt. One that kills twice is not tried again.
 */
const CLEANING_DEATHS = 2;

/**
 * The article table on DynamoDB. Every transition is one conditional write:
 * the condition is what makes duplicate and concurrent deliveries safe. Each
 * also says what the article waits for next (`pending`, see Pending), which
 * is what the sweep's index holds; a finished article waits for its event,
 * until `markPublished`.
 */
export class DynamoArticleRepository implements ArticleRepository, ContentClaims {
  private readonly contentClaims: DynamoContentClaims;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Seals list cursors; the API's is keyed from configuration so cursors work across instances. */
    private readonly cursors: CursorCodec = processCursorCodec(),
    private readonly options: {
      /** Days a finished article is kept before the table's TTL deletes it; 0 or absent: kept until deleted. */
      recordRetentionDays?: number;
    } = {},
  ) {
    this.contentClaims = new DynamoContentClaims(db, tableName, (what, input) =>
      this.conditionalUpdate(what, input as Omit<UpdateCommandInput, 'TableName'>),
    );
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw tableError(what, error);
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

  /** When a finished article expires (epoch seconds), if a record retention is set. */
  private expiresAt(now: Date): number | undefined {
    return expiryAfter(now, this.options.recordRetentionDays ?? 0);
  }

  async get(id: string): Promise<ArticleRecord | undefined> {
    // Only articles: the table's other items (content claims, the sweep's state) have a '#' in their id.
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
              pending: 'RECEIVED' satisfies Pending,
              receivedAt: at,
              updatedAt: at,
              leaseToken: randomUUID(),
              leaseUntil: now.getTime() + leaseMs,
            },
            ConditionExpression:
              'attribute_not_exists(id) OR sourceSequencer < :seq OR (sourceSequencer = :seq AND #status = :received AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':seq': sequencer, ':received': 'RECEIVED', ':now': now.getTime() },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      // The same version taken over from deliveries that started cleaning and never ended: their processes died.
      const same = before?.sourceSequencer === sequencer && before.status === 'RECEIVED';
      const deaths = same ? Number(before.cleaningDeaths ?? 0) + (before.ingestStartedAt === undefined ? 0 : 1) : 0;
      if (deaths >= CLEANING_DEATHS) return { outcome: 'interrupted' };
      // The put replaced the item: the deaths so far are kept on it (rarely: only after a process died).
      if (deaths > 0) {
        await this.call('claim ingest', () =>
          this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { id },
              UpdateExpression: 'SET cleaningDeaths = :deaths',
              ExpressionAttributeValues: { ':deaths': deaths },
            }),
          ),
        );
      }
      return { outcome: 'claimed' };
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

  async startCleaning(id: string, sequencer: string, now: Date): Promise<boolean> {
    return this.conditionalUpdate('start cleaning', {
      Key: { id },
      // Removed when the attempt ends (CLEANED, FAILED, or let go for the queue to retry).
      UpdateExpression: 'SET ingestStartedAt = :at',
      ConditionExpression: 'sourceSequencer = :seq AND #status = :received',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':at': now.toISOString(), ':seq': padSequencer(sequencer), ':received': 'RECEIVED' },
    });
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
      pending: 'CLEANED' satisfies Pending,
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
            UpdateExpression:
              'SET #status = :analyzing, pending = :analyzing, leaseToken = :token, leaseUntil = :until, updatedAt = :at REMOVE expiresAt',
            // An article waiting on a batch is the batch function's: no delivery takes it until its batch ends.
            ConditionExpression:
              '#status = :cleaned OR (#status = :partial AND retryPending = :yes) OR (#status = :analyzing AND leaseUntil < :now AND NOT pending IN (:queued, :waiting))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':queued': 'BATCH_QUEUED' satisfies Pending,
              ':waiting': 'BATCH_WAIT' satisfies Pending,
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
    const { Item } = await this.call('read after claim', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true })),
    );
    if (!Item) return { outcome: 'skip', reason: 'missing' };
    const status = Item.status as Status;
    if (isTerminal(status)) return { outcome: 'skip', reason: 'terminal' };
    if (Item.pending === 'BATCH_QUEUED' || Item.pending === 'BATCH_WAIT') return { outcome: 'skip', reason: 'batch' };
    if (status === 'ANALYZING') {
      return { outcome: 'busy', leaseUntil: typeof Item.leaseUntil === 'number' ? Item.leaseUntil : null };
    }
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
      // A retry's message comes back; if none does, the sweep publishes the PARTIAL article as it is.
      pending: (fields.retryPending ? 'RETRY' : 'EVENT') satisfies Pending,
      summary: result.summary,
      claims: result.claims,
      translations: result.translations,
      usage: result.usage,
      provenance: { ...result.provenance, cleanerVersion: fields.cleanerVersion },
      checks: result.checks,
      retryPending: fields.retryPending,
      expiresAt: this.expiresAt(now),
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
      ':event': 'EVENT' satisfies Pending,
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
    // Its event waits to be published (announce, or the sweep).
    let set = '#status = :failed, pending = :event, #error = :error, updatedAt = :at';
    if (options.usage && Object.keys(options.usage).length > 0) {
      set += ', #usage = :usage';
      values[':usage'] = options.usage;
    }
    const expires = this.expiresAt(now);
    if (expires !== undefined) {
      set += ', expiresAt = :expires';
      values[':expires'] = expires;
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

  claim(key: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    return this.contentClaims.claim(key, holder, now, leaseMs);
  }

  release(key: string, holder: string): Promise<void> {
    return this.contentClaims.release(key, holder);
  }

  releaseAllContentClaims(): Promise<number> {
    return this.contentClaims.releaseAllContentClaims();
  }

  /**
   * Ends every live lease on articles in `status` (RECEIVED or ANALYZING),
   * for a process that knows their holders are dead: the local stack at
   * start. Returns the ids released.
   */
  async expireLeases(status: 'RECEIVED' | 'ANALYZING', now: Date): Promise<string[]> {
    const released: string[] = [];
    let after: string | null = null;
    do {
      const page: PendingPage = await this.pending({
        pending: status,
        before: '\uffff',
        limit: 100,
        after,
      });
      for (const { id } of page.items) {
        const done = await this.conditionalUpdate('expire lease', {
          Key: { id },
          UpdateExpression: 'SET leaseUntil = :expired',
          ConditionExpression: '#status = :status AND attribute_exists(leaseToken) AND leaseUntil >= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': now.getTime() - 1, ':status': status, ':now': now.getTime() },
        });
        if (done) released.push(id);
      }
      after = page.next;
    } while (after);
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
    // Back on its way: it waits for a message again, and is not for the TTL.
    let remove = ['#error', 'leaseToken', 'leaseUntil', 'expiresAt', '#batch'];
    if (reopen.to === 'ingest') {
      // Free to claim at once: the ingest claim takes a RECEIVED version whose lease has ended.
      Object.assign(fields, {
        status: 'RECEIVED' satisfies Status,
        pending: 'RECEIVED' satisfies Pending,
        leaseToken: randomUUID(),
        leaseUntil: 0,
      });
      remove = ['#error', 'expiresAt', '#batch'];
    } else if (reopen.to === 'analysis') {
      Object.assign(fields, { status: 'CLEANED' satisfies Status, pending: 'CLEANED' satisfies Pending });
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
      Object.assign(fields, {
        status: 'PARTIAL' satisfies Status,
        pending: 'PARTIAL' satisfies Pending,
        retryPending: true,
      });
    }
    const update = assignments(fields);
    return this.conditionalUpdate('reopen', {
      Key: { id },
      UpdateExpression: `SET ${update.set} REMOVE ${remove.join(', ')}`,
      ConditionExpression: '#status = :expected AND #updatedAt = :expectedAt',
      // `batch` is one of DynamoDB's reserved words.
      ExpressionAttributeNames: { ...update.names, '#error': 'error', '#batch': 'batch' },
      ExpressionAttributeValues: { ...update.values, ':expected': expected.status, ':expectedAt': expected.updatedAt },
    });
  }

  list(query: ListQuery): Promise<ArticlePage> {
    return this.call('list', () => listArticles(this.db, this.tableName, this.cursors, query));
  }

  pending(query: PendingQuery): Promise<PendingPage> {
    return this.call('find waiting articles', () => pendingArticles(this.db, this.tableName, query));
  }

  async markPublished(id: string, finishedAt: string): Promise<boolean> {
    return this.conditionalUpdate('mark published', {
      Key: { id },
      UpdateExpression: 'REMOVE pending',
      ConditionExpression: 'pending IN (:event, :retry) AND updatedAt = :at',
      ExpressionAttributeValues: { ':event': 'EVENT', ':retry': 'RETRY', ':at': finishedAt },
    });
  }
}
