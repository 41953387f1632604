import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchWait, StageUsage } from '../article.js';
import type { BatchJob, BatchTable } from '../batch/ports.js';
import type { Pending } from '../ports.js';
import { pendingArticles } from './dynamo-article-queries.js';
import { tableError } from './dynamo-errors.js';
import { isConditionFailure } from './dynamo-expressions.js';

/** A job's item id: outside the articles' ids (which have no '#'), so `get` never takes it for one. */
export const jobItemId = (job: string) => `batch#${job}`;

/**
 * Batch mode on the article table. Articles that wait to be submitted, and
 * the jobs (batches) not yet collected, are found through the pending index
 * (`BATCH_QUEUED`, `BATCH`), never by a scan. Every change of an article is a
 * conditional write on the round or the job it belongs to, so a batch run
 * that dies half-way and runs again changes nothing twice (the local
 * DynamoDB has no transactions, and none are needed).
 */
export class DynamoBatchTable implements BatchTable {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw tableError(what, error);
    }
  }

  private async conditional(what: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>) {
    try {
      await this.send(what, () => this.db.send(new UpdateCommand({ TableName: this.tableName, ...input })));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  queue(id: string, leaseToken: string, wait: BatchWait, now: Date): Promise<boolean> {
    return this.conditional('queue for a batch', {
      Key: { id },
      UpdateExpression: 'SET pending = :queued, #batch = :wait, updatedAt = :at REMOVE leaseToken, leaseUntil',
      ConditionExpression: '#status = :analyzing AND leaseToken = :token',
      ExpressionAttributeNames: { '#status': 'status', '#batch': 'batch' },
      ExpressionAttributeValues: {
        ':queued': 'BATCH_QUEUED' satisfies Pending,
        ':wait': wait,
        ':at': now.toISOString(),
        ':analyzing': 'ANALYZING',
        ':token': leaseToken,
      },
    });
  }

  async queued(limit: number): Promise<string[]> {
    const page = await this.send('find queued articles', () =>
      pendingArticles(this.db, this.tableName, { pending: 'BATCH_QUEUED', before: '\uffff', limit }),
    );
    return page.items.map((item) => item.id);
  }

  async openJobs(limit: number): Promise<BatchJob[]> {
    const jobs: BatchJob[] = [];
    let after: string | null = null;
    do {
      const page = await this.send('find open batches', () =>
        pendingArticles(this.db, this.tableName, { pending: 'BATCH', before: '\uffff', limit, after }),
      );
      for (const { id } of page.items) {
        const { Item } = await this.send('read a batch', () =>
          this.db.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true })),
        );
        if (Item?.pending === 'BATCH') jobs.push(Item.job as BatchJob);
      }
      after = page.next;
    } while (after && jobs.length < limit);
    return jobs;
  }

  async putJob(job: BatchJob, now: Date): Promise<void> {
    await this.send('record a batch', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: jobItemId(job.job), pending: 'BATCH' satisfies Pending, updatedAt: now.toISOString(), job },
        }),
      ),
    );
  }

  async updateJob(
    job: string,
    change: Partial<Pick<BatchJob, 'state' | 'batchId' | 'deadline'>>,
    now: Date,
  ): Promise<void> {
    const fields = Object.entries(change).filter(([, v]) => v !== undefined);
    await this.conditional('update a batch', {
      Key: { id: jobItemId(job) },
      UpdateExpression: `SET ${fields.map(([k]) => `#job.#${k} = :${k}`).join(', ')}, updatedAt = :at`,
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeNames: { '#job': 'job', ...Object.fromEntries(fields.map(([k]) => [`#${k}`, k])) },
      ExpressionAttributeValues: {
        ...Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
        ':at': now.toISOString(),
      },
    });
  }

  async closeJob(job: string, now: Date): Promise<void> {
    await this.conditional('close a batch', {
      Key: { id: jobItemId(job) },
      UpdateExpression: 'SET collectedAt = :at REMOVE pending',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':at': now.toISOString() },
    });
  }

  markSubmitted(id: string, queuedAt: string, wait: BatchWait, now: Date): Promise<boolean> {
    return this.conditional('mark submitted', {
      Key: { id },
      UpdateExpression: 'SET pending = :waiting, #batch = :wait, updatedAt = :at',
      ConditionExpression: 'pending = :queued AND #batch.queuedAt = :queuedAt',
      ExpressionAttributeNames: { '#batch': 'batch' },
      ExpressionAttributeValues: {
        ':waiting': 'BATCH_WAIT' satisfies Pending,
        ':queued': 'BATCH_QUEUED' satisfies Pending,
        ':wait': wait,
        ':queuedAt': queuedAt,
        ':at': now.toISOString(),
      },
    });
  }

  markCollected(
    id: string,
    job: string,
    change: { wait: BatchWait; usage: Record<string, StageUsage> },
    now: Date,
  ): Promise<boolean> {
    return this.conditional('mark collected', {
      Key: { id },
      // Free at once: the analyze message that follows claims it (ANALYZING with an ended lease).
      UpdateExpression:
        'SET pending = :analyzing, #batch = :wait, #usage = :usage, leaseUntil = :free, updatedAt = :at',
      ConditionExpression: 'pending = :waiting AND #batch.job = :job AND #status = :analyzing',
      ExpressionAttributeNames: { '#batch': 'batch', '#usage': 'usage', '#status': 'status' },
      ExpressionAttributeValues: {
        ':analyzing': 'ANALYZING',
        ':waiting': 'BATCH_WAIT' satisfies Pending,
        ':wait': change.wait,
        ':usage': change.usage,
        ':free': now.getTime() - 1,
        ':job': job,
        ':at': now.toISOString(),
      },
    });
  }
}
