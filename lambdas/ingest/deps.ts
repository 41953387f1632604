import type { IngestConfig } from '../../shared/config.js';
import type { ArticleEvents, Cleaner, MessageQueue } from '../../shared/ports.js';
import {
  eventBus,
  type Observability,
  observability,
  type StorageClients,
  storageAdapters,
  systemClock,
} from '../runtime.js';
import type { IngestHandlerDeps } from './handler.js';
import { CLEANER_HEAP_MB, WorkerCleaner } from './worker-cleaner.js';

export { CLEANER_HEAP_MB };

export interface IngestClients extends StorageClients {
  /** Where a cleaned article goes next: SQS in AWS, the in-process queue locally. */
  analyzeQueue: MessageQueue;
  /** Where a failed upload is announced: the configured EventBridge bus when absent. */
  events?: ArticleEvents;
  /** What cleans the uploads: one worker thread with a heap cap (CLEANER_HEAP_MB) when absent. */
  cleaner?: Cleaner;
}

/**
 * The ingest function's dependencies from its configuration and clients:
 * the one composition the Lambda entry and the local stack share.
 */
export function buildIngestDeps(
  config: IngestConfig,
  clients: IngestClients,
  observe: Observability = observability('precis-ingest'),
): IngestHandlerDeps {
  return {
    ...storageAdapters(clients, config.PRECIS_TABLE, { recordRetentionDays: config.PRECIS_RECORD_RETENTION_DAYS }),
    ...observe,
    analyzeQueue: clients.analyzeQueue,
    // One worker: Lambda gives an instance one invocation at a time and about one core, and the uploads of
    // a batch are cleaned in turn; the local stack's backlog is served the same way.
    cleaner:
      clients.cleaner ??
      new WorkerCleaner({
        workers: 1,
        heapMb: CLEANER_HEAP_MB,
        log: (message, details) => observe.logger.error(message, details),
      }),
    events: clients.events ?? eventBus(config.PRECIS_EVENT_BUS, observe.logger, observe.tracing),
    clock: systemClock,
    maxReceives: config.PRECIS_MAX_RECEIVES,
    config: {
      bucket: config.PRECIS_BUCKET,
      maxObjectBytes: config.PRECIS_MAX_OBJECT_BYTES,
      maxWords: config.PRECIS_MAX_WORDS,
      leaseMs: config.PRECIS_INGEST_LEASE_MS,
      languages: config.PRECIS_LANGUAGES.length > 0 ? config.PRECIS_LANGUAGES : undefined,
    },
  };
}
