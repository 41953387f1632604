import { performance } from 'node:perf_hooks';
import type { SQSEvent } from 'aws-lambda';
import { buildAnalyzeDeps } from '../lambdas/analyze/deps.js';
import { createAnalyzeHandler } from '../lambdas/analyze/handler.js';
import { RATE_SIGNALS, type RateSignal } from '../shared/analysis/llm/rate-governor.js';
import type { AnalyzeConfig } from '../shared/config.js';
import { BUSY_UTILISATION, type PacingSignal } from './analysis-concurrency.js';
import { type EmulatorAccess, emulatorClients } from './clients.js';
import { FileArticleEvents } from './events-file.js';
import { lambdaContext } from './lambda-context.js';
import type { Service } from './worker-host.js';

export interface AnalyzeServiceOptions extends EmulatorAccess {
  config: AnalyzeConfig;
  /** The stack's event file (EventBridge's envelope, a line each). */
  eventsFile: string;
  /** Whether the stack paces the analyses by the provider's budget: each rate governor's signal is then sent on. */
  followBudget: boolean;
  /** The analyze queue's ChangeMessageVisibility, in the queue's thread. */
  changeVisibility(receiptHandle: string, delayMs: number): Promise<void>;
  /** A rate governor's signal, for the queue's thread to pace the analyses by (AnalysisConcurrency). */
  rateSignal(signal: PacingSignal): Promise<void>;
}

/**
 * The analyze function as the local stack runs it, in a worker thread of its
 * own: its own clients of the emulators, the handler Lambda runs, and one
 * call, `handle`, that the analyze queue's consumer invokes with each
 * SQS event and that answers with the partial batch failures. The queue
 * stays in the stack's thread (its journal, its leases); the work of the
 * analyses, the bulk of an article's, runs beside the ingest function's.
 */
export async function startAnalyzeService(options: AnalyzeServiceOptions): Promise<Service> {
  const { config } = options;
  const clients = { ...emulatorClients(options), events: new FileArticleEvents(options.eventsFile) };
  const handler = createAnalyzeHandler({
    ...buildAnalyzeDeps(config, clients),
    redelivery: { delay: (record, delayMs) => options.changeVisibility(record.receiptHandle, delayMs) },
  });
  // Each signal says whether this thread had time to spare since the last one (AnalysisConcurrency).
  let since = performance.eventLoopUtilization();
  const forward = (signal: unknown) => {
    const now = performance.eventLoopUtilization();
    const threadBusy = performance.eventLoopUtilization(now, since).utilization >= BUSY_UTILISATION;
    since = now;
    void options.rateSignal({ ...(signal as RateSignal), threadBusy });
  };
  if (options.followBudget) RATE_SIGNALS.subscribe(forward);
  return {
    endpoint: 'worker:precis-analyze',
    calls: {
      handle: (event: SQSEvent) => handler(event, lambdaContext('precis-analyze', config.PRECIS_ANALYZE_LEASE_MS)),
    },
    close: async () => {
      RATE_SIGNALS.unsubscribe(forward);
      clients.s3.destroy();
      clients.dynamodb.destroy();
    },
  };
}
