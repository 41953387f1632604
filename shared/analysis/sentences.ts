import { once } from '../lazily.js';
import { segments } from '../segment.js';
import { unicodePattern } from '../unicode-pattern.js';
import { insideQuotations, partOfQuotation, quotations } from './quotes.js';

/** A sentence of the cleaned text, with its character offsets: `text.slice(start, end) === sentence.text`. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
  /** Index of the paragraph it belongs to. */
  paragraph: number;
  /** Index among all sentences. */
  index: number;
  /** An item of a list (it had a list marker): a fragment unless it reads as a sentence of its own. */
  listItem: boolean;
  /**
   * It holds part of a quotation only: the quotation runs on from the
   * paragraph before or into the next one (or a mark was left alone).
   */
  partialQuote: boolean;
}

/** Abbreviations after which a period does not end the sentence. */
const TITLES = new Set(
  'mr mrs ms dr prof gen lt col maj capt cpt sgt cmdr adm brig st mt rev sen rep gov hon pres sr fr messrs mme mlle no nos vol op ft approx est dept univ inc corp co ltd vs sra srta dra nr bzw ca vgl str'.split(
    ' ',
  ),
);
const MONTHS = new Set('jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '));
/**
 * "am 12. Oktober": a German ordinal day before its month is no sentence
 * end. Built on first use: only a sentence that ends on a number of one or
 * two digits and a full stop is tested, which most texts have none of.
 */
const GERMAN_MONTH = once(() =>
  unicodePattern(
    String.raw`^\s*(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)(?!\p{L})`,
    'u',
  ),
);

/**
 * Characters of a sentence's end that tell whether it ends on an
 * abbreviation: the patterns below read only its last word or two (a run of
 * letters and dots, after a space), and no abbreviation, initial or acronym
 * comes near this length. A sentence that goes on for thousands of
 * abbreviations ("Dr. Dr. Dr. …") is then read in time linear in its length,
 * where reading it whole at each of them cost the square.
 */
const ABBREVIATION_TAIL = 256;

/**
 * Whether the sentence `text.slice(start, end)` ends on an abbreviation,
 * an initial or an ordinal day that `next` shows goes on: read on its last
 * ABBREVIATION_TAIL characters (white space trimmed) only.
 */
function endsWithAbbreviation(text: string, start: number, end: number, next: string): boolean {
  const whole = text.slice(start, end).trimEnd();
  // Cut, it starts with a character no pattern takes, so that none can match at the cut as at the sentence's start.
  const trimmed = whole.length > ABBREVIATION_TAIL ? `\u0000${whole.slice(-ABBREVIATION_TAIL)}` : whole;
  if (/(?:^|\s)\d{1,2}\.$/u.test(trimmed)) return GERMAN_MONTH().test(next) || /^\s*\p{Ll}/u.test(next);
  // "z. B." (zum Beispiel).
  if (/(?:^|\s)z\.\s?B\.$/u.test(trimmed)) return true;
  const last = unicodePattern(String.raw`(?:^|[\s("'“])([\p{L}.]+)\.$`, 'u').exec(trimmed)?.[1];
  if (!last) return false;
  const lower = last.toLowerCase();
  if (TITLES.has(lower)) return true;
  if (MONTHS.has(lower) && /^\s*\d/.test(next)) return true;
  // An initial: "J. R. R. Tolkien".
  if (/^\p{Lu}$/u.test(last)) return true;
  // An acronym: "U.S.", "U.N." — a sentence ends there only before a capital, and not this early.
  if (/^(\p{L}\.)+\p{L}$/u.test(last)) {
    // Fewer than four words in the whole sentence so far (four pieces are enough to tell).
    return unicodePattern(String.raw`^\s*[\p{Ll}\d]`, 'u').test(next) || whole.split(/\s+/, 4).length < 4;
  }
  return /^\s*\p{Ll}/u.test(next) && lower.length <= 4;
}

/** A row of a Markdown-pipe table (or a pasted one): starts and ends with a pipe, or holds three. */
const TABLE_ROW = /^\|.*\|$|^[^|\n]*(?:\|[^|\n]*){3,}$/u;
/** "- ", "* ", "• ", "1. ", "2) " before a list item's text. */
const LIST_MARKER = /^(?:[-*•·▪◦‣–]|\d{1,2}[.)])\s+(?=\S)/u;

/**
 * A segment that ends a quoted question or exclamation which the sentence
 * goes on after: "Why now?" asked Kadhim. (A full stop before a small
 * letter is no break already; ICU breaks after ? and ! whatever follows.)
 */
function continuesAfterExclamation(segment: string, next: string): boolean {
  return /[!?…]["”»’«]*\s*$/u.test(segment) && /^\s*\p{Ll}/u.test(next);
}

/**
 * Sentences of a text, by the Unicode sentence rules of `Intl.Segmenter`
 * (any script), with the periods of common abbreviations, initials,
 * acronyms and German ordinal dates mended. A sentence never ends inside a
 * quotation that closes on its line ("The quay is full. We cannot…," said
 * Kadhim. is one sentence). Line breaks always end a sentence, so headings
 * and list items stand alone.
 */
export function splitSentences(text: string, language?: string | null): Sentence[] {
  const raw = Array.from(segments(text, 'sentence', language ?? 'en'), (s) => ({
    start: s.index,
    end: s.index + s.segment.length,
  }));
  const quotes = quotations(text);
  const inside = insideQuotations(text, quotes);
  const merged: { start: number; end: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    const current = { ...(raw[i] as { start: number; end: number }) };
    // Whether the sentence so far holds a line break: known from each segment as it joins, not read again whole.
    let lineBreak = text.slice(current.start, current.end).includes('\n');
    while (i + 1 < raw.length) {
      const next = raw[i + 1] as { start: number; end: number };
      if (lineBreak) break;
      const nextText = text.slice(next.start, next.end);
      const join =
        inside(next.start) ||
        endsWithAbbreviation(text, current.start, current.end, nextText) ||
        continuesAfterExclamation(
          text.slice(Math.max(current.start, current.end - ABBREVIATION_TAIL), current.end),
          nextText,
        );
      if (!join) break;
      current.end = next.end;
      lineBreak = nextText.includes('\n');
      i++;
    }
    merged.push(current);
  }

  const sentences: Sentence[] = [];
  let paragraph = 0;
  let lastEnd = 0;
  for (const { start, end } of merged) {
    const slice = text.slice(start, end);
    const lead = slice.length - slice.trimStart().length;
    let trimmed = slice.trim();
    if (!trimmed) continue;
    // A table row is data, not a sentence: no summary or claim is made of it.
    if (TABLE_ROW.test(trimmed)) continue;
    // A list item's marker is not part of its sentence: the sentence (and its evidence offsets) start after it.
    const marker = LIST_MARKER.exec(trimmed)?.[0].length ?? 0;
    trimmed = trimmed.slice(marker);
    if (!trimmed) continue;
    const s = start + lead + marker;
    if (/\n\s*\n/.test(text.slice(lastEnd, s)) && sentences.length > 0) paragraph++;
    const e = s + trimmed.length;
    sentences.push({
      text: trimmed,
      start: s,
      end: e,
      paragraph,
      index: sentences.length,
      listItem: marker > 0,
      partialQuote: partOfQuotation(text, quotes, s, e),
    });
    lastEnd = e;
  }
  return sentences;
}

/**
 * The longest sentence, in UTF-8 bytes, that a bullet, the headline or a
 * claim is made of. Real sentences stay far below: on the 14,955 of the
 * evaluation sets' texts (../shared/eval-data: the extraction set's 181
 * article bodies, CNN/DailyMail's 100 articles, the multilingual sentences)
 * the longest is 1,041 bytes, the 99.9th percentile 619. A longer one is a
 * run of abbreviations or words with no full stop ("Dr. " × 100,000 is one
 * 400 KB sentence), and the offline record holds each chosen sentence once
 * or twice (a claim's text and its evidence): at this bound its 5 bullets,
 * headline, short and 20 claims stay under 190 KB, inside DynamoDB's 400 KB
 * item, where one such sentence alone passed it.
 */
export const MAX_SENTENCE_BYTES = 4_000;

/** Whether a sentence is within MAX_SENTENCE_BYTES: long ones are never encoded whole to say so. */
export function withinSentenceBound(text: string): boolean {
  // A UTF-16 code unit is at most 3 bytes of UTF-8, and at least one.
  if (text.length * 3 <= MAX_SENTENCE_BYTES) return true;
  if (text.length > MAX_SENTENCE_BYTES) return false;
  return Buffer.byteLength(text) <= MAX_SENTENCE_BYTES;
}

/** Lower-cased word tokens, in any script. */
export function wordTokens(text: string, language?: string | null): string[] {
  const out: string[] = [];
  for (const s of segments(text, 'word', language)) if (s.isWordLike) out.push(s.segment.toLocaleLowerCase());
  return out;
}

const BLANK = /\s/;
/** A mark or format character first: it joins the character before it. Built once, on first use (not at import). */
const STARTS_JOINED = once(() => unicodePattern(String.raw`^[\p{M}\p{Cf}]`, 'u'));

/**
 * The word tokens of each sentence (ordered, apart, of `text`), as
 * wordTokens gives them for its text alone, from one segmentation of the
 * whole text: a segmenter and its iterator a sentence cost more than the
 * words of a short one (100,000 one-word list items were 100,000 of each).
 * Words do not run across white space, so a sentence with white space (or
 * the text's edge) on both sides is segmented inside as it is alone; one
 * that touches its neighbour ("。" then the next Chinese sentence), starts
 * with a mark, or meets a segment that crosses its edge is segmented alone.
 */
export function wordTokensOf(text: string, sentences: readonly Sentence[], language?: string | null): string[][] {
  const out: string[][] = sentences.map(() => []);
  const alone: boolean[] = sentences.map(
    (s) =>
      (s.start > 0 && !BLANK.test(text[s.start - 1] as string)) ||
      (s.end < text.length && !BLANK.test(text[s.end] as string)) ||
      // A mark or format character joins the character before it: a sentence starting with one is read alone.
      STARTS_JOINED().test(s.text),
  );
  let k = 0;
  for (const seg of segments(text, 'word', language)) {
    const end = seg.index + seg.segment.length;
    while (k < sentences.length && (sentences[k] as Sentence).end <= seg.index) k++;
    if (k === sentences.length) break;
    const sentence = sentences[k] as Sentence;
    if (end <= sentence.start) continue;
    if (seg.index < sentence.start || end > sentence.end) {
      for (let j = k; j < sentences.length && (sentences[j] as Sentence).start < end; j++) alone[j] = true;
      continue;
    }
    if (seg.isWordLike && !alone[k]) (out[k] as string[]).push(seg.segment.toLocaleLowerCase());
  }
  return out.map((words, i) => (alone[i] ? wordTokens((sentences[i] as Sentence).text, language) : words));
}

/** A sentence that reads as prose, not a heading, list stub or caption. */
export function isProse(sentence: Sentence): boolean {
  if (!/[.!?…"”’»)。！？؟]$/u.test(sentence.text)) return false;
  // Scripts without spaces between words (Chinese, Japanese) are measured in characters.
  return sentence.text.split(/\s+/).length >= 6 || (!/\s/.test(sentence.text) && sentence.text.length >= 15);
}
