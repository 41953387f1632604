import { BIDI_CONTROLS, TERMINAL_CONTROLS } from '../control-characters.js';
import { once } from '../lazily.js';
import { segments } from '../segment.js';
import { unicodePattern } from '../unicode-pattern.js';

/**
 * Characters that carry no text: zero-width spaces, word joiners, the BOM,
 * soft hyphens and bidi controls left by copy and paste; and the control
 * characters a terminal acts on (C0 but line feed and white space, DEL, C1:
 * ESC, BEL, CSI…), so that no output of precis can drive the terminal that
 * prints it. ZWNJ and ZWJ stay: Persian, Kurdish and Indic scripts need them.
 */
// The controls and bidi overrides shared with a model's texts (control-characters.ts), and copy-and-paste litter.
const INVISIBLE = new RegExp(`[${TERMINAL_CONTROLS}${BIDI_CONTROLS}\\u00ad\\u200b\\u2060\\ufeff\\u200e\\u200f]`, 'g');
/** Every space that is not a plain space or a line break (tab, vertical tab, form feed, CR and NEL among them). */
const ODD_SPACES = /[\t\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/** One line of text: Unicode NFC, no invisible characters, single spaces, trimmed. */
export function normalizeLine(line: string): string {
  return line.normalize('NFC').replace(INVISIBLE, '').replace(ODD_SPACES, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Line endings to \n, and the line separators of Unicode too. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?|\u2028|\u2029|\u0085/g, '\n');
}

/** Paragraphs separated by one blank line, each paragraph one normalised line. */
export function joinParagraphs(paragraphs: string[]): string {
  return paragraphs
    .map(normalizeLine)
    .filter((p) => p.length > 0)
    .join('\n\n');
}

/** Letters and digits only, lower case: to compare strings that differ in punctuation, quotes or spacing. */
export function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * A word as Unicode's word boundaries (UAX #29) make one in scripts written
 * with spaces: letters, digits and joiners, held together by an apostrophe,
 * a full stop or a colon between letters ("can't", "U.S") and by a comma or
 * full stop between digits ("3,200.5").
 *
 * Built on first use, and only for a text with a character outside the
 * blocks countWordsByScan reads: its \p{…} classes cost about 8M
 * instructions to build (ICU reading every letter, mark and digit), which
 * the analyze function paid at every cold start.
 */
const WORD = once(() =>
  unicodePattern(
    String.raw`[\p{L}\p{M}\p{Nd}_\u200c\u200d]+(?:(?:(?<=[\p{L}\p{M}])['’.:·\u05f4\u2027\ufe13\ufe55\uff1a](?=\p{L})|(?<=\p{Nd})[.,;'’\u037e\u0589\u060c\u060d\u066b\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe52\ufe54\uff0c\uff0e\uff1b](?=\p{Nd}))[\p{L}\p{M}\p{Nd}_\u200c\u200d]+)*`,
    'gu',
  ),
);

/*
 * What WORD's classes say of each character of the blocks the scan reads
 * (Basic Latin to Combining Diacritical Marks, General Punctuation, Currency
 * Symbols): a letter (\p{L}), a mark (\p{M}), a decimal digit (\p{Nd}), one
 * of the other characters of a word (_, ZWNJ, ZWJ), a joiner between letters,
 * one between digits. Written as ranges, not read from ICU; a test checks
 * every code point against the \p{…} classes.
 */
const LETTER = 1;
const MARK = 2;
const DIGIT = 4;
const OTHER_WORD = 8;
const LETTER_JOINER = 16;
const DIGIT_JOINER = 32;
/** A character the scan does not know: the text is counted by WORD from there. */
const UNREAD = 64;
const IN_WORD = LETTER | MARK | DIGIT | OTHER_WORD;

const SCANNED = new Uint8Array(0x20d0).fill(UNREAD, 0x370, 0x2000).fill(UNREAD, 0x2070, 0x20a0);
for (const [from, to, kind] of [
  [0x30, 0x39, DIGIT],
  [0x41, 0x5a, LETTER],
  [0x61, 0x7a, LETTER],
  [0xaa, 0xaa, LETTER],
  [0xb5, 0xb5, LETTER],
  [0xba, 0xba, LETTER],
  [0xc0, 0xd6, LETTER],
  [0xd8, 0xf6, LETTER],
  [0xf8, 0x2c1, LETTER],
  [0x2c6, 0x2d1, LETTER],
  [0x2e0, 0x2e4, LETTER],
  [0x2ec, 0x2ec, LETTER],
  [0x2ee, 0x2ee, LETTER],
  [0x300, 0x36f, MARK],
  [0x5f, 0x5f, OTHER_WORD],
  [0x200c, 0x200d, OTHER_WORD],
] as const)
  SCANNED.fill(kind, from, to + 1);
for (const [char, kind] of [
  ["'", LETTER_JOINER | DIGIT_JOINER],
  ['’', LETTER_JOINER | DIGIT_JOINER],
  ['.', LETTER_JOINER | DIGIT_JOINER],
  [':', LETTER_JOINER],
  ['·', LETTER_JOINER],
  ['\u2027', LETTER_JOINER],
  [',', DIGIT_JOINER],
  [';', DIGIT_JOINER],
  ['\u2044', DIGIT_JOINER],
] as const)
  SCANNED[char.charCodeAt(0)] = kind;

/** What the scan knows of the character at `index`: UNREAD past SCANNED's blocks, nothing past the text's end. */
function kindAt(text: string, index: number): number {
  if (index >= text.length) return 0;
  const code = text.charCodeAt(index);
  return code < SCANNED.length ? (SCANNED[code] as number) : UNREAD;
}

/**
 * WORD's matches counted by a scan of char codes, the same count: a run of
 * word characters, carried on over a letter joiner between a letter or mark
 * and a letter, or a digit joiner between two digits. At the first
 * character outside SCANNED's blocks (a surrogate among them) WORD counts
 * the rest, from the start of the word the scan was in: as its match would
 * have started there, the count is WORD's over the whole text; unless the
 * text holds a character of a script written without spaces, which the
 * segmenter counts whole (countWordsFrom).
 */
function countWordsByScan(text: string, language: string | null | undefined): number {
  let count = 0;
  let index = 0;
  while (index < text.length) {
    let kind = kindAt(text, index);
    if (kind & UNREAD) return countWordsFrom(text, index, count, language);
    if (!(kind & IN_WORD)) {
      index++;
      continue;
    }
    const start = index;
    for (;;) {
      let previous = kind;
      kind = kindAt(text, ++index);
      while (kind & IN_WORD) {
        previous = kind;
        kind = kindAt(text, ++index);
      }
      if (kind & UNREAD) return countWordsFrom(text, start, count, language);
      if (kind === 0) break;
      const next = kindAt(text, index + 1);
      if (next & UNREAD) return countWordsFrom(text, start, count, language);
      const joined =
        (kind & LETTER_JOINER && previous & (LETTER | MARK) && next & LETTER) ||
        (kind & DIGIT_JOINER && previous & DIGIT && next & DIGIT);
      if (!joined) break;
      kind = next;
      index++;
    }
    count++;
  }
  return count;
}

/**
 * The count of a text the scan read up to `from` (`counted` words before
 * it): WORD's matches from there on, or the segmenter's count of the whole
 * text if it holds a character of a script written without spaces.
 */
function countWordsFrom(text: string, from: number, counted: number, language: string | null | undefined): number {
  if (DICTIONARY_SCRIPTS().test(text)) return countWordsBySegmenter(text, language);
  const word = WORD();
  let count = counted;
  word.lastIndex = from;
  while (word.exec(text) !== null) count++;
  return count;
}

/**
 * Scripts whose words need a dictionary (no spaces) or that ICU breaks its
 * own way (Hangul beside digits). None has a character in the blocks
 * countWordsByScan reads, so only a text the scan leaves is tested: built
 * on first use, as its `\p{Script=…}` classes have ICU load its script data
 * (about 5M instructions), which the analyze function paid at every cold
 * start.
 */
const DICTIONARY_SCRIPTS = once(() =>
  unicodePattern(
    String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]`,
    'u',
  ),
);

function countWordsBySegmenter(text: string, language: string | null | undefined): number {
  let count = 0;
  for (const segment of segments(text, 'word', language)) if (segment.isWordLike) count++;
  return count;
}

/**
 * Counts words the way a reader would, in any script (CJK included): by the
 * word pattern above where words are written with spaces (the same count as
 * ICU's word segmenter to within 0.1 % on news text in 20 languages, at a
 * fraction of its time), by ICU's segmenter where they are not.
 */
export function countWords(text: string, language?: string | null): number {
  return countWordsByScan(text, language);
}
