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
 * when that tail runs past (above); else `ours` as it is. A cut that would
 * leave less than an article (MIN_CHARS) is not made: the two readings then
 * agree on a line or two (a lead, a caption), not on where the article ends.
 */
export function cutAtAgreement(ours: string[], theirs: string[]): string[] {
  if (textLength(ours) < TAIL_CHARS) return ours;
  const shared = sharedWith(ours, theirs.join(' '));
  if (!runsPast(ours, shared)) return ours;
  const head = ours.slice(0, shared.lastIndexOf(true) + 1);
  return textLength(head) < MIN_CHARS ? ours : head;
}

/** Characters of good text from which precis's own reading of the page is taken without asking Readability. */
export const TRUSTED_CHARS = 1500;

/**
 * Up to this many characters precis's own reading is checked against
 * Readability's, which replaces it when it finds a fifth more text (an
 * article split into sibling blocks, short lines the block classes drop).
 */
export const CHECKED_CHARS = 2500;
const LONGER = 1.2;

/**
 * A reading that keeps this share of all the page's text has likely taken
 * the page rather than its article (its comments, its other stories): it is
 * checked against Readability's whatever its length, and Readability's
 * replaces it when it is shorter by a tenth. Only those pages pay for both.
 */
export const WHOLE_PAGE_SHARE = 0.85;
const SHORTER = 0.9;

/** Fewest characters of paragraph text either reading needs to count as an article. */
export const MIN_CHARS = 250;

/** What the choice between the two readings of a page knows of precis's own. */
export interface OwnReading {
  paragraphs: string[];
  /** Characters of its text (white space out) and of the page's blocks. */
  chars: number;
  allChars: number;
  /** Good text on the whole page, by the rules' classes. */
  pageChars: number;
  /** Each paragraph lies inside the element whose own <p> children hold the most text. */
  inDense: boolean[];
  /** The block model's probability of each paragraph (NaN without a model). */
  probabilities: number[];
}

/** The two readings of a page, as the cleaner has them when it must choose. */
export interface Readings {
  own: OwnReading | null;
  /** Readability's paragraphs (or the densest container's), [] when it found none. */
  theirs: string[];
  /** The own reading is long enough that Readability is asked only where it ends. */
  long: boolean;
  /** What the page says of itself: its title and description ('' when it says nothing), and its site's name. */
  stated?: string;
  site?: string | null;
}

const textLength = (paragraphs: string[]) => paragraphs.reduce((sum, p) => sum + p.length, 0);

/**
 * Most of either reading's text the other may hold for the two to be
 * readings of different parts of the page (an article and a rail of
 * teasers, a comment thread, a notice), not longer and shorter readings of
 * one article.
 */
export const APART_SHARE = 0.3;

/** Share of `ours`'s text (characters) that `theirs` holds too. */
function heldShare(ours: string[], theirs: string[]): number {
  const shared = sharedWith(ours, theirs.join(' '));
  let [all, held] = [0, 0];
  ours.forEach((p, i) => {
    all += p.length;
    if (shared[i]) held += p.length;
  });
  return all === 0 ? 0 : held / all;
}

/** The two readings are of different parts of the page: neither holds more than APART_SHARE of the other. */
export function apart(ours: string[], theirs: string[]): boolean {
  return heldShare(ours, theirs) <= APART_SHARE && heldShare(theirs, ours) <= APART_SHARE;
}

/** Characters of a reading's start compared with what the page says of itself: an article speaks of its title early. */
const OPENING_CHARS = 3000;
/**
 * Words that say what a text is about: four letters or digits and more (no
 * article, no preposition of most languages). Scripts written without spaces
 * give runs that seldom match: both readings then speak of nothing, and the
 * tie leaves the choice to the rules.
 */
const TOPIC_WORD = /[\p{L}\p{N}]{4,}/gu;

const topicWords = (text: string) => new Set(text.toLowerCase().match(TOPIC_WORD) ?? []);

/** Fewest words the page must say of itself (its site's name apart) to tell its article from the rest. */
const STATED_WORDS = 3;

/**
 * The words a page says of itself (its title's and description's), less
 * its site's name (printed all over the page): null when fewer than STATED_WORDS.
 */
export function statedWords(stated: string | undefined, site?: string | null): Set<string> | null {
  const words = topicWords(stated ?? '');
  for (const word of topicWords(site ?? '')) words.delete(word);
  return words.size >= STATED_WORDS ? words : null;
}

/** Share of the page's stated words (above) that a reading's opening holds. */
export function speaksOf(words: Set<string>, paragraphs: string[]): number {
  const opening = topicWords(paragraphs.join(' ').slice(0, OPENING_CHARS));
  let found = 0;
  for (const word of words) if (opening.has(word)) found++;
  return found / words.size;
}

/**
 * When the two readings are of different parts of the page, the one that
 * speaks of what the page says it is about (its title and description) is
 * its article: 'own', 'theirs', or null when that does not tell them apart.
 */
export function statedChoice(own: string[], theirs: string[], words: Set<string> | null): 'own' | 'theirs' | null {
  if (words === null || !apart(own, theirs)) return null;
  const [mine, other] = [speaksOf(words, own), speaksOf(words, theirs)];
  if (mine === other) return null;
  return mine > other ? 'own' : 'theirs';
}

/**
 * Which reading the cleaner takes: precis's own (cut where it runs far past
 * Readability's), or null for Readability's. When the two are of different
 * parts of the page, the one that speaks of what the page says it is about
 * (statedChoice). Else its own when Readability finds too little, when it
 * is long, or when it holds text enough and Readability does not find a
 * fifth more (unless it keeps most of the page and Readability's is a tenth
 * shorter).
 */
export function defaultChoice({ own, theirs, long, stated, site }: Readings): string[] | null {
  if (!own || own.chars < MIN_CHARS) return null;
  const [theirChars, ownLength] = [textLength(theirs), textLength(own.paragraphs)];
  if (theirChars >= MIN_CHARS) {
    const by = statedChoice(own.paragraphs, theirs, statedWords(stated, site));
    if (by !== null) return by === 'own' ? own.paragraphs : null;
  }
  const wholePage = own.chars >= WHOLE_PAGE_SHARE * own.allChars;
  const trusted = own.chars >= TRUSTED_CHARS;
  const takeOwn =
    theirChars < MIN_CHARS ||
    long ||
    (trusted &&
      theirChars <= LONGER * ownLength &&
      !(wholePage && own.chars >= CHECKED_CHARS && theirChars < SHORTER * ownLength));
  return takeOwn ? cutAtAgreement(own.paragraphs, theirs) : null;
}

let chooser: (readings: Readings) => string[] | null = defaultChoice;

/** The reading the cleaner takes (above), or the one `withChoice` puts in its place. */
export function chooseReading(readings: Readings): string[] | null {
  return chooser(readings);
}

/** Runs `fn` with `choose` in place of the cleaner's choice: the trainer records both readings and scores each. */
export function withChoice<T>(choose: (readings: Readings) => string[] | null, fn: () => T): T {
  const saved = chooser;
  chooser = choose;
  try {
    return fn();
  } finally {
    chooser = saved;
  }
}
