/**
 * What one article asks of the provider, on average, for the analyze
 * function's concurrency: about 12,000 tokens (the analysis call's prompt and
 * output cap, a check and a translation or two), 3 calls, and 20 s from its
 * first call to its last (the time it holds a Lambda while waiting on the
 * model).
 */
export const ARTICLE_DEMAND = { tokens: 12_000, calls: 3, seconds: 20 } as const;

/** More than the quota needs at the average: articles vary, and the rate governor absorbs the excess. */
export const HEADROOM = 1.25;

/** SQS event sources take a maxConcurrency from 2 to 1,000. */
const BOUNDS = { min: 2, max: 1000 } as const;

/** With no quota given: the concurrency the stack has always had. */
export const DEFAULT_ANALYZE_CONCURRENCY = 5;

/**
 * The analyze event source's maximum concurrency, from the provider's budget:
 *
 *   articles a minute the quota allows  A = min(TPM / 12,000, RPM / 3)
 *   concurrency                         C = ceil(A × 20 s / 60 s × 1.25), within 2–1,000
 *
 * (Little's law: as many articles at once as the quota lets finish a minute,
 * times the minute's share each one is in flight, plus the headroom.) With
 * `analyzeConcurrency` given (not 0), it is used as it is; with neither quota
 * given (0 or absent), 5.
 */
export function analyzeConcurrencyFor(budget: {
  analyzeConcurrency?: number;
  llmTokensPerMinute?: number;
  llmRequestsPerMinute?: number;
}): number {
  if (budget.analyzeConcurrency) return budget.analyzeConcurrency;
  const tpm = budget.llmTokensPerMinute || null;
  const rpm = budget.llmRequestsPerMinute || null;
  if (tpm === null && rpm === null) return DEFAULT_ANALYZE_CONCURRENCY;
  const perMinute = Math.min(
    tpm === null ? Number.POSITIVE_INFINITY : tpm / ARTICLE_DEMAND.tokens,
    rpm === null ? Number.POSITIVE_INFINITY : rpm / ARTICLE_DEMAND.calls,
  );
  const concurrency = Math.ceil(((perMinute * ARTICLE_DEMAND.seconds) / 60) * HEADROOM);
  return Math.min(BOUNDS.max, Math.max(BOUNDS.min, concurrency));
}
