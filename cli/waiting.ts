import type { ArticleRecord, BatchWait } from '../shared/article.js';

/**
 * What an article that has not ended waits for, as `precis get` says it in
 * place of the summary it does not have yet; null once it ended (DONE,
 * PARTIAL, FAILED). An article in batch mode stays ANALYZING for up to a day:
 * its `batch` field says on what (see docs/operations.md, Batch mode).
 */
export function waitingFor(
  article: Pick<ArticleRecord, 'id' | 'status' | 'batch'>,
  options: { reprocessing?: boolean } = {},
): string | null {
  // A reprocess's previous run has a summary (the API serves it): what is not there yet is the new one.
  const none = options.reprocessing ? 'No new summary yet' : 'No summary yet';
  const again = `precis get ${article.id} shows the ${options.reprocessing ? 'new ' : ''}summary once the article ends.`;
  switch (article.status) {
    case 'RECEIVED':
      return `${none}: the article is RECEIVED, waiting to be cleaned. ${again}`;
    case 'CLEANED':
      return `${none}: the article is CLEANED, waiting for its analysis. ${again}`;
    case 'ANALYZING':
      return article.batch
        ? `${none}: the article is ANALYZING in batch mode: ${batchWait(article.batch)} ${again}`
        : `${none}: the article is ANALYZING. ${again}`;
    default:
      return null;
  }
}

function batchWait(batch: BatchWait): string {
  const one = batch.requests === 1;
  const calls = `${batch.requests} LLM call${one ? '' : 's'} wait${one ? 's' : ''}`;
  switch (batch.state) {
    case 'queued':
      return `its ${calls} to be sent to the provider's Batch API (put off at ${batch.queuedAt}); the batch function sends them on its next run.`;
    case 'submitted':
      return `its ${calls} in the provider's Batch API, batch ${batch.id}${batch.deadline ? ` (answered by ${batch.deadline} at the latest)` : ''}; the batch function collects the answers once the batch ends.`;
    case 'collected':
      return `its batch ${batch.id} has answered; the analysis goes on with the answers.`;
    case 'realtime':
      return `its batch ${batch.id ?? 'of calls'} did not answer them all${batch.reason ? ` (${batch.reason})` : ''}; the analysis goes on, the calls left made at once.`;
  }
}
