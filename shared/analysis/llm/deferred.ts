import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { BookEntry, DeferredCall } from '../../batch/ports.js';
import { type LlmAnswer, type LlmRequest, STUB_SERVER, type Transport, type WiredTransport } from './transport.js';

/**
 * Batch mode at the call layer: an article's run sees the answers its
 * earlier batches brought (its book), and each call that has none is put
 * off, as a line for the next batch, instead of being sent. The engine is
 * the same; a run that put calls off is run again once a batch answered
 * them, and goes further each time, until it ends.
 */

/** What one article's run in batch mode reads and writes. */
export interface BatchRun {
  articleId: string;
  /** Its book: the answers its batches brought, by request key. */
  answers: ReadonlyMap<string, BookEntry>;
  /** `defer`: a call with no answer is put off; `realtime`: it is sent at once (the batch failed it, or expired). */
  mode: 'defer' | 'realtime';
  /** The calls put off so far (filled by the run). */
  deferred: DeferredCall[];
}

/** Thrown where a call is put off: the run stops there and resumes when the batch has answered it. */
export class CallDeferred extends Error {
  override readonly name = 'CallDeferred';
}

const current = new AsyncLocalStorage<BatchRun>();

/** Runs `work` (an article's analysis) as a batch-mode run: its calls go through `run`. */
export function withinBatchRun<T>(run: BatchRun, work: () => Promise<T>): Promise<T> {
  return current.run(run, work);
}

/** Whether a call made now, without an answer in its article's book, is put off to a batch rather than sent. */
export function puttingOff(): boolean {
  return current.getStore()?.mode === 'defer';
}

const MARKER = /=====BEGIN ARTICLE (\S+)=====/g;

/**
 * The identity of a request: its API and body, as sent, but for the random
 * token of the article's marker lines (prompts.ts), drawn anew each time the
 * prompt is built: the same call of a later run has the same key.
 */
export function requestKey(api: 'chat' | 'responses', body: Record<string, unknown>): string {
  let text = JSON.stringify([api, body]);
  for (const token of new Set([...text.matchAll(MARKER)].map((m) => m[1] as string))) {
    text = text.replaceAll(token, '<token>');
  }
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

const CUSTOM_ID = /^([a-f0-9]{24})\/([^/]+)\/([a-f0-9]{32})$/;

export const customIdOf = (articleId: string, stage: string, key: string) => `${articleId}/${stage}/${key}`;

/** The article, stage and request key a line's custom_id names; null for a line precis did not write. */
export function parseCustomId(customId: string): { articleId: string; stage: string; key: string } | null {
  const m = CUSTOM_ID.exec(customId);
  return m ? { articleId: m[1] as string, stage: m[2] as string, key: m[3] as string } : null;
}

const NO_USAGE = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, prepaid: true };

/**
 * A transport that, inside a batch-mode run, answers from the article's book
 * and puts off what the book lacks; outside one, it is the transport it
 * wraps. An answer from the book was counted on the article when its batch
 * was collected, so it comes back `prepaid` and is not counted again.
 */
export class DeferringTransport implements Transport {
  constructor(private readonly inner: WiredTransport) {}

  get api(): 'chat' | 'responses' {
    return this.inner.api;
  }

  prepaid(request: LlmRequest): boolean {
    const run = current.getStore();
    return run?.answers.has(requestKey(this.api, this.inner.bodyOf(request))) ?? false;
  }

  async send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer> {
    const run = current.getStore();
    if (!run) return this.inner.send(request, options);
    const body = this.inner.bodyOf(request);
    const key = requestKey(this.api, body);
    const kept = run.answers.get(key);
    if (kept) {
      const answer = this.inner.answerOf(kept.body, kept.stub ? new Headers({ server: STUB_SERVER }) : null);
      return { ...answer, usage: NO_USAGE, reportedUsage: false, reportedCache: false };
    }
    if (run.mode === 'realtime') return this.inner.send(request, options);
    const stage = request.stage ?? 'analysis';
    if (!run.deferred.some((d) => d.key === key)) {
      const customId = customIdOf(run.articleId, stage, key);
      run.deferred.push({ customId, key, stage, api: this.api, model: request.model, body });
    }
    throw new CallDeferred(`The ${stage} call of article ${run.articleId} waits on a batch.`);
  }
}
