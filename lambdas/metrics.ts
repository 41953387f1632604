/** The functions' metrics, in the `precis` namespace (with Powertools' `service` dimension): the dashboard reads these. */
export const METRICS = {
  /** Articles that ended, by status: DONE and PARTIAL from analyze, FAILED from either stage. */
  ended: { DONE: 'ArticlesDone', PARTIAL: 'ArticlesPartial', FAILED: 'ArticlesFailed' },
  ingested: 'ObjectsIngested',
  /** Milliseconds a stage took for one article. */
  latency: { ingest: 'IngestLatency', analyze: 'AnalyzeLatency' },
  /** What a delivery's LLM calls spent, with the dimension `stage` (analysis, translation). */
  byStage: { inputTokens: 'InputTokens', outputTokens: 'OutputTokens', costUsd: 'CostUsd' },
} as const;
