import type { Budget } from '../budget.js';
import { LIMITS, tooComplex } from '../limits.js';
import { Ampersands, decodeTextRun } from './html-references.js';

/**
 * The tree htmlparser2 (linkedom's parser) will build from a page, counted
 * without building it: one pass over the markup with htmlparser2's own rules
 * for tags, raw text, implied end tags and void elements, refusing the page
 * (TOO_COMPLEX) as soon as it passes a limit. The parse that follows then
 * builds at most that much, and Readability walks at most that much.
 *
 * Where this reading could differ from the parser's, it counts more, never
 * less: text inside raw-text elements is skipped only as the parser skips it.
 */

/** Elements that never have children (htmlparser2's list). */
const VOID = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
/** The open elements a start tag ends while they are the current one (htmlparser2's openImpliesClose). */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>(
  (
    [
      ['tr', ['tr', 'th', 'td']],
      ['th', ['th']],
      ['td', ['thead', 'th', 'td']],
      ['body', ['head', 'link', 'script']],
      ['li', ['li']],
      ['option', ['option']],
      ['optgroup', ['optgroup', 'option']],
      ['dd', ['dd', 'dt']],
      ['dt', ['dd', 'dt']],
      ['rt', ['rt', 'rp']],
      ['rp', ['rt', 'rp']],
      ['tbody', ['thead', 'tbody']],
      ['tfoot', ['thead', 'tbody']],
      ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((tag) => [tag, FORM]),
      ...[
        'p',
        'h1',
        'h2',
        'h3',
        'h4',
        'h5',
        'h6',
        'address',
        'article',
        'aside',
        'blockquote',
        'details',
        'div',
        'dl',
        'fieldset',
        'figcaption',
        'figure',
        'footer',
        'form',
        'header',
        'hr',
        'main',
        'nav',
        'ol',
        'pre',
        'section',
        'table',
        'ul',
      ].map((tag) => [tag, P]),
    ] as [string, string[]][]
  ).map(([tag, closes]) => [tag, new Set(closes)]),
);

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
const isAlpha = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
/** Ends a tag name: white space, `/` or `>`. */
const endsName = (c: number) => c === 0x2f || c === 0x3e || isSpace(c);

/** Where the text of a raw-text element ends: its `</name` followed by white space or `>`, else the end. */
function rawTextEnd(html: string, from: number, name: string): number {
  for (let at = html.indexOf('</', from); at >= 0; at = html.indexOf('</', at + 2)) {
    const after = at + 2 + name.length;
    const next = html.charCodeAt(after);
    if ((next === 0x3e || isSpace(next)) && html.slice(at + 2, after).toLowerCase() === name) return at;
  }
  return html.length;
}

/** The shape counted so far; the scan throws when a limit is passed. */
class Shape {
  elements = 0;
  links = 0;
  depth = 0;
  nesting = 0;
  attributes = 0;
  /** Places a parse may end a text node inside a run of text (html-references.ts), and `<`s that start no tag. */
  textBreaks = 0;
  /** The most child nodes of one element (or of the document): elements, text nodes, comments. */
  siblings = 0;
  /** Open elements, the current one last. */
  readonly stack: string[] = [];
  /** How many child nodes each open element has so far, the document's first: `children[stack.length]` is the current one's. */
  private readonly children: number[] = [0];
  /** Whether each open foreign-content boundary is foreign (svg, math) or HTML again (their text elements). */
  readonly foreign: boolean[] = [false];

  constructor(private readonly budget: Budget) {}

  /** `count` more child nodes of the current element (or of the document, with none open). */
  child(count = 1): void {
    const at = this.stack.length;
    const children = (this.children[at] as number) + count;
    this.children[at] = children;
    if (children > this.siblings) this.siblings = children;
    if (children > LIMITS.html.siblings) {
      throw tooComplex('the number of child nodes of one HTML element', LIMITS.html.siblings);
    }
  }

  /** The open elements down to `length`: what an end tag (or one the parser implies) closes. */
  private closeTo(length: number): void {
    this.stack.length = length;
    this.children.length = length + 1;
  }

  open(name: string): void {
    const closes = IMPLIES_CLOSE.get(name);
    if (closes)
      while (this.stack.length > 0 && closes.has(this.stack.at(-1) as string)) this.closeTo(this.stack.length - 1);
    if (++this.elements > LIMITS.html.elements) throw tooComplex('the number of HTML elements', LIMITS.html.elements);
    if (name === 'a' && ++this.links > LIMITS.html.links) throw tooComplex('the number of links', LIMITS.html.links);
    const depth = this.stack.length + 1;
    if (depth > LIMITS.html.depth) throw tooComplex('how deep HTML elements nest', LIMITS.html.depth);
    if (depth > this.depth) this.depth = depth;
    this.nesting += depth;
    if (this.nesting > LIMITS.html.nesting) {
      throw tooComplex('the sum of the HTML elements’ depths', LIMITS.html.nesting);
    }
    this.child();
    if (VOID.has(name)) return;
    this.stack.push(name);
    this.children.push(0);
    if (FOREIGN.has(name)) this.foreign.push(true);
    else if (INTEGRATION.has(name)) this.foreign.push(false);
    this.budget.tick('reading the HTML’s structure');
  }

  close(name: string): void {
    if ((FOREIGN.has(name) || INTEGRATION.has(name)) && this.foreign.length > 1) this.foreign.pop();
    if (VOID.has(name)) {
      // `</br>` is read as a <br>.
      if (name === 'br') this.open('br');
      return;
    }
    const at = this.stack.lastIndexOf(name);
    if (at >= 0) this.closeTo(at);
    // `</p>` with no <p> open is read as an empty <p>.
    else if (name === 'p') {
      this.open('p');
      this.closeTo(this.stack.length - 1);
    }
  }

  /** The element `<x/>` opened, closed at once (SVG and MathML). */
  closeSelf(): void {
    this.closeTo(this.stack.length - 1);
  }

  /** `count` more places where the parser ends a text node inside a run of text. */
  textBreak(count: number): void {
    this.textBreaks += count;
    if (this.textBreaks > LIMITS.html.textBreaks) {
      throw tooComplex(
        'the number of character references, `&`, `<`, `>` and no-break spaces in the HTML’s text',
        LIMITS.html.textBreaks,
      );
    }
    this.child(count);
  }

  /** One more attribute, the `count`th of its element; `classes`, the value of a class attribute. */
  attribute(count: number, classes: string | null): void {
    if (count > LIMITS.html.attributesPerElement) {
      throw tooComplex('the number of attributes on one HTML element', LIMITS.html.attributesPerElement);
    }
    if (++this.attributes > LIMITS.html.attributes) {
      throw tooComplex('the number of HTML attributes', LIMITS.html.attributes);
    }
    if (classes !== null && classes.length > LIMITS.html.classNames) {
      // Split at white space and at entities (`&#32;` is a space once decoded): never fewer names than the parser finds.
      let names = 0;
      for (const _ of classes.matchAll(/[^\s&]+/g)) {
        if (++names > LIMITS.html.classNames) {
          throw tooComplex('the number of names in one class attribute', LIMITS.html.classNames);
        }
      }
    }
  }
}

/**
 * Attributes some reader of the page looks at: Readability 0.6 (class, id,
 * style, hidden, ARIA hidden and modal, role, itemprop, rel, href, a data
 * table's marks and spans, the document's lang and dir), the block reader
 * and the metadata (type, datetime, the meta tags'). Every other attribute
 * (data-*, title, alt, width, tabindex, event handlers…) only costs the
 * parse a node.
 */
const READ_ATTRIBUTES = new Set([
  'class',
  'id',
  'style',
  'hidden',
  'aria-hidden',
  'aria-modal',
  'role',
  'itemprop',
  'rel',
  'href',
  'type',
  'datetime',
  'lang',
  'dir',
  'datatable',
  'summary',
  'colspan',
  'rowspan',
  'content',
  'name',
  'property',
  'is',
]);
/** Elements whose every attribute is read (Readability looks through an image's or an embed's for addresses). */
const ALL_READ = new Set([
  'img',
  'picture',
  'figure',
  'source',
  'video',
  'audio',
  'iframe',
  'embed',
  'object',
  'param',
  'meta',
  'link',
  'script',
  'base',
  'html',
]);
/** An attribute name dropped only when it is a plain one (a stray quote or `<` in a name stays for the parser). */
const PLAIN_NAME = /^[a-z][a-z0-9_.:-]*$/i;

/**
 * Responsive visibility classes: the element is hidden on some screens and
 * shown on the others (Bootstrap's "hidden-xs", "hidden-sm-down",
 * "hidden-print", "hidden-phone"; Foundation's "hide-for-small-only"). Its
 * content is the page's, on a reader's screen, but the "hidden" and "hide"
 * in them read as furniture to precis's class words and to Readability's.
 */
const RESPONSIVE_HIDDEN =
  /(?<=^|\s)(?:hidden-(?:xs|sm|md|lg|xl|xxl|phone|tablet|desktop|print)(?:-(?:up|down|only))?|hide-for-[a-z-]+)(?=\s|$)/gi;
/**
 * Tailwind's way: a plain "hidden" (display: none) with a display class for
 * wider screens ("md:block", "sm:flex", "lg:inline", "xl:grid",
 * "2xl:table-cell"), which shows the element from that breakpoint on. The
 * "hidden" is taken out of such a value, the display class kept; a
 * "hidden" with no such class is hidden on every screen, and stays.
 */
const SHOWN_FROM_A_BREAKPOINT =
  /(?<=^|\s)(?:sm|md|lg|xl|2xl):(?:block|inline(?:-block|-flex|-grid|-table)?|flex|grid|table(?:-[a-z-]+)?|flow-root|contents|list-item)(?=\s|$)/i;
const PLAIN_HIDDEN = /(?<=^|\s)hidden(?=\s|$)/gi;
const MAY_HIDE_RESPONSIVELY = /hidden|hide-for-/i;

/** A class attribute's value without its responsive visibility classes (RESPONSIVE_HIDDEN); null when it has none. */
export function withoutResponsiveHiding(value: string): string | null {
  if (!MAY_HIDE_RESPONSIVELY.test(value)) return null;
  let kept = value.replace(RESPONSIVE_HIDDEN, ' ');
  if (SHOWN_FROM_A_BREAKPOINT.test(kept)) kept = kept.replace(PLAIN_HIDDEN, ' ');
  kept = kept.replace(/\s+/g, ' ').trim();
  return kept === value.replace(/\s+/g, ' ').trim() ? null : kept;
}

/**
 * Reads a start tag's attributes from `i` (just after its name); returns
 * where the tag ends (after its `>`) and whether it closed itself (`/>`).
 * With `edits`, adds a class value without its responsive visibility classes
 * (withoutResponsiveHiding) and, when `cutUnread`, each attribute no reader
 * uses, as edits of the page.
 */
function readAttributes(
  html: string,
  i: number,
  shape: Shape,
  edits: Edit[] | null,
  cutUnread: boolean,
): { end: number; selfClosing: boolean } {
  const n = html.length;
  let count = 0;
  let slash = false;
  while (i < n) {
    const c = html.charCodeAt(i);
    if (c === 0x3e) return { end: i + 1, selfClosing: slash };
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x2f) {
      slash = true;
      i++;
      continue;
    }
    slash = false;
    // An attribute's name runs to `=`, white space, `/` or `>` (a name may start with `=`).
    const nameStart = i;
    i++;
    while (i < n && html.charCodeAt(i) !== 0x3d && !endsName(html.charCodeAt(i))) i++;
    const isClass = i - nameStart === 5 && html.slice(nameStart, i).toLowerCase() === 'class';
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    const nameEnd = i;
    let attributeEnd = nameEnd;
    let [valueStart, valueEnd] = [i, i];
    let quoted = false;
    if (html.charCodeAt(i) === 0x3d) {
      i++;
      while (i < n && isSpace(html.charCodeAt(i))) i++;
      const quote = html.charCodeAt(i);
      if (quote === 0x22 || quote === 0x27) {
        const close = html.indexOf(quote === 0x22 ? '"' : "'", i + 1);
        [valueStart, valueEnd] = [i + 1, close < 0 ? n : close];
        quoted = true;
        i = valueEnd + 1;
      } else {
        valueStart = i;
        while (i < n && html.charCodeAt(i) !== 0x3e && !isSpace(html.charCodeAt(i))) i++;
        valueEnd = i;
      }
      attributeEnd = Math.min(i, n);
    }
    const classes = isClass ? html.slice(valueStart, valueEnd) : null;
    shape.attribute(++count, classes);
    if (edits !== null && classes !== null) {
      const shown = withoutResponsiveHiding(classes);
      // An unquoted value is one class: left empty, it is written `""` (an `=` before `>` would read as no value).
      if (shown !== null) edits.push([valueStart, valueEnd, quoted || shown !== '' ? shown : '""']);
    } else if (edits !== null && cutUnread) {
      const name = html.slice(nameStart, nameEnd).toLowerCase();
      if (!READ_ATTRIBUTES.has(name) && PLAIN_NAME.test(name)) edits.push([nameStart, attributeEnd, '']);
    }
  }
  return { end: n, selfClosing: false };
}

/** What the parser would build: elements, links, the deepest nesting, the sum of depths, attributes. */
export interface HtmlShape {
  elements: number;
  links: number;
  depth: number;
  nesting: number;
  attributes: number;
  /** Where a parse may end a text node inside a run of text (Shape.textBreak). */
  textBreaks: number;
  /** The most child nodes of one element, counted as the parse could make them, never fewer. */
  siblings: number;
}

/** A part of the page replaced before the parse: start, end, what takes its place. */
type Edit = [number, number, string];

/**
 * The page without the attributes no reader uses (READ_ATTRIBUTES), which
 * the parse would make a node each of, without the responsive visibility
 * classes (withoutResponsiveHiding), and with its text's character
 * references decoded where that is safe (html-references.ts), as the parse
 * makes a text node at each; throws TOO_COMPLEX as scanHtml does, the limits
 * counting every attribute the page has.
 */
export function withoutUnreadAttributes(html: string, budget: Budget): string {
  const edits: Edit[] = [];
  scanHtml(html, budget, edits);
  if (edits.length === 0) return html;
  const parts: string[] = [];
  let from = 0;
  for (const [start, end, text] of edits) {
    parts.push(html.slice(from, start), text);
    from = end;
  }
  parts.push(html.slice(from));
  return parts.join('');
}

/**
 * The shape of the tree the page parses to; throws TOO_COMPLEX when it would
 * pass a limit of LIMITS.html. With `edits`, collects, in the page's order,
 * the attributes no reader uses (cut) and the runs of text whose references
 * are decoded (withoutUnreadAttributes).
 */
export function scanHtml(html: string, budget: Budget, edits: Edit[] | null = null): HtmlShape {
  const shape = new Shape(budget);
  const n = html.length;
  const ampersands = new Ampersands(html);
  /** The text from `from` to `to`: its references decoded where safe (with `edits`), the rest counted. */
  const text = (from: number, to: number) => {
    if (from >= to) return;
    const run = decodeTextRun(html, from, to, ampersands);
    // A text node, and one more at each break in it.
    shape.child();
    shape.textBreak(run.breaks);
    if (run.decoded !== null && edits !== null) edits.push([from, to, run.decoded]);
    budget.tick('reading the HTML’s text');
  };
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    text(i, lt < 0 ? n : lt);
    if (lt < 0 || lt + 1 >= n) {
      const { elements, links, depth, nesting, attributes, textBreaks, siblings } = shape;
      return { elements, links, depth, nesting, attributes, textBreaks, siblings };
    }
    const c = html.charCodeAt(lt + 1);
    if (isAlpha(c)) {
      let j = lt + 2;
      while (j < n && !endsName(html.charCodeAt(j))) j++;
      const name = html.slice(lt + 1, j).toLowerCase();
      shape.open(name);
      // An <object>'s markup is searched whole for a video address: what is inside it keeps its attributes.
      const keepAll = ALL_READ.has(name) || shape.stack.includes('object');
      const { end, selfClosing } = readAttributes(html, j, shape, edits, !keepAll);
      // `<x/>` closes itself in SVG and MathML only; in HTML it is an open element (and no raw text).
      if (selfClosing && shape.foreign.at(-1) && shape.stack.at(-1) === name) shape.closeSelf();
      i = !selfClosing && RAW_TEXT.has(name) ? rawTextEnd(html, end, name) : end;
    } else if (c === 0x2f) {
      let j = lt + 2;
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      if (j < n && isAlpha(html.charCodeAt(j))) {
        const start = j;
        while (j < n && html.charCodeAt(j) !== 0x3e && !isSpace(html.charCodeAt(j))) j++;
        shape.close(html.slice(start, j).toLowerCase());
      }
      const gt = html.indexOf('>', j);
      i = gt < 0 ? n : gt + 1;
    } else if (c === 0x21) {
      // <!-- comment -->, <![CDATA[ … ]]>, or a declaration to its `>`.
      const [open, close] = html.startsWith('<!--', lt)
        ? ['<!', '-->']
        : html.startsWith('<![CDATA[', lt)
          ? ['<![CDATA[', ']]>']
          : ['<!', '>'];
      const end = html.indexOf(close, lt + open.length);
      i = end < 0 ? n : end + close.length;
      // A comment is a node (CDATA in HTML is read as one); a declaration is none.
      if (close !== '>') shape.child();
    } else if (c === 0x3f) {
      const gt = html.indexOf('>', lt);
      i = gt < 0 ? n : gt + 1;
    } else {
      // A `<` that starts no tag is text, but the parser ends a text node there.
      shape.textBreak(1);
      i = lt + 1;
    }
  }
}
