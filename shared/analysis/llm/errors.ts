import { type ErrorCode, PrecisError } from '../../errors.js';
import type { Failure } from './failures.js';

/**
 * An LLM failure with its code. Permanent ones (the server refused the
 * credentials, the model, the request or the article; an answer that does
 * not fit; the article's ceiling reached) end the stage at once; the others
 * may pass and are retried by the queue. `retryAfterMs` is how long the
 * server asked to wait, when that is past the article's budget.
 */
export class LlmError extends PrecisError {
  override readonly name = 'LlmError';
  constructor(
    code: ErrorCode,
    message: string,
    options: { permanent: boolean; cause?: unknown; retryAfterMs?: number; contextLimit?: number | null } = {
      permanent: false,
    },
  ) {
    super(code, message, { permanent: options.permanent, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.contextLimit = options.contextLimit;
  }
  readonly retryAfterMs: number | undefined;
  /** For LLM_CONTEXT_TRUNCATED: the server's context window, when it said or showed it. */
  readonly contextLimit: number | null | undefined;
}

export const PERMANENT = { permanent: true };
export const TRANSIENT = { permanent: false };

export const isCode = (error: unknown, code: ErrorCode): error is LlmError =>
  error instanceof LlmError && error.code === code;

export function timeUp(cause?: unknown): LlmError {
  return new LlmError('LLM_TIMEOUT', "The article's time budget ran out during an LLM call.", { ...TRANSIENT, cause });
}

export function rateLimited(waitMs: number, cause?: unknown): LlmError {
  return new LlmError(
    'LLM_RATE_LIMITED',
    `The LLM server asked to wait ${Math.ceil(waitMs / 1000)} s, past the article's time budget.`,
    { ...TRANSIENT, cause, retryAfterMs: waitMs },
  );
}

export function unavailable(status: number | null, message: string, cause: unknown): LlmError {
  if (status === null && /timed? ?out/i.test(message)) {
    return new LlmError('LLM_TIMEOUT', 'An LLM call timed out through every retry.', { ...TRANSIENT, cause });
  }
  const what = status === null ? 'could not be reached' : `kept failing (${status})`;
  return new LlmError('LLM_UNAVAILABLE', `The LLM server ${what} through every retry: ${message}`, {
    ...TRANSIENT,
    cause,
  });
}

/** The article reached PRECIS_MAX_CALLS_PER_ARTICLE or PRECIS_MAX_COST_PER_ARTICLE: no call is sent past it. */
export function budgetExceeded(what: string): LlmError {
  return new LlmError(
    'LLM_BUDGET_EXCEEDED',
    `The article reached its ceiling: ${what}. Raise PRECIS_MAX_CALLS_PER_ARTICLE or PRECIS_MAX_COST_PER_ARTICLE to allow more.`,
    PERMANENT,
  );
}

/** A refusal the caller cannot learn from: what it means, in a sentence with the server's words. */
export function finalError(
  failure: Exclude<Failure, { kind: 'aborted' | 'retryable' | 'cap-name' | 'effort' }>,
  model: string,
  cause: unknown,
): LlmError {
  switch (failure.kind) {
    case 'filtered':
      return new LlmError('LLM_REFUSED', `The provider's content filter refused the prompt: ${failure.message}`, {
        ...PERMANENT,
        cause,
      });
    case 'context':
      return new LlmError(
        'LLM_CONTEXT_TRUNCATED',
        `The prompt is longer than the model's context: ${failure.message}`,
        { ...PERMANENT, cause, contextLimit: failure.limit },
      );
    case 'format':
      return new LlmError(
        'LLM_REJECTED',
        `The LLM server refused every output format (JSON schema, JSON mode, plain): ${failure.message}`,
        { ...PERMANENT, cause },
      );
    default: {
      const what =
        failure.status === 401 || failure.status === 403
          ? 'refused the credentials; check the API key'
          : failure.status === 404
            ? `does not serve the model "${model}"`
            : 'refused the request';
      return new LlmError('LLM_REJECTED', `The LLM server ${what} (${failure.status}): ${failure.message}`, {
        ...PERMANENT,
        cause,
      });
    }
  }
}
