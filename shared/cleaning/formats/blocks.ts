import type { Budget } from '../budget.js';
import type { El } from '../page-metadata.js';
import { pipeTable, widest } from './pipe-table.js';

/** Elements that start and end a block of text. */
export const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

/** Elements that never hold article text (captions are the picture's, not the article's). */
export const SKIP_TAGS = new Set([
  'figure',
  'figcaption',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'canvas',
  'iframe',
  'button',
  'select',
  'form',
  'input',
  'textarea',
]);

/** Page furniture by its element: what a page puts around its article. */
const FURNITURE_TAGS = new Set(['nav', 'aside', 'footer', 'address']);

const HEADING = /^h[1-6]$/;
const FURNITURE_ROLES = /^(navigation|banner|contentinfo|complementary|dialog|alert)$/;

/**
 * Characters of a text that are not white space (as `\s` matches it), in
 * UTF-16 code units: `text.replace(/\s+/g, '').length` without building the
 * string.
 */
export function visibleChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) count++;
    else if (!isSpace(c)) count++;
  }
  return count;
}

function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** One block of a page's text, with what the extractor scores it by. */
export interface PageBlock {
  text: string;
  /** Characters of the text (white space out) and of those inside links. */
  chars: number;
  linkChars: number;
  /** The block element that holds it (its index in the walk's order of block elements). */
  owner: number;
  heading: boolean;
  /** A list item or a table cell: a sentence of its own or a fragment. */
  item: boolean;
  /** A data table, printed as pipe rows. */
  table: boolean;
}

/** The page as blocks, and the block elements' tree (preorder: an element's subtree is `[i, end[i]]`). */
export interface PageBlocks {
  blocks: PageBlock[];
  parent: number[];
  end: number[];
  /** Each block element's tag, class, id or role names page furniture (menus, sharing, related stories). */
  furniture: boolean[];
  /**
   * Each block element is named as a page's comments or its lists of other
   * stories, and holds neither the page's first <h1> nor an element named
   * as its body: furniture however much text it holds.
   */
  sure: boolean[];
  /** Each block element's name is a lead's as much as a teaser's ("teaser-text", "intro"), or it sits inside one. */
  lead: boolean[];
  /** Characters of text inside each block element. */
  chars: number[];
  /** Each block element is a <p>. */
  paragraph: boolean[];
  /** What each block element's name says: 2 the article's body by class, id or itemprop; 1 an <article> or <main>; else 0. */
  bonus: number[];
}

/**
 * A table of data as Markdown pipes, one row per line (the first row the
 * header); null for a layout table (nested tables or paragraphs in its
 * cells, one column, or long cells), whose text is read as text.
 */
export function dataTable(table: El): string | null {
  if (table.querySelector('table, p, div, ul, ol, h1, h2, h3, blockquote')) return null;
  const rows = (Array.from(table.querySelectorAll('tr')) as El[]).map((tr) =>
    (Array.from(tr.children) as El[])
      .filter((cell) => /^t[dh]$/i.test(cell.localName ?? ''))
      .map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()),
  );
  const width = widest(rows);
  // Long cells, counted as printed (a pipe escaped), make it a layout table.
  const long = rows.flat().some((cell) => cell.length + cell.split('|').length - 1 > 200);
  if (rows.length < 2 || width < 2 || long) return null;
  return pipeTable(rows);
}

/** Class and id words of page furniture: sharing, menus, related stories, comments, bylines, notices. */
const FURNITURE_NAMES =
  /(^|[\s_-])(share|sharing|social|related|newsletter|promo|sponsor(ed)?|advert|ads?|tags?|tag-list|caption|credits?|byline|dateline|timestamp|comments?|comment-list|subscribe|signup|recommend(ed|ations)?|breadcrumbs?|toolbar|more-stories|read-more|see-also|author-bio|author|about-author|author-box|authorbox|author-info|bio|sidebar|widget|menu|nav|navbar|navigation|footer|cookies?|consent|popup|modal|teaser|most-popular|outbrain|taboola|rail|trending|most-?read|most-?viewed|popular|paywall|hidden|hide|sr-only|visually-hidden|print-only|skip-link|disclaimer|meta|post-meta|entry-meta|article-meta)([\s_-]|$)/i;
/**
 * A class that says an element's label is hidden ("field--label-hidden", as
 * Drupal marks a field printed without its label) says nothing of the
 * element: it is no "hidden" furniture word.
 */
const LABEL_HIDDEN = /\S*label-hidden/gi;

/** The class and id words name page furniture (FURNITURE_NAMES). */
function furnitureName(named: string): boolean {
  return FURNITURE_NAMES.test(/label-hidden/i.test(named) ? named.replace(LABEL_HIDDEN, ' ') : named);
}

/** Class and id words of a page's comments and lists of other stories: never the article, however long. */
const SURE_NAMES =
  /(^|[\s_-])(comments?|comment-list|comments-area|comment-section|discussion|disqus|replies|outbrain|taboola|related-(posts|articles|stories|content)|more-stories|recommendations|most-?read|most-?viewed)([\s_-]|$)/i;

/** Class and id words of an article's body. */
const BODY_NAMES =
  /(^|[\s_-])(article[-_]{0,2}(body|content|text)|story[-_]{0,2}(body|content|text)|post[-_]{0,2}(content|body|text)|entry[-_]{0,2}(content|body|text)|body[-_]{0,2}text|main[-_]{0,2}content|content[-_]{0,2}(body|text)|text[-_]{0,2}content|news[-_]{0,2}(body|text)|rich[-_]{0,2}text|field[-_]{0,2}body|fulltext|td-post-content|single[-_]{0,2}content)([\s_-]|$)/i;

/** Class and id words a page gives its lead as well as its teasers. */
const LEAD_NAMES = /(^|[\s_-])(teaser|teaser-?text|intro|lead|standfirst|summary|excerpt)([\s_-]|$)/i;

/**
 * An element's class and id. The class attribute's own value, not
 * getAttribute('class'): linkedom answers that from the element's classList,
 * which it builds (a Set of the names) on first use, and the parse has set
 * the attribute to that list's value already.
 */
const names = (el: El) => `${el.getAttributeNode('class')?.value ?? ''} ${el.getAttribute('id') ?? ''}`;

function hidden(el: El): boolean {
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  const style = el.getAttribute('style');
  return style !== null && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

/**
 * The page's blocks in reading order, in one walk of the tree: each block
 * element and each `<br>`-separated run of inline text is a block, with its
 * link text, its element, and the marks of its ancestors (furniture, body).
 * Hidden elements, forms, scripts and captions are left out.
 */
export function pageBlocks(root: El, budget: Budget): PageBlocks {
  const blocks: PageBlock[] = [];
  const parent: number[] = [];
  const end: number[] = [];
  const bonus: number[] = [];
  const furnitureNamed: boolean[] = [];
  const lead: boolean[] = [];
  const sureNamed: boolean[] = [];
  const paragraph: boolean[] = [];
  /** The block element of the page's first <h1>, or -1. */
  let h1 = -1;
  let buffer = '';
  let linked = 0;
  let owner = -1;
  let ownerTag = '';
  let item = false;
  const flush = () => {
    if (buffer.length === 0) return;
    const text = buffer.replace(/\s+/g, ' ').trim();
    buffer = '';
    if (text) {
      const chars = visibleChars(text);
      blocks.push({
        text,
        chars,
        linkChars: Math.min(linked, chars),
        owner,
        heading: HEADING.test(ownerTag),
        item,
        table: false,
      });
    }
    linked = 0;
  };
  const open = (el: El, tag: string): number => {
    const id = parent.length;
    parent.push(owner);
    end.push(id);
    const named = names(el);
    furnitureNamed.push(
      FURNITURE_TAGS.has(tag) ||
        FURNITURE_ROLES.test(el.getAttribute('role') ?? '') ||
        (furnitureName(named) && !/embed|tweet|quote/i.test(named)),
    );
    lead.push(LEAD_NAMES.test(named) || (lead[owner] ?? false));
    sureNamed.push(SURE_NAMES.test(named) && !/embed|tweet|quote/i.test(named));
    paragraph.push(tag === 'p');
    if (tag === 'h1' && h1 < 0) h1 = id;
    bonus.push(
      el.getAttribute('itemprop') === 'articleBody' || BODY_NAMES.test(named)
        ? 2
        : tag === 'article' || tag === 'main'
          ? 1
          : 0,
    );
    return id;
  };
  const walk = (node: El, inLink: boolean) => {
    for (let child = node.firstChild as El | null; child !== null; child = child.nextSibling as El | null) {
      budget.tick('reading the page’s blocks');
      if (child.nodeType === 3) {
        const text = child.textContent ?? '';
        buffer += text;
        if (inLink) linked += visibleChars(text);
        continue;
      }
      if (child.nodeType !== 1) continue;
      const tag = child.localName?.toLowerCase() ?? '';
      if (SKIP_TAGS.has(tag) || hidden(child)) continue;
      if (tag === 'br') {
        flush();
        continue;
      }
      if (tag === 'td' || tag === 'th') {
        buffer += ' ';
        walk(child, inLink);
        buffer += ' ';
        continue;
      }
      if (!BLOCK_TAGS.has(tag)) {
        walk(child, inLink || tag === 'a');
        continue;
      }
      flush();
      const table = tag === 'table' ? dataTable(child) : null;
      const saved = { owner, ownerTag, item };
      owner = open(child, tag);
      ownerTag = tag;
      item ||= tag === 'li' || tag === 'dd' || tag === 'dt';
      if (table) {
        const chars = visibleChars(table);
        blocks.push({ text: table, chars, linkChars: 0, owner, heading: false, item: false, table: true });
      } else {
        walk(child, inLink);
        flush();
      }
      end[owner] = parent.length - 1;
      ({ owner, ownerTag, item } = saved);
    }
  };
  walk(root, false);
  flush();
  const chars = parent.map(() => 0);
  for (const block of blocks) if (block.owner >= 0) chars[block.owner] = (chars[block.owner] ?? 0) + block.chars;
  for (let id = parent.length - 1; id > 0; id--) {
    const up = parent[id] as number;
    if (up >= 0) chars[up] = (chars[up] ?? 0) + (chars[id] ?? 0);
  }
  // An element that holds the page's heading or its named body is the article's wrapper, whatever its name.
  const core = parent.map((_, id) => id === h1 || bonus[id] === 2);
  for (let id = parent.length - 1; id > 0; id--) {
    const up = parent[id] as number;
    if (up >= 0 && core[id]) core[up] = true;
  }
  const sure = sureNamed.map((named, id) => named && !core[id]);
  return { blocks, parent, end, bonus, furniture: furnitureNamed, sure, lead, chars, paragraph };
}
