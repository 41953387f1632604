import type { SweepConfig } from '../../shared/config.js';
import type { ArticleEvents, DeadLetterQueue, IngestQueue, MessageQueue, SourceRef } from '../../shared/ports.js';
import { DynamoSweepState } from '../../shared/storage/dynamo-sweep-state.js';
import type { SweepDeps } from '../../shared/usecases/sweep.js';
import {
  documentClient,
  eventBus,
  type Observability,
  observability,
  type StorageClients,
  storageAdapters,
  systemClock,
} from '../runtime.js';

export interface SweepClients extends StorageClients {
  /** Takes S3-event-shaped bodies: SQS in AWS, the in-process queue locally. */
  ingestQueue: { sendBody(body: string): Promise<void> };
  analyzeQueue: MessageQueue;
  /**
   * The ingest queue's dead-letter queue (SQS in AWS, the local queue's dead-letter list locally),
   * with how its messages name their uploads.
   */
  ingestDeadLetters?: { queue: DeadLetterQueue; sourcesOf(body: string): SourceRef[]; resendsOf(body: string): number };
  /** Where events a dead function did not get out are published: the configured EventBridge bus when absent. */
  events?: ArticleEvents;
}

export interface SweepHandlerDeps extends SweepDeps, Observability {}

/**
 * The sweep's dependencies from its configuration and clients: the one
 * composition the scheduled Lambda and the local stack share.
 */
export function buildSweepDeps(
  config: SweepConfig,
  clients: SweepClients,
  encode: (source: Parameters<IngestQueue['send']>[0], resends?: number) => string,
  observe: Observability = observability('precis-sweep'),
): SweepHandlerDeps {
  return {
    ...storageAdapters(clients, config.PRECIS_TABLE),
    ...observe,
    state: new DynamoSweepState(documentClient(clients.dynamodb), config.PRECIS_TABLE),
    events: clients.events ?? eventBus(config.PRECIS_EVENT_BUS, observe.logger, observe.tracing),
    ingestQueue: { send: (source, options) => clients.ingestQueue.sendBody(encode(source, options?.resends)) },
    analyzeQueue: clients.analyzeQueue,
    ...(clients.ingestDeadLetters ? { ingestDeadLetters: clients.ingestDeadLetters } : {}),
    clock: systemClock,
    config: {
      bucket: config.PRECIS_BUCKET,
      staleAfterMs: config.PRECIS_SWEEP_STALE_MS,
      budgetMs: config.PRECIS_SWEEP_BUDGET_MS,
      eventGraceMs: config.PRECIS_SWEEP_EVENT_GRACE_MS,
      uploadPages: config.PRECIS_SWEEP_UPLOAD_PAGES,
    },
  };
}
