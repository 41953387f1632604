import { PrecisError, TransientError } from '../errors.js';
import { truncate } from '../truncate.js';

/**
 * What a failed call to the article table means to the pipeline. DynamoDB
 * answers a malformed request, or an item past its 400 KB limit, with a
 * `ValidationException`, the same way every time: a permanent
 * STORAGE_REJECTED that ends the article now. Anything else may pass (the
 * table unreachable, throttled, timing out): a retryable STORAGE_UNAVAILABLE.
 * A precis error, already coded, is kept as it is.
 */
export function tableError(what: string, error: unknown): PrecisError {
  if (error instanceof PrecisError) return error;
  if ((error as { name?: unknown } | null)?.name === 'ValidationException') {
    const reason = truncate(String((error as Error).message ?? ''), 200);
    return new PrecisError('STORAGE_REJECTED', `The article table refused the request (${what}): ${reason}`, {
      cause: error,
    });
  }
  return new TransientError('STORAGE_UNAVAILABLE', `The article table could not be reached (${what}).`, error);
}
