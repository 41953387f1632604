/**
 * Uploads built to hurt a cleaner (tests/helpers/hostile.ts), cleaned in
 * process: each ends with its code in well under a second, refused by a
 * scan of its source before a parser builds anything; real pages pass the
 * same scans; and nothing a terminal acts on survives cleaning.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as chrono from 'chrono-node';
import { Parser } from 'htmlparser2';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { describe, expect, it, vi } from 'vitest';
import { Budget, NO_DEADLINE } from '../../../shared/cleaning/budget.js';
import { scanHtml, withoutUnreadAttributes } from '../../../shared/cleaning/formats/html-scan.js';
import { parseMarkdown } from '../../../shared/cleaning/formats/markdown.js';
import { markdownParts } from '../../../shared/cleaning/formats/markdown-parts.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { LIMITS } from '../../../shared/cleaning/limits.js';
import { splitParagraphs } from '../../../shared/cleaning/plaintext.js';
import { PrecisError } from '../../../shared/errors.js';
import { DEFAULT_MAX_OBJECT_BYTES } from '../../../shared/limits.js';
import { HOSTILE_INPUTS, TERMINAL_CONTROLS } from '../../helpers/hostile.js';
import { SAMPLES_DIR, sharedFile } from '../../helpers/samples.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const FIXTURES = join(import.meta.dirname, '../../fixtures/pages');

function outcome(bytes: Uint8Array, name: string, maxWords: number | null = 100_000): string {
  try {
    cleanDocument(bytes, { name, ...(maxWords === null ? {} : { maxWords }) });
    return 'cleaned';
  } catch (error) {
    return error instanceof PrecisError ? error.code : `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('an upload built to hurt the cleaner', () => {
  it.each(HOSTILE_INPUTS.filter((input) => input.code !== null).map((input) => [input.what, input] as const))(
    '%s ends with its code',
    (_what, input) => {
      const bytes = input.bytes();
      // Past the size limit it would be refused unread, and prove nothing.
      expect(bytes.length).toBeLessThanOrEqual(DEFAULT_MAX_OBJECT_BYTES);
      expect(outcome(bytes, input.file)).toBe(input.code);
    },
  );

  it.each(HOSTILE_INPUTS.filter((input) => input.code === null).map((input) => [input.what, input] as const))(
    '%s is cleaned without a character a terminal acts on',
    (_what, input) => {
      const cleaned = cleanDocument(input.bytes(), { name: input.file });
      for (const field of [cleaned.title, cleaned.byline, cleaned.site, cleaned.text]) {
        expect(field).toBeTruthy();
        expect(field).not.toMatch(TERMINAL_CONTROLS);
      }
      // What was around the controls stays, paragraphs stay apart.
      expect(cleaned.title).toMatch(/^Council.*meets$/);
      expect(cleaned.byline).toBe('Jane[0m Doe');
      expect(cleaned.text.split('\n\n').length).toBeGreaterThan(1);
    },
  );

  it('refuses 4.5 MB of `&amp;` by its count of references, before a parser builds a node for each', () => {
    const amps = HOSTILE_INPUTS.find((input) => input.name === 'amp-references');
    // The parse of all of them (900,000 text nodes) took 20 s and then overflowed the stack in Readability's retry.
    expect(() => cleanDocument(amps?.bytes() ?? new Uint8Array(), { name: 'a.html' })).toThrow(
      /too complex to clean: the number of character references, `&`, `<`, `>` and no-break spaces in the HTML’s text is past the limit of 30,000/,
    );
  });

  it('refuses 150,000 CDATA sections by the count of the body’s children, before a parser builds a node for each', () => {
    const cdata = HOSTILE_INPUTS.find((input) => input.name === 'cdata-siblings');
    // Each is a comment node; when Readability set the body back from its HTML, linkedom passed them all to one call and overflowed the stack.
    expect(() => cleanDocument(cdata?.bytes() ?? new Uint8Array(), { name: 'a.html' })).toThrow(
      /too complex to clean: the number of child nodes of one HTML element is past the limit of 20,000/,
    );
  });

  it('reads a 4.5 MB line of `< ` without splitting it into its million words', () => {
    // Prepare: every split made while it is cleaned, and how many pieces it made.
    const lt = HOSTILE_INPUTS.find((input) => input.name === 'stray-lt-text');
    const split = vi.spyOn(String.prototype, 'split');
    try {
      // Act
      const code = outcome(lt?.bytes() ?? new Uint8Array(), 'a.txt');
      // Assess: the furniture and headline rules looked at a few of its words, not at 2,250,000 (1.4 s and 360 MB).
      expect(code).toBe('NO_ARTICLE_TEXT');
      const pieces = split.mock.results.map((result) => (result.value as string[]).length);
      expect(pieces.length).toBeGreaterThan(0);
      expect(Math.max(...pieces)).toBeLessThanOrEqual(10);
    } finally {
      split.mockRestore();
    }
  });

  it('refuses a plain text with more letters and digits than the word limit allows before a line of it is normalised', () => {
    // Prepare: "Dr. A. B. " × 450,000 (4.5 MB), and every normalisation made while it is cleaned.
    const bytes = utf8('Dr. A. B. '.repeat(450_000));
    const normalize = vi.spyOn(String.prototype, 'normalize');
    try {
      // Act
      const code = outcome(bytes, 'a.txt');
      // Assess: TOO_LONG as before, without its lines split, normalised (three times) and read by the paste rules.
      expect(code).toBe('TOO_LONG');
      expect(normalize).not.toHaveBeenCalled();
    } finally {
      normalize.mockRestore();
    }
  });

  it('reads a line of a text that is a date once, however often it comes and whichever rule asks', () => {
    // Prepare: count chrono's English reads (the first reader a timestamp line is given).
    const reads = vi.spyOn(chrono.strict, 'parse');
    try {
      // Act: 300,000 times the same date line (4.2 MB), all of it furniture; with no word limit, which its letters
      // and digits alone pass (TOO_LONG before a line is read).
      const code = outcome(utf8('March 5, 2024\n'.repeat(300_000)), 'a.txt', null);
      // Assess: the paste rules asked chrono up to three times a line, 900,000 reads (6 s of CPU).
      expect(code).toBe('NO_ARTICLE_TEXT');
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      reads.mockRestore();
    }
  });

  it('refuses a text of more different date lines than the limit before chrono has read them all', () => {
    // Prepare
    const reads = vi.spyOn(chrono.strict, 'parse');
    const input = HOSTILE_INPUTS.find((i) => i.name === 'date-lines');
    try {
      // Act: with no word limit, which its letters and digits alone pass (TOO_LONG before a line is read).
      const code = outcome(input?.bytes() ?? new Uint8Array(), 'a.txt', null);
      // Assess: TOO_COMPLEX after at most the limit's reads, not 250,000 lines read three times each.
      expect(code).toBe('TOO_COMPLEX');
      expect(reads.mock.calls.length).toBeLessThanOrEqual(LIMITS.text.timestampLines);
    } finally {
      reads.mockRestore();
    }
  });

  it('reads no date from a meta tag of megabytes, which chrono read whole', () => {
    const input = HOSTILE_INPUTS.find((i) => i.name === 'meta-date-long');
    const cleaned = cleanDocument(input?.bytes() ?? new Uint8Array(), { name: 'a.html' });
    // chrono took 5 s and 600 MB to find the first of its 300,000 dates; no date is 4 MB long.
    expect(cleaned.publishedAt).toBeNull();
    expect(cleaned.text).toContain('The provincial council met');
  });

  it('cleans a page whose JSON-LD author nests 1,000,000 arrays deep, reading no name from it', () => {
    const input = HOSTILE_INPUTS.find((i) => i.name === 'jsonld-deep-author');
    // Reading the name overflowed the stack: the whole page ended TOO_COMPLEX.
    const cleaned = cleanDocument(input?.bytes() ?? new Uint8Array(), { name: 'a.html' });
    expect(cleaned.byline).toBeNull();
    expect(cleaned.text).toContain('The provincial council met');
  });

  it('parses no JSON-LD nested past the limit, and reads the other JSON-LD of the page', () => {
    // Prepare: a script of 2,000,000 nested arrays (4 MB) before the article's own JSON-LD.
    const deep = `<script type="application/ld+json">${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}</script>`;
    const own = '<script type="application/ld+json">{"@type":"NewsArticle","author":{"name":"Jane Doe"}}</script>';
    const body = `<article><p>${'The provincial council met on Tuesday to discuss the water supply of the city. '.repeat(3)}</p></article>`;
    const bytes = utf8(
      `<!doctype html><html><head><title>Water</title>${deep}${own}</head><body>${body}</body></html>`,
    );
    const parse = vi.spyOn(JSON, 'parse');
    try {
      // Act
      const cleaned = cleanDocument(bytes, { name: 'a.html' });
      // Assess: JSON.parse built all 2,000,000 arrays (1.4 s and 350 MB) before the depth was looked at.
      const longest = Math.max(0, ...parse.mock.calls.map(([text]) => String(text).length));
      expect(longest).toBeLessThan(10_000);
      expect(cleaned.byline).toBe('Jane Doe');
      expect(cleaned.text).toContain('The provincial council met');
    } finally {
      parse.mockRestore();
    }
  });

  it('names the limit it passed', () => {
    const deep = HOSTILE_INPUTS.find((input) => input.name === 'deep-divs');
    expect(() => cleanDocument(deep?.bytes() ?? new Uint8Array(), { name: 'a.html' })).toThrow(
      /too complex to clean: how deep HTML elements nest is past the limit of 128/,
    );
  });
});

/** Where htmlparser2 ends a text node and starts another right after it: the text breaks the scan must not undercount. */
function parsedTextBreaks(html: string): number {
  let breaks = 0;
  let text = false;
  const other = () => {
    text = false;
  };
  new Parser(
    {
      ontext() {
        if (text) breaks++;
        text = true;
      },
      onopentagname: other,
      onclosetag: other,
      oncomment: other,
      onprocessinginstruction: other,
    },
    { decodeEntities: true },
  ).end(html);
  return breaks;
}

/** The most child nodes htmlparser2 gives one element (or the document): each element, text run and comment. */
function parsedSiblings(html: string): number {
  const children = [0];
  let most = 0;
  const child = () => {
    const count = (children.at(-1) as number) + 1;
    children[children.length - 1] = count;
    most = Math.max(most, count);
  };
  new Parser(
    {
      onopentagname: () => {
        child();
        children.push(0);
      },
      onclosetag: () => {
        children.pop();
      },
      ontext: child,
      oncomment: child,
    },
    { decodeEntities: true },
  ).end(html);
  return most;
}

/** What htmlparser2 (linkedom's parser) builds from a page: elements, links, the deepest one, the sum of depths, attributes. */
function parsedShape(html: string) {
  const shape = { elements: 0, links: 0, depth: 0, nesting: 0, attributes: 0 };
  let depth = 0;
  new Parser(
    {
      onopentagname(name) {
        shape.elements++;
        if (name === 'a') shape.links++;
        depth++;
        shape.depth = Math.max(shape.depth, depth);
        shape.nesting += depth;
      },
      onattribute() {
        shape.attributes++;
      },
      onclosetag() {
        depth--;
      },
    },
    { decodeEntities: true },
  ).end(html);
  return shape;
}

/** The real pages at hand: the samples and fixtures, and the ScrapingHub set when the evaluation data is beside the project. */
function realPages(): [string, string][] {
  const pages: [string, string][] = [];
  for (const dir of [SAMPLES_DIR, FIXTURES]) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
      pages.push([file, readFileSync(join(dir, file), 'utf8')]);
    }
  }
  const extraction = sharedFile('eval-data/extraction/scrapinghub-aeb/html');
  for (const file of extraction ? readdirSync(extraction).filter((f) => f.endsWith('.html.gz')) : []) {
    pages.push([file, gunzipSync(readFileSync(join(extraction as string, file))).toString('utf8')]);
  }
  return pages;
}

describe('the scan of a page before it is parsed', () => {
  it('counts the tree the parser builds, on every real page at hand, and lets each through', () => {
    for (const [name, html] of realPages()) {
      const { textBreaks, siblings, ...shape } = scanHtml(html, NO_DEADLINE);
      expect(shape, name).toEqual(parsedShape(html));
      // The text breaks and siblings counted are at least those the parser makes of the page as it is handed over.
      const prepared = withoutUnreadAttributes(html, NO_DEADLINE);
      expect(textBreaks, name).toBeGreaterThanOrEqual(parsedTextBreaks(prepared));
      expect(siblings, name).toBeGreaterThanOrEqual(parsedSiblings(prepared));
    }
  });

  it('counts what the parser’s rules make of tricky markup', () => {
    const tricky = [
      // Implied ends: <p> by a block, <li> by <li>, cells and rows by their next one.
      '<div><p>a<div>b</div><ul><li>1<li>2</ul><table><tr><td>x<td>y<tr><td>z</table></div>',
      // Raw text: tags in scripts, styles, titles and textareas are text; `</script` needs a delimiter after it.
      '<title><b>x</b></title><script>if (a < b) "<div><div>"; </scripts> </script><textarea><p></textarea><p>',
      // Self-closing tags nest in HTML, close themselves in SVG; void elements never nest; </br> is a <br>.
      '<div/><span/><svg><path/><g/></svg><br><img src=x></br></p>',
      // Attributes: quoted with > inside, unquoted, without a value, repeated.
      '<a href="x>y" title=\'a"b\' data-x=1 hidden hidden class="a  b">t</a>',
      // Comments, declarations, CDATA, processing instructions and stray <.
      '<!doctype html><!-- <div> --><![CDATA[<p>]]><?php echo "<div>"; ?>a < b <3 </ p> <>',
    ];
    for (const html of tricky) {
      const { textBreaks, siblings, ...shape } = scanHtml(html, NO_DEADLINE);
      expect(shape, html).toEqual(parsedShape(html));
      const prepared = withoutUnreadAttributes(html, NO_DEADLINE);
      expect(textBreaks, html).toBeGreaterThanOrEqual(parsedTextBreaks(prepared));
      expect(siblings, html).toBeGreaterThanOrEqual(parsedSiblings(prepared));
    }
  });
});

/** A Markdown text's blocks as micromark reads it, without positions and definitions. */
function blocksOf(markdown: string): unknown[] {
  const tree = fromMarkdown(markdown, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  return JSON.parse(JSON.stringify(tree.children, (key, value) => (key === 'position' ? undefined : value))).filter(
    (node: { type: string }) => node.type !== 'definition',
  );
}

describe('Markdown in parts', () => {
  it('parses a long document part by part as it would whole: references, code, quotes, lists, tables', () => {
    // Prepare: a long article whose references are defined far from their use.
    const block = [
      'A paragraph with a [reference link][far] and *emphasis*, and `code`.',
      '```\nfenced code\n\nwith a blank line, and [far] inside\n```',
      '> a quote\n> over two lines',
      '1. one\n2. two',
      '| a | b |\n| - | - |\n| 1 | 2 |',
      '<!-- a comment\n\nover a blank line -->',
      'Text after [Far] and [near][].',
    ].join('\n\n');
    const body = `${Array.from({ length: 12 }, (_, i) => `## Part ${i}\n\n${block}`).join('\n\n')}\n\n[far]: https://example.com/far\n[near]: https://example.com/near\n`;
    // Act: parts of about 1,000 characters (32,000 in use).
    const parts = markdownParts(body, NO_DEADLINE, 1_000);
    // Assess: many parts, whose trees together are the whole's (definitions aside: precis keeps no link targets).
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.flatMap(blocksOf)).toEqual(blocksOf(body));
    const { paragraphs } = parseMarkdown(body);
    expect(paragraphs).toContain('A paragraph with a reference link and emphasis, and code.');
    expect(paragraphs).toContain('Text after Far and near.');
  });
});

describe('the deadline', () => {
  it('is checked inside a long loop, not only between the steps', () => {
    // Prepare: a clock that moves a millisecond each time it is read, and 10 ms to go.
    let now = 0;
    const budget = new Budget(10, () => now++);
    // Act
    const run = () => splitParagraphs('a line\n'.repeat(100_000), budget);
    // Assess
    expect(run).toThrow(/ran out of its time budget after \d+ ms, at splitting the text into paragraphs/);
  });
});
