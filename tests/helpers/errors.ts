import { PrecisError } from '../../shared/errors.js';

/** The precis error code `run` throws, or undefined when it throws nothing (other errors propagate). */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof PrecisError) return error.code;
    throw error;
  }
}

/** The precis error code `promise` rejects with, or undefined when it resolves. */
export async function codeOfAsync(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof PrecisError) return error.code;
    throw error;
  }
}

/** The precis error `promise` rejects with; anything else (or resolving) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<PrecisError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof PrecisError)) throw new Error(`expected a PrecisError, got ${String(error)}`);
  return error;
}
