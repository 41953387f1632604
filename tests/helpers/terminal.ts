import type { ArticleRecord } from '../../shared/article.js';

/**
 * The record of the article uploaded under `key`, once it is DONE, PARTIAL or
 * FAILED, asked of the API as a client would (the list by key, then the
 * record). `api` fetches a path of the stack's API as JSON.
 */
export async function terminalRecord(
  api: <T>(path: string) => Promise<T>,
  key: string,
  timeoutMs: number,
): Promise<ArticleRecord> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { items } = await api<{ items: { id: string; status: string }[] }>(
      `/articles?key=${encodeURIComponent(key)}`,
    );
    const item = items[0];
    if (item && ['DONE', 'PARTIAL', 'FAILED'].includes(item.status)) return api<ArticleRecord>(`/articles/${item.id}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${key} did not reach a terminal state in ${timeoutMs} ms`);
}
