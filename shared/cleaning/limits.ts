import { InvalidInputError } from '../errors.js';

/**
 * The structure cleaning works within, whatever an upload's shape: past any
 * of these it ends TOO_COMPLEX at once, before the parser that would pay for
 * it runs. Each limit is checked by a linear scan of the source (the HTML
 * scan in formats/html-scan.ts, the Markdown one in formats/markdown-parts.ts,
 * the JSON one in formats/json.ts). The size limit (5 MB, shared/limits.ts)
 * and the word limit (TOO_LONG) bound the rest.
 *
 * "Real pages" below are the 1,080 news pages of the two extraction sets
 * (../shared/eval-data/extraction) and samples/: each limit is several times
 * the largest of them. Costs are CPU time on a 2-core machine, measured with
 * `npm run hostile` and shapes built at the limit (README, "Limits").
 */
export const LIMITS = {
  html: {
    /**
     * Elements in the page (after scripts, styles, SVG and comments are
     * dropped). Real pages: at most 10,110, 99th percentile 2,837. linkedom
     * builds a node for each, and Readability reads a page with no article
     * four times over: 600,000 <p> took 1.3 GB; 48,000 elements of links
     * 10 s and 540 MB, 30,000 of them 6 s and 340 MB.
     */
    elements: 30_000,
    /**
     * Links (<a> elements) in the page. Real pages: at most 2,215, 99th
     * percentile 689. A page of links has no article, and Readability reads
     * it four times over before saying so, each link an element, an
     * attribute and a text node: 20,000 links took 3 s of CPU in process and
     * 7 s in the CLI, past the cleaning budget on a loaded machine.
     */
    links: 10_000,
    /**
     * How deep elements nest. Real pages: at most 51, 99th percentile 31.
     * Readability reads the text under each candidate for each of its
     * ancestors: one chain 256 deep takes 2–3 s, 512 deep 20 s, 5,000 deep
     * over 15 minutes. (Chromium's parser stops nesting at 512.)
     */
    depth: 128,
    /**
     * The sum over elements of their depth: what Readability's cost grows
     * with (each element's text is read for each ancestor). Real pages: at
     * most 148,101, 99th percentile 46,044. At the limit, 70 chains of 125
     * elements with a word each take 5 s.
     */
    nesting: 600_000,
    /** Attributes on one element. Real pages: at most 64. 400,000 took 1 GB. */
    attributesPerElement: 1_000,
    /** Attributes in the page. Real pages: at most 10,154. */
    attributes: 200_000,
    /**
     * Names in one class attribute. Real pages: at most 122. linkedom and
     * Readability split it into a list, and 2,000,000 overflowed the stack.
     */
    classNames: 1_000,
    /**
     * Places where a parse ends a text node inside a run of text: each
     * character reference the parser decodes (those html-references.ts
     * can't write out first), each `<` that starts no tag, and each `&`,
     * `<`, `>` and no-break space, which linkedom writes back as references
     * when Readability serialises the page to read it again. Each is a node
     * Readability walks among its siblings: 100,000 `&amp;` took 3 s of CPU
     * and 200,000 overflowed the stack; 4.5 MB of them ran 20 s past the
     * deadline. Real pages: see tests/unit/cleaning/hostile.test.ts.
     */
    textBreaks: 30_000,
    /**
     * Child nodes of one element (elements, text nodes, comments; CDATA in
     * HTML is a comment). Real pages: at most 2,251, 99th percentile 391.
     * When Readability finds too little it sets the page's body back from
     * its HTML, and linkedom passes the body's new children to one call as
     * arguments: 150,000 of them (CDATA sections, which no other limit
     * counted) overflowed the stack there.
     */
    siblings: 20_000,
  },
  json: {
    /**
     * How deep arrays and objects nest in a JSON upload. An article is one
     * flat object, but JSON.parse builds all of it before a field is read:
     * 1,000,000 nested arrays took 3 s and 250 MB.
     */
    depth: 64,
  },
  text: {
    /**
     * Distinct lines of one document that chrono is asked to read as a bare
     * timestamp (those of 80 characters or fewer with a four-digit number and
     * only words a date can have: dates.ts), counted as the text is cleaned.
     * Real pages: at most 12 (the extraction sets, samples/ and the test
     * fixtures), 99th percentile 2. chrono takes 5 to 10 µs a line, and the
     * paste rules asked up to three times a line: 300,000 date lines (4.2 MB)
     * took 6 s of CPU, 14 s when they all differ.
     */
    timestampLines: 2_000,
  },
  markdown: {
    /**
     * Quote and list markers before one line's text (`> > - 1. …`). The
     * parser's work on each line grows with them: 100,000 `>` ran past 60 s.
     * The same as markdown-it's default maxNesting; articles use 3 or 4.
     */
    nesting: 100,
    /** Reference link definitions (`[label]: url`). 150,000 took 2.8 GB; articles have a few dozen. */
    linkDefinitions: 1_000,
    /**
     * Table cells (rows × columns) in the document. micromark keeps about
     * 20 KB per row until the table ends: 600,000 rows took 4.6 GB. An
     * article's tables have hundreds.
     */
    tableCells: 5_000,
    /**
     * Inline markup characters (`*`, `_`, `[`, `` ` ``) in the document:
     * each opens a delimiter or a label micromark keeps events for, a link
     * about 18 KB. "*a " × 1,000,000 took 2.6 GB, 49,000 links 10 s. An
     * article with 1,000 links and its emphasis has a few thousand.
     */
    inlineMarkup: 20_000,
    /**
     * Characters of Markdown with no place to end a part (a blank line
     * followed by unindented text): the document is parsed a part at a
     * time, so that memory grows with the largest part, not with the
     * document. No article paragraph, list or table comes near.
     */
    blockChars: 100_000,
  },
} as const;

/** TOO_COMPLEX, saying which limit the document passed. */
export function tooComplex(what: string, limit: number): InvalidInputError {
  return new InvalidInputError(
    'TOO_COMPLEX',
    `The document is too complex to clean: ${what} is past the limit of ${limit.toLocaleString('en')}.`,
  );
}

/**
 * Whether arrays and objects in a JSON text nest deeper than `limit`, by a
 * scan of its characters (brackets in strings do not count), before
 * JSON.parse builds any of it. Malformed JSON is scanned all the same.
 */
export function jsonNestsPast(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: to its closing quote, past escaped characters.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
