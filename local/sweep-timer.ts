import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3EventBody, sourcesOf } from '../lambdas/ingest/s3-event.js';
import { buildSweepDeps } from '../lambdas/sweep/deps.js';
import type { SweepConfig } from '../shared/config.js';
import { type SweepReport, sweep } from '../shared/usecases/sweep.js';
import type { LocalQueue } from './queue.js';

/** The article an analyze message names (what the analyze queue finds its messages by). */
export function articleOf(body: string): string[] {
  try {
    const { articleId } = JSON.parse(body) as { articleId?: unknown };
    return typeof articleId === 'string' ? [articleId] : [];
  } catch {
    return [];
  }
}

/** The S3 keys an ingest message carries (what the ingest queue finds its messages by); none for another body. */
export function uploadKeys(body: string): string[] {
  try {
    return sourcesOf(body).map((source) => source.key);
  } catch {
    return [];
  }
}

/**
 * The sweep, as the scheduled function runs it in AWS: at start (an upload
 * made while the stack was down has no event), then every `intervalMs` (0:
 * at start only), one run after the other.
 *
 * The local queues say what waits in them, in O(1): an upload whose event
 * waits in the ingest queue is not an upload whose event was lost, and an
 * article whose message waits in a queue is not stuck, however long the
 * backlog makes it wait. The sweep sends nothing for those (a second message
 * would only deliver the same work twice). It reads the ingest queue's
 * dead-letter list as the scheduled function reads the dead-letter queue.
 * `run` runs one now (after the one under way), as a test drives it.
 */
export function startLocalSweep(options: {
  config: SweepConfig;
  clients: { s3: S3Client; dynamodb: DynamoDBClient };
  queues: { ingest: LocalQueue; analyze: LocalQueue };
  intervalMs: number;
  log?: (line: string) => void;
}): { run(): Promise<SweepReport | null>; stop(): Promise<void> } {
  const { ingest, analyze } = options.queues;
  let driven = 0;
  const deps = buildSweepDeps(
    options.config,
    {
      ...options.clients,
      ingestQueue: {
        sendBody: async (body) => {
          if (uploadKeys(body).some((key) => ingest.holds(key))) return;
          ingest.send(body);
          driven++;
        },
      },
      analyzeQueue: {
        send: async (message) => {
          if (analyze.holds(message.articleId)) return;
          analyze.send(JSON.stringify(message));
          driven++;
        },
      },
      ingestDeadLetters: {
        queue: {
          receive: async (max) => ingest.receiveDead(max),
          delete: async (handle) => ingest.deleteDead(handle),
        },
        sourcesOf,
      },
    },
    s3EventBody,
  );
  const queued = (key: string) => ingest.holds(key);
  const run = async (atStart: boolean) => {
    driven = 0;
    // At start no event is on its way but those in the ingest queue: every other upload with no article was lost.
    const report = await sweep(deps, atStart ? { uploadsOlderThanMs: 0, queued } : { queued }).catch((error: Error) => {
      const cause = error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : '';
      options.log?.(`sweep failed: ${error.message}${cause}`);
      return null;
    });
    if (report && driven > 0) {
      const lost = report.unknown.length + report.deadLettered.length;
      options.log?.(
        `sweep: ${report.unknown.length} upload(s) with no article, ${report.deadLettered.length} dead-lettered before they had one, and ${driven - lost} stuck article(s) driven again`,
      );
    }
    return report;
  };
  let running: Promise<SweepReport | null> = run(true);
  const timer =
    options.intervalMs > 0
      ? setInterval(() => {
          running = running.then(() => run(false));
        }, options.intervalMs)
      : null;
  timer?.unref();
  return {
    run: () => {
      running = running.then(() => run(false));
      return running;
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
