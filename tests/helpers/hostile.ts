/**
 * Uploads built to hurt a cleaner: deep or wide structure, pathological
 * Markdown, huge attribute lists, terminal escapes. Each is generated here
 * (none is committed), small enough to pass the 5 MB size limit, and named
 * with the code it must end with. Used by the hostile tests and by
 * `npm run hostile`, which times each one.
 */

export interface HostileInput {
  /** A short name, also the file name's stem. */
  name: string;
  /** The object key's file name: its extension chooses the parser. */
  file: string;
  /** What a user would see it do, in a few words. */
  what: string;
  /** The error code it must end with; 'cleaned' when it must be cleaned; null for the escapes: cleaned, without them. */
  code: 'TOO_COMPLEX' | 'TOO_LONG' | 'NO_ARTICLE_TEXT' | 'cleaned' | null;
  bytes: () => Uint8Array;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const page = (body: string, head = '<title>Hostile</title>') =>
  utf8(`<!doctype html><html><head>${head}</head><body>${body}</body></html>`);

/** A sentence long enough for Readability to take its paragraph for article text. */
const PROSE =
  'The provincial council met on Tuesday to discuss the water supply of the city, which has been short for weeks.';

const MONTHS = 'January February March April May June July August September October November December'.split(' ');

/** `count` lines that are each a date ("March 5, 2024"), as many of them different as there are dates from 1900 to 2099. */
function dateLines(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(`${MONTHS[Math.floor(i / 5_600) % 12]} ${1 + (Math.floor(i / 200) % 28)}, ${1900 + (i % 200)}`);
  }
  return lines.join('\n');
}

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  {
    name: 'deep-divs',
    file: 'deep-divs.html',
    what: '5,000 nested <div>s (55 KB)',
    code: 'TOO_COMPLEX',
    bytes: () => page(`${'<div>'.repeat(5_000)}<p>${PROSE}</p>${'</div>'.repeat(5_000)}`),
  },
  {
    name: 'deep-divs-text',
    file: 'deep-divs-text.html',
    what: '2,000 nested <div>s, each with a sentence',
    code: 'TOO_COMPLEX',
    bytes: () => page(`${`<div><p>${PROSE}</p>`.repeat(2_000)}${'</div>'.repeat(2_000)}`),
  },
  {
    name: 'nested-inline',
    file: 'nested-inline.html',
    what: '100,000 nested inline elements (<b>, <i>, <span>, <a>)',
    code: 'TOO_COMPLEX',
    bytes: () => {
      const tags = ['b', 'i', 'span', 'a'];
      const open = Array.from({ length: 100_000 }, (_, i) => `<${tags[i % 4]}>`).join('');
      return page(`<p>${open}${PROSE}</p>`);
    },
  },
  {
    name: 'nested-tables',
    file: 'nested-tables.html',
    what: '50,000 nested tables',
    code: 'TOO_COMPLEX',
    bytes: () => page(`${'<table><tr><td>'.repeat(50_000)}${PROSE}${'</td></tr></table>'.repeat(50_000)}`),
  },
  {
    name: 'json-html-divs',
    file: 'json-html-divs.json',
    what: 'a JSON article whose html field is 200,000 <div>s',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(JSON.stringify({ title: 'Hostile', html: `${'<div>a'.repeat(200_000)}<p>${PROSE}</p>` })),
  },
  {
    name: 'json-deep',
    file: 'json-deep.json',
    what: 'JSON nested 1,000,000 arrays deep',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`{"body": "${PROSE}", "extra": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`),
  },
  {
    name: 'md-quotes',
    file: 'md-quotes.md',
    what: 'Markdown quoted 100,000 levels deep',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`# Hostile\n\n${'>'.repeat(100_000)} ${PROSE}\n`),
  },
  {
    name: 'md-deep-list',
    file: 'md-deep-list.md',
    what: 'a Markdown list 2,000 levels deep',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`# Hostile\n\n${'- '.repeat(2_000)}${PROSE}\n`),
  },
  {
    name: 'md-table-rows',
    file: 'md-table-rows.md',
    what: 'a Markdown table of 600,000 rows (3.6 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`# Hostile\n\n${PROSE}\n\n|a|b|\n|-|-|\n${'|a|b|\n'.repeat(600_000)}`),
  },
  {
    name: 'md-table-wide',
    file: 'md-table-wide.md',
    what: 'a Markdown table 100,000 columns wide, 10 rows',
    code: 'TOO_COMPLEX',
    bytes: () => {
      const row = (cell: string) => `${`|${cell}`.repeat(100_000)}|\n`;
      return utf8(`# Hostile\n\n${PROSE}\n\n${row('a')}${row('-')}${row('b').repeat(10)}`);
    },
  },
  {
    name: 'md-link-definitions',
    file: 'md-link-definitions.md',
    what: '150,000 Markdown link definitions',
    code: 'TOO_COMPLEX',
    bytes: () =>
      utf8(
        `# Hostile\n\n${PROSE}\n\n${Array.from({ length: 150_000 }, (_, i) => `[l${i}]: https://x.io/${i}\n`).join('')}`,
      ),
  },
  {
    name: 'md-front-matter-open',
    file: 'md-front-matter-open.md',
    what: 'Markdown front matter never closed: 450,000 key: value lines',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`---\ntitle: Hostile\n${'key: value\n'.repeat(450_000)}\n${PROSE}\n`),
  },
  {
    name: 'md-stars',
    file: 'md-stars.md',
    what: '"*a " × 1,000,000 in Markdown',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`# Hostile\n\n${PROSE}\n\n${'*a '.repeat(1_000_000)}\n`),
  },
  {
    name: 'md-underscores',
    file: 'md-underscores.md',
    what: '"_a" × 1,000,000 in Markdown',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`# Hostile\n\n${PROSE}\n\n${'_a'.repeat(1_000_000)}\n`),
  },
  {
    name: 'md-brackets',
    file: 'md-brackets.md',
    what: '"[" × 1,000,000 in Markdown',
    code: 'TOO_COMPLEX',
    bytes: () => utf8(`# Hostile\n\n${PROSE}\n\n${'['.repeat(1_000_000)}\n`),
  },
  {
    name: 'many-paragraphs',
    file: 'many-paragraphs.html',
    what: '600,000 <p>a</p> (4.8 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<article>${'<p>a</p>'.repeat(600_000)}</article>`),
  },
  {
    name: 'links',
    file: 'links.html',
    what: '20,000 links and no other text (360 KB)',
    code: 'TOO_COMPLEX',
    bytes: () => page('<a href=x>link</a>'.repeat(20_000)),
  },
  {
    name: 'list-of-links',
    file: 'list-of-links.html',
    what: 'a sentence and 12,000 <li><a> items',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<p>${PROSE}</p><ul>${'<li><a href=x>link</a></li>'.repeat(12_000)}</ul>`),
  },
  {
    name: 'many-attributes',
    file: 'many-attributes.html',
    what: 'one element with 400,000 attributes',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<div ${Array.from({ length: 400_000 }, (_, i) => `a${i}=1`).join(' ')}><p>${PROSE}</p></div>`),
  },
  {
    name: 'class-names',
    file: 'class-names.html',
    what: 'a class attribute of 2,000,000 names',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<div class="${'a '.repeat(2_000_000)}"><p>${PROSE}</p></div>`),
  },
  {
    name: 'amp-references',
    file: 'amp-references.html',
    what: '"&amp;" × 900,000 (4.5 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => utf8('&amp;'.repeat(900_000)),
  },
  {
    name: 'nbsp-references',
    file: 'nbsp-references.html',
    what: '"&nbsp;" × 750,000 in a page (4.5 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<p>${PROSE}</p><p>${'&nbsp;'.repeat(750_000)}</p>`),
  },
  {
    name: 'letter-references',
    file: 'letter-references.html',
    what: '"&#x41;" × 750,000 (4.5 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => utf8('&#x41;'.repeat(750_000)),
  },
  {
    name: 'stray-lt',
    file: 'stray-lt.html',
    what: '"< " × 2,000,000 in a page (4 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<p>${PROSE}</p><p>${'< '.repeat(2_000_000)}</p>`),
  },
  {
    name: 'cdata-siblings',
    file: 'cdata-siblings.html',
    what: 'a sentence and 150,000 CDATA sections (1.9 MB), each a comment node of the body',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<p>${PROSE}</p>${'<![CDATA[a]]>'.repeat(150_000)}`),
  },
  {
    name: 'noscript-comments',
    file: 'noscript-comments.html',
    what: 'a <noscript> left open, then 300,000 comments (2.4 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => page(`<p>${PROSE} ${PROSE}</p><noscript>${'<!--c-->'.repeat(300_000)}`),
  },
  {
    name: 'many-breaks',
    file: 'many-breaks.html',
    what: '"<br>" × 1,000,000 (4 MB)',
    code: 'TOO_COMPLEX',
    bytes: () => utf8('<br>'.repeat(1_000_000)),
  },
  {
    name: 'one-word-lines',
    file: 'one-word-lines.txt',
    what: '130,000 one-word lines (260 KB)',
    code: 'TOO_LONG',
    bytes: () => utf8('a\n'.repeat(130_000)),
  },
  {
    name: 'stray-lt-text',
    file: 'stray-lt-text.txt',
    what: '"< " × 2,250,000 in a text file (4.5 MB), one line',
    code: 'NO_ARTICLE_TEXT',
    bytes: () => utf8('< '.repeat(2_250_000)),
  },
  {
    name: 'date-lines',
    file: 'date-lines.txt',
    what: '250,000 lines that are each a date, 67,200 of them different (4.1 MB)',
    // Its 2.6 million letters and digits are more than the word limit allows: refused before a line is read as a date
    // (the unit test reads it with no word limit, to TOO_COMPLEX after 2,000 different dates).
    code: 'TOO_LONG',
    bytes: () => utf8(dateLines(250_000)),
  },
  {
    name: 'meta-date-long',
    file: 'meta-date-long.html',
    what: 'an article whose published_time meta tag is "March 5, 2024 " × 300,000 (4.2 MB)',
    code: 'cleaned',
    bytes: () =>
      page(
        `<article><p>${PROSE} ${PROSE}</p><p>${PROSE}</p></article>`,
        `<title>Hostile</title><meta property="article:published_time" content="${'March 5, 2024 '.repeat(300_000)}">`,
      ),
  },
  {
    name: 'jsonld-deep-author',
    file: 'jsonld-deep-author.html',
    what: 'an article whose JSON-LD author is nested in 1,000,000 arrays (2 MB)',
    code: 'cleaned',
    bytes: () =>
      page(
        `<article><p>${PROSE} ${PROSE}</p><p>${PROSE}</p></article>`,
        `<title>Hostile</title><script type="application/ld+json">{"@type":"NewsArticle","author":${'['.repeat(1_000_000)}"Jane Doe"${']'.repeat(1_000_000)}}</script>`,
      ),
  },
  {
    name: 'escapes-html',
    file: 'escapes-html.html',
    what: 'ESC, BEL and C1 in a page’s title, byline, site and text',
    code: null,
    bytes: () =>
      page(
        `<article><h1>Council\x1b[2J meets</h1>${`<p>${PROSE}\x07 Rain\x1b]0;owned\x07 fell \u009b31m in Basra.</p>`}${`<p>${PROSE} ${PROSE}</p>`.repeat(20)}</article>`,
        `<title>Council\x1b[31m meets\u0007</title><meta name="author" content="Jane\x1b[0m Doe"><meta property="og:site_name" content="Daily\u009b1m News">`,
      ),
  },
  {
    name: 'escapes-json',
    file: 'escapes-json.json',
    what: 'ESC, BEL and C1 in a JSON article’s fields',
    code: null,
    bytes: () =>
      utf8(
        JSON.stringify({
          title: 'Council\x1b[31m meets\x07',
          byline: 'Jane\x1b[0m Doe',
          site: 'Daily\u009b1m News',
          body: `${PROSE}\x1b[2J\n\n${PROSE}\u0085\u009b31m\t${PROSE}\x7f`,
        }),
      ),
  },
];

/** C0 controls other than line feed and tab, DEL and C1: what a terminal may act on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this pattern is for.
export const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A cleaned text built to hurt the offline engine (sentence splitting, quotations, speakers, claims). */
export interface HostileText {
  name: string;
  what: string;
  text: () => string;
}

/** Each fits the word limit (100,000 words), as a cleaned text must. */
export const HOSTILE_TEXTS: readonly HostileText[] = [
  {
    name: 'titles',
    what: '"Dr. " × 100,000: one sentence of abbreviations and titles (400 KB)',
    text: () => 'Dr. '.repeat(100_000),
  },
  {
    name: 'titles-said',
    what: '190 sentences of 500 titles before "Ali Saleh said it." (96,000 words, 380 KB)',
    text: () => `${'Dr. '.repeat(500)}Ali Saleh said it.\n\n`.repeat(190),
  },
  {
    name: 'role-links',
    what: '"la a de " × 33,000: a French and Spanish role of endless "de" links (99,000 words)',
    text: () => 'la a de '.repeat(33_000),
  },
  {
    name: 'list-items',
    what: '"- a" on each of 100,000 lines: as many one-word sentences as the word limit allows (400 KB)',
    text: () => '- a\n'.repeat(100_000),
  },
  {
    name: 'open-quotes',
    what: 'a sentence, then 300,000 « left open on its line (600 KB)',
    text: () => `${PROSE} ${'« '.repeat(300_000)}`,
  },
];
