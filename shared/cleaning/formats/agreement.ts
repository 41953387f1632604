/**
 * Where two readings of a page part. An article is one run of text in
 * reading order; what one reading keeps after the last paragraph that an
 * independent reading also keeps, when that tail is long and longer than
 * what both keep, is what follows the article on the page (its comments,
 * its other stories) joined to it by the block classes' context.
 */

/** Fewest characters of such a tail that count as the page's other content, not a last paragraph or two. */
export const TAIL_CHARS = 2000;

/** Characters of the paragraphs after the last one `shared` marks, and of those it marks; -1 when none is. */
function tail(paragraphs: string[], shared: boolean[]): { last: number; tail: number; both: number } {
  const last = shared.lastIndexOf(true);
  let [after, both] = [0, 0];
  paragraphs.forEach((p, i) => {
    if (i > last) after += p.length;
    else if (shared[i]) both += p.length;
  });
  return { last, tail: after, both };
}

/** The reading runs on past the other (marked by `shared`) far enough to be suspect. */
export function runsPast(paragraphs: string[], shared: boolean[]): boolean {
  const t = tail(paragraphs, shared);
  return t.last >= 0 && t.tail >= TAIL_CHARS && t.tail >= t.both;
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Characters of a paragraph's start that find it in another reading's text (which may join or space its paragraphs otherwise). */
const PROBE = 40;

/** Which of `ours` the text of another reading holds too. */
export function sharedWith(ours: string[], theirs: string): boolean[] {
  const text = collapse(theirs);
  return ours.map((p) => text.includes(collapse(p).slice(0, PROBE)));
}

/**
 * `ours` without what it keeps past the last paragraph `theirs` keeps too,
 * when that tail runs past (above); else `ours` as it is.
 */
export function cutAtAgreement(ours: string[], theirs: string[]): string[] {
  if (ours.reduce((sum, p) => sum + p.length, 0) < TAIL_CHARS) return ours;
  const shared = sharedWith(ours, theirs.join(' '));
  return runsPast(ours, shared) ? ours.slice(0, shared.lastIndexOf(true) + 1) : ours;
}
