import { TransientError } from '../errors.js';
import type { CleanRequest } from '../ports.js';
import type { CleanOptions } from './index.js';

/**
 * The time rules of a cleaning request, shared by the cleaners in process
 * and in workers. No parser is imported here: the ingest function's own
 * thread loads this, and cleans nothing.
 */

/**
 * When a cleaning that starts at `now` must end: after its budget, unless
 * the delivery's time (`endBy`) ends first. `ownBudget` tells which: running
 * out of its own budget is the upload's doing (STAGE_TIMEOUT), out of the
 * delivery's is not (cutShort).
 */
export function cleaningDeadline(request: CleanRequest, now = Date.now()): { deadline: number; ownBudget: boolean } {
  const own = now + request.budgetMs;
  return own <= request.endBy ? { deadline: own, ownBudget: true } : { deadline: request.endBy, ownBudget: false };
}

/** A cleaning that waited behind other uploads and could not finish, or start, before its delivery's time ran out. */
export function cutShort(): TransientError {
  return new TransientError(
    'STAGE_TIMEOUT',
    'Cleaning waited behind other uploads and ran out of its delivery’s time; the upload comes back to be cleaned with its whole budget.',
  );
}

/** What cleanDocument is given for a request, with the deadline the request's time sets. */
export function cleanOptions(request: CleanRequest, deadline: number): CleanOptions {
  const { name, languages, maxWords, maxBytes } = request;
  return {
    name,
    deadline,
    ...(languages ? { languages } : {}),
    ...(maxWords === undefined ? {} : { maxWords }),
    ...(maxBytes === undefined ? {} : { maxBytes }),
  };
}
