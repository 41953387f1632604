import type { ArticleError } from '../article.js';
import { ERROR_CODES, type ErrorCode, PrecisError, type Stage } from '../errors.js';

/** Which receive of a queue message this is: the last one decides what a failure means. */
export interface Delivery {
  attempt: number;
  maxAttempts: number;
}

export const isLastAttempt = (delivery: Delivery) => delivery.attempt >= delivery.maxAttempts;

/**
 * The error stored on an article. A known error keeps its code and sentence;
 * anything else becomes INTERNAL_ERROR with a generic sentence, so no
 * internals reach the record.
 */
export function articleError(error: unknown, stage: Stage, attempts: number): ArticleError {
  if (error instanceof PrecisError) {
    const exhausted = !error.permanent;
    return {
      code: error.code,
      message: exhausted ? `${error.message} Gave up after ${attempts} attempts.` : error.message,
      stage,
      attempts,
    };
  }
  const code: ErrorCode = 'INTERNAL_ERROR';
  return { code, message: `${ERROR_CODES[code]} Gave up after ${attempts} attempts.`, stage, attempts };
}
