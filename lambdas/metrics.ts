/** The functions' metrics, in the `precis` namespace (with Powertools' `service` dimension): the dashboard reads these. */
export const METRICS = {
  /** Articles that ended, by status: DONE and PARTIAL from analyze, FAILED from either stage. */
  ended: { DONE: 'ArticlesDone', PARTIAL: 'ArticlesPartial', FAILED: 'ArticlesFailed' },
  ingested: 'ObjectsIngested',
  /** Milliseconds a stage took for one article. */
  latency: { ingest: 'IngestLatency', analyze: 'AnalyzeLatency' },
  /** What a delivery's LLM calls spent, with the dimension `stage` (analysis, translation). */
  byStage: { inputTokens: 'InputTokens', outputTokens: 'OutputTokens', costUsd: 'CostUsd' },
  /** The batch function's run: batches and lines submitted, batches collected, their lines, articles sent back. */
  batch: {
    submitted: 'BatchesSubmitted',
    requests: 'BatchRequestsSubmitted',
    collected: 'BatchesCollected',
    answered: 'BatchLinesAnswered',
    failed: 'BatchLinesFailed',
    realtime: 'BatchArticlesSentToRealtime',
  },
} as const;

/** What the middleware needs of Powertools' `Metrics`. */
interface StoredMetrics {
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): unknown;
}

/**
 * Publishes what an invocation stored, after it ends (or fails). Powertools'
 * own `logMetrics` publishes unconditionally and warns "No application
 * metrics to publish" for every invocation that stored none (a duplicate
 * event, a message handed back): one line per message, thousands in a soak.
 * An invocation with nothing to say here says nothing.
 */
export function publishMetrics(metrics: StoredMetrics) {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}
