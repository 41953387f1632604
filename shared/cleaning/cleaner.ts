import { PrecisError } from '../errors.js';
import type { Cleaner } from '../ports.js';
import { cleaningDeadline, cleanOptions, cutShort } from './deadline.js';
import { cleanDocument, loadLanguageModels } from './index.js';

/**
 * The Cleaner in the caller's thread: for unit tests and tools, where an
 * upload's cost is the caller's own. The ingest function and the local stack
 * clean in workers (lambdas/ingest/worker-cleaner.ts).
 */
export const inProcessCleaner: Cleaner = {
  async clean(bytes, request) {
    await loadLanguageModels();
    const { deadline, ownBudget } = cleaningDeadline(request);
    if (deadline <= Date.now()) throw cutShort();
    try {
      return cleanDocument(bytes, cleanOptions(request, deadline));
    } catch (error) {
      if (!ownBudget && error instanceof PrecisError && error.code === 'STAGE_TIMEOUT') throw cutShort();
      throw error;
    }
  },
  async warm() {
    await loadLanguageModels();
  },
  async close() {},
};
