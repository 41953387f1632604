import type { Checks, Summary } from '../../article.js';
import type { UsageMeter } from '../usage.js';
import type { ArticleBudget } from './budget.js';
import type { OutputMode } from './transport.js';

/** What one article's analysis needs to make its calls: where to count, when to stop, what it may spend. */
export interface Run {
  meter: UsageMeter;
  signal: AbortSignal;
  deadline: number;
  /** The article's ceiling on billed calls and spend. */
  budget: ArticleBudget;
  /** The output modes its calls were answered in. */
  modes: Set<OutputMode>;
  /** Some call was answered by precis's stand-in server. */
  stub?: boolean;
}

/** How often an answer that did not fit is split again before the stage gives up. */
export const MAX_SPLITS = 3;
/** Calls at once for the parts of one article, or its languages. */
export const PARALLEL_CALLS = 3;

/**
 * Runs `run` over the items, at most `limit` at a time, keeping their order.
 * After a failure no item is started, and the calls already running are
 * waited for before the first error is thrown: no call outlives the analysis
 * that made it (and goes unaccounted).
 */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await run(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

export const summaryText = (s: Summary) => [s.headline, s.short, ...s.bullets].join('\n');

/** What a translation renders, as one text: the summary's fields (when given) and the claims. */
export const translatableText = (v: Partial<Summary> & { claims: { text: string }[] }) =>
  [v.headline ?? '', v.short ?? '', ...(v.bullets ?? []), ...v.claims.map((c) => c.text)].join('\n');

/** The summary as sentences for the verifier: each field ends with a stop. */
export const asSentences = (s: Summary) =>
  [s.headline, s.short, ...s.bullets].map((f) => (/[.!?؟。]$/u.test(f.trim()) ? f.trim() : `${f.trim()}.`)).join(' ');

export function emptyChecks(): Checks {
  return {
    claims: { total: 0, grounded: 0, ungrounded: 0, dropped: 0 },
    numbers: { summaryNotInArticle: [], translations: {} },
  };
}
