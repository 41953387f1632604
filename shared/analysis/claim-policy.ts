import { unicodePattern } from '../unicode-pattern.js';
import { figuresIn } from './figures.js';

/** The most claims an article record keeps, whichever engine found them. */
export const MAX_CLAIMS = 20;

/** Two claims with the same figures whose words overlap this much (Jaccard) say the same thing: the record keeps one. */
const SAME_CLAIM = 0.7;

const wordSet = (text: string) =>
  new Set(text.toLowerCase().match(unicodePattern(String.raw`[\p{L}\p{N}]+`, 'gu')) ?? []);
/** The figures of a claim: two claims that differ in one ("8,200" and "9,200", "1 200" and "1 300") say different things. */
const figures = (text: string) => figuresIn(text).sort().join(' ');

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Which claims an article keeps, for both engines: the `max` most
 * check-worthy (a tie goes to the one earlier in the text), no two saying
 * the same thing (a repeated quote, a paragraph pasted twice: the first,
 * most check-worthy one stays), then in reading order (claims not located in
 * the text last), numbered c1, c2, …
 */
export function selectClaims<T extends { checkworthiness: number; start: number | null; text: string }>(
  claims: readonly T[],
  max = MAX_CLAIMS,
): (T & { id: string })[] {
  const position = (claim: T) => claim.start ?? Number.MAX_SAFE_INTEGER;
  const kept: { claim: T; words: Set<string>; figures: string }[] = [];
  for (const claim of [...claims].sort((a, b) => b.checkworthiness - a.checkworthiness || position(a) - position(b))) {
    if (kept.length >= max) break;
    const words = wordSet(claim.text);
    const found = figures(claim.text);
    if (kept.some((k) => k.figures === found && jaccard(k.words, words) >= SAME_CLAIM)) continue;
    kept.push({ claim, words, figures: found });
  }
  return kept
    .map((k) => k.claim)
    .sort((a, b) => position(a) - position(b))
    .map((claim, i) => ({ id: `c${i + 1}`, ...claim }));
}
