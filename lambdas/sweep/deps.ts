import type { SweepConfig } from '../../shared/config.js';
import type { IngestQueue, MessageQueue } from '../../shared/ports.js';
import type { SweepDeps } from '../../shared/usecases/sweep.js';
import { type Observability, observability, type StorageClients, storageAdapters, systemClock } from '../runtime.js';

export interface SweepClients extends StorageClients {
  /** Takes S3-event-shaped bodies: SQS in AWS, the in-process queue locally. */
  ingestQueue: { sendBody(body: string): Promise<void> };
  analyzeQueue: MessageQueue;
}

export interface SweepHandlerDeps extends SweepDeps, Observability {}

/**
 * The sweep's dependencies from its configuration and clients: the one
 * composition the scheduled Lambda and the local stack share.
 */
export function buildSweepDeps(
  config: SweepConfig,
  clients: SweepClients,
  encode: (source: Parameters<IngestQueue['send']>[0]) => string,
  observe: Observability = observability('precis-sweep'),
): SweepHandlerDeps {
  return {
    ...storageAdapters(clients, config.PRECIS_TABLE),
    ...observe,
    ingestQueue: { send: (source) => clients.ingestQueue.sendBody(encode(source)) },
    analyzeQueue: clients.analyzeQueue,
    clock: systemClock,
    config: { bucket: config.PRECIS_BUCKET, staleAfterMs: config.PRECIS_SWEEP_STALE_MS },
  };
}
