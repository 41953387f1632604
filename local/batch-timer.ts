import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { buildBatchDeps } from '../lambdas/batch/deps.js';
import type { BatchConfig } from '../shared/config.js';
import { type BatchReport, runBatches } from '../shared/usecases/batch-run.js';
import type { LocalQueue } from './queue.js';

export interface LocalBatch {
  /** One run now, as the scheduled function's (collect, then submit), after the one under way. */
  run(): Promise<BatchReport | null>;
  stop(): Promise<void>;
}

/**
 * The batch function, as the schedule runs it in AWS: every `intervalMs`
 * (0: only when `run` is called), one run after the other. An article sent
 * on is put on the analyze queue, unless its message already waits there.
 */
export function startLocalBatch(options: {
  config: BatchConfig;
  clients: { s3: S3Client; dynamodb: DynamoDBClient };
  analyze: LocalQueue;
  intervalMs: number;
  log?: (line: string) => void;
}): LocalBatch {
  const { analyze } = options;
  const deps = buildBatchDeps(options.config, {
    ...options.clients,
    analyzeQueue: {
      send: async (message) => {
        if (!analyze.holds(message.articleId)) analyze.send(JSON.stringify(message));
      },
    },
  });
  let running: Promise<BatchReport | null> = Promise.resolve(null);
  const run = () => {
    running = running.then(() =>
      runBatches(deps).catch((error: Error) => {
        options.log?.(`batch run failed: ${error.message}`);
        return null;
      }),
    );
    return running;
  };
  const timer = options.intervalMs > 0 ? setInterval(() => void run(), options.intervalMs) : null;
  timer?.unref();
  return {
    run,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
