/** The most claims an article record keeps, whichever engine found them. */
export const MAX_CLAIMS = 20;

/**
 * Which claims an article keeps, for both engines: the `max` most
 * check-worthy (a tie goes to the one earlier in the text), then in reading
 * order (claims not located in the text last), numbered c1, c2, …
 */
export function selectClaims<T extends { checkworthiness: number; start: number | null }>(
  claims: readonly T[],
  max = MAX_CLAIMS,
): (T & { id: string })[] {
  const position = (claim: T) => claim.start ?? Number.MAX_SAFE_INTEGER;
  return [...claims]
    .sort((a, b) => b.checkworthiness - a.checkworthiness || position(a) - position(b))
    .slice(0, max)
    .sort((a, b) => position(a) - position(b))
    .map((claim, i) => ({ id: `c${i + 1}`, ...claim }));
}
