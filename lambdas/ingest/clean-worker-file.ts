/**
 * Where the cleaning worker's code is: its entry in the sources, and its
 * bundle's name beside the ingest function's (put there by the CDK
 * construct, looked for there by worker-cleaner.ts). No import here: the
 * CDK app reads this file alone.
 */
export const CLEAN_WORKER = { from: 'lambdas/ingest/clean-worker.ts', to: 'clean-worker.mjs' } as const;
