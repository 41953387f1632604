/**
 * Character references in a page's text, decoded before the parse where that
 * changes nothing the parser reads. htmlparser2 (linkedom's parser) ends a
 * text node at each reference it decodes, so `a&nbsp;b` is three nodes and a
 * page of 900,000 `&amp;` is 900,000 nodes, which the readers after it walk
 * over and over (4.5 MB of `&amp;` ran 20 s past the cleaning deadline). The
 * character in place of its reference is one text node with its neighbours.
 *
 * A reference is decoded only when its character cannot start or continue
 * markup or another reference: not an ASCII letter or digit, `#`, `;`, `<`,
 * `/`, `!`, `?` or a control character, and `&` only where what follows it
 * cannot make it a reference. What is left (a reference to a letter, an
 * unknown name) the HTML scan counts as a text break (LIMITS.html.textBreaks),
 * and so is each character linkedom writes back as a reference (`&`, `<`,
 * `>`, no-break space) when Readability serialises the page and parses it
 * again, which it does up to four times on a page it finds no article in.
 */

/** Named references decoded here: Latin-1's, and the punctuation news pages spell as references. */
const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const NAMED = new Map<string, number>([
  ...LATIN1.split(' ').map((name, k) => [name, 0xa0 + k] as [string, number]),
  ['amp', 0x26],
  ['quot', 0x22],
  ['apos', 0x27],
  ['gt', 0x3e],
  ['ensp', 0x2002],
  ['emsp', 0x2003],
  ['thinsp', 0x2009],
  ['zwnj', 0x200c],
  ['zwj', 0x200d],
  ['lrm', 0x200e],
  ['rlm', 0x200f],
  ['ndash', 0x2013],
  ['mdash', 0x2014],
  ['lsquo', 0x2018],
  ['rsquo', 0x2019],
  ['sbquo', 0x201a],
  ['ldquo', 0x201c],
  ['rdquo', 0x201d],
  ['bdquo', 0x201e],
  ['dagger', 0x2020],
  ['Dagger', 0x2021],
  ['bull', 0x2022],
  ['hellip', 0x2026],
  ['permil', 0x2030],
  ['prime', 0x2032],
  ['Prime', 0x2033],
  ['lsaquo', 0x2039],
  ['rsaquo', 0x203a],
  ['euro', 0x20ac],
  ['trade', 0x2122],
]);

/** A reference with its semicolon: decimal, hexadecimal or named. */
const REFERENCE = /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/y;

/** Characters that, written out, could start or continue markup or a reference. */
function unsafe(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp > 0x10ffff ||
    (cp >= 0x30 && cp <= 0x39) ||
    (cp >= 0x41 && cp <= 0x5a) ||
    (cp >= 0x61 && cp <= 0x7a) ||
    cp === 0x23 ||
    cp === 0x3b ||
    cp === 0x3c ||
    cp === 0x2f ||
    cp === 0x21 ||
    cp === 0x3f
  );
}

/** After a written-out `&`, these would make it a reference. */
const continuesReference = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x23;

export interface TextRun {
  /** The run with its decodable references decoded; null when none was. */
  decoded: string | null;
  /** Where a parse of the run, or of the run as linkedom writes it back, may end a text node. */
  breaks: number;
}

/** Characters linkedom writes back as references (its text-escaper), each a text node when parsed again. */
function escapedOnWrite(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0xa0) count++;
  }
  return count;
}

/**
 * The next `&` in a text at or after a place, for places that only move
 * forward: each search starts where the last one ended, so that a page of
 * many short runs and no `&` is searched once, not once a run.
 */
export class Ampersands {
  private found = -1;

  constructor(private readonly html: string) {}

  /** Where the first `&` at or after `from` is; the text's length when none is. */
  after(from: number): number {
    if (this.found < from) {
      const at = this.html.indexOf('&', from);
      this.found = at < 0 ? this.html.length : at;
    }
    return this.found;
  }
}

/**
 * Reads the text of `html` from `from` to `to` (no markup in it), decoding
 * what it safely can. A reference left to the parser counts two breaks: its
 * own, and its `&` written back.
 */
export function decodeTextRun(html: string, from: number, to: number, ampersands: Ampersands): TextRun {
  let amp = ampersands.after(from);
  if (amp >= to) return { decoded: null, breaks: escapedOnWrite(html, from, to) };
  const parts: string[] = [];
  let copied = from;
  let left = 0;
  for (; amp < to; amp = ampersands.after(amp + 1)) {
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(html);
    const end = m ? amp + m[0].length : amp + 1;
    const cp = !m || end > to ? null : m[1] ? Number(m[1]) : m[2] ? Number.parseInt(m[2], 16) : NAMED.get(m[3] ?? '');
    const writable =
      cp !== null &&
      cp !== undefined &&
      cp !== 0 &&
      (cp === 0x26 ? !continuesReference(html.charCodeAt(end)) : !unsafe(cp));
    if (!writable) {
      // A letter or `#` after it: a reference the parser may decode (a name without its semicolon too).
      if (continuesReference(html.charCodeAt(amp + 1))) left++;
      continue;
    }
    parts.push(html.slice(copied, amp), String.fromCodePoint(cp));
    copied = end;
    amp = end - 1;
  }
  if (parts.length === 0) return { decoded: null, breaks: left + escapedOnWrite(html, from, to) };
  parts.push(html.slice(copied, to));
  const decoded = parts.join('');
  return { decoded, breaks: left + escapedOnWrite(decoded, 0, decoded.length) };
}
