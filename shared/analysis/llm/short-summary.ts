import type { Summary } from '../../article.js';
import { clip } from '../headline.js';
import { bulletsInShort, SHORT_MAX_WORDS } from '../summarize.js';

/**
 * The short summary, made from the bullets rather than asked for: the
 * bullets in their order as far as they fit in 60 words (the first one
 * clipped only when it alone is longer), each ending with a full stop. It
 * is the rule the offline summariser's short follows (summarize.ts), whose
 * cross-validated ROUGE beats the lead of its own length (`npm run
 * eval:summary`); a model's short summary said again what its bullets say,
 * and was paid for in the analysis and in every translation (about 190
 * output tokens an article with two languages). A translation's short is
 * made the same way from its translated bullets, the same ones as the
 * source's, so it says what the source's says.
 */

/** Languages written without spaces between words or sentences. */
const UNSPACED = new Set(['zh', 'ja']);

const ENDS = /[.!?؟。…][”’"'»)\]]*$/u;

/** The first `count` bullets as one paragraph in `language`; one bullet alone clipped to 60 words. */
export function shortFromBullets(
  bullets: readonly string[],
  language: string | null,
  count = bulletsInShort(bullets),
): string {
  const unspaced = UNSPACED.has((language ?? '').split('-')[0] ?? '');
  const stop = unspaced ? '。' : '.';
  const taken = bullets
    .slice(0, count)
    .map((b) => b.trim())
    .filter(Boolean);
  if (taken.length === 1) {
    const only = clip(taken[0] as string, SHORT_MAX_WORDS);
    return ENDS.test(only) ? only : `${only}${stop}`;
  }
  return taken.map((b) => (ENDS.test(b) ? b : `${b}${stop}`)).join(unspaced ? '' : ' ');
}

/** A summary whose short is made from its bullets. */
export function withShort(summary: Omit<Summary, 'short'>, language: string | null): Summary {
  return { headline: summary.headline, short: shortFromBullets(summary.bullets, language), bullets: summary.bullets };
}

/**
 * Whether a summary's short is the one its bullets make (every summary
 * since the short is no longer asked for), or a model's own (an answer kept
 * from before, which a translation must then translate as it is).
 */
export function shortIsFromBullets(summary: Summary, language: string | null): boolean {
  return summary.short === shortFromBullets(summary.bullets, language);
}
