import * as chrono from 'chrono-node';
import { type Budget, NO_DEADLINE } from './budget.js';
import { CHRONO_WORDS } from './chrono-words.js';
import { LIMITS, tooComplex } from './limits.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function toIso(result: chrono.ParsedResult): string | null {
  const c = result.start;
  const year = c.get('year');
  const month = c.get('month');
  const day = c.get('day');
  if (year === null || month === null || day === null) return null;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (!c.isCertain('hour')) return date;
  const time = `${pad(c.get('hour') ?? 0)}:${pad(c.get('minute') ?? 0)}:${pad(c.get('second') ?? 0)}`;
  if (!c.isCertain('timezoneOffset')) return `${date}T${time}`;
  const offset = c.get('timezoneOffset') ?? 0;
  if (offset === 0) return `${date}T${time}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The longest string read as a date: "Saturday, 30 March 2024, 04:53 PM GMT+03:00" is 43 characters,
 * and a meta tag, JSON-LD field or front matter that states a date says nothing else.
 */
const DATE_MAX_CHARS = 200;

/**
 * An absolute date in a string, as ISO 8601: `2024-03-30`, `2024-03-30T04:53:00`
 * (local time of the source, offset unknown) or with its offset when the
 * string gives one. Relative dates ("2 hours ago") have no reference here and
 * are ignored.
 */
export function parseDate(text: string): string | null {
  const trimmed = text.trim();
  // chrono reads all of a string it is given: a meta tag's 4 MB "date" took 5 s and 600 MB.
  if (!trimmed || trimmed.length > DATE_MAX_CHARS) return null;
  const native = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  if (native && !Number.isNaN(Date.parse(trimmed))) return trimmed;
  for (const result of chrono.strict.parse(trimmed)) {
    if (!/\d{4}/.test(result.text)) continue;
    const iso = toIso(result);
    if (iso) return iso;
  }
  return null;
}

/**
 * A line that is nothing but a date or timestamp ("2024-03-30 04:53",
 * "Saturday, 30 March 2024", "Published: March 30, 2024 4:53 PM"): its date, else null.
 */
export function bareTimestamp(line: string): string | null {
  const trimmed = shortWithYear(line);
  if (trimmed === null || !mayBeTimestamp(trimmed)) return null;
  return readTimestamp(trimmed);
}

/** The trimmed line when it is short enough to be a bare timestamp and holds a four-digit number; else null. */
function shortWithYear(line: string): string | null {
  const trimmed = line.trim();
  return trimmed.length > 80 || !/\d{4}/.test(trimmed) ? null : trimmed;
}

/**
 * bareTimestamp for the lines of one document: each distinct line read
 * once, and at most LIMITS.text.timestampLines of them handed to chrono
 * (past that, TOO_COMPLEX), with the budget ticked at each. The paste rules
 * ask about a line up to three times (to keep it apart, as furniture, as the
 * top's timestamp), and chrono takes 5 to 10 µs a line: 300,000 date lines
 * (4.7 MB of text) took 8 s of CPU before the word limit was reached.
 */
export class TimestampLines {
  private readonly read = new Map<string, string | null>();

  constructor(private readonly budget: Budget = NO_DEADLINE) {}

  /** bareTimestamp(line), for this document. */
  of(line: string): string | null {
    const trimmed = shortWithYear(line);
    if (trimmed === null) return null;
    const known = this.read.get(trimmed);
    if (known !== undefined) return known;
    this.budget.tick('reading timestamp lines');
    if (!mayBeTimestamp(trimmed)) return null;
    const limit = LIMITS.text.timestampLines;
    if (this.read.size >= limit) throw tooComplex('the number of distinct lines read as dates', limit);
    const date = readTimestamp(trimmed);
    this.read.set(trimmed, date);
    return date;
  }
}

/**
 * What chrono reads of a trimmed line (bareTimestamp without its checks
 * before chrono): the first date a reader finds that holds a four-digit
 * year and leaves no more than three characters of the line besides the
 * lead words and separators, else null.
 */
export function readTimestamp(trimmed: string): string | null {
  for (const parser of TIMESTAMP_PARSERS) {
    const first = parser.parse(trimmed)[0];
    if (!first || !/\d{4}/.test(first.text)) continue;
    const rest = (trimmed.slice(0, first.index) + trimmed.slice(first.index + first.text.length))
      .replace(LEAD_WORDS, '')
      .replace(/[\s:|,.\-–—()[\]]+/g, '');
    if (rest.length <= REST_CHARS) return toIso(first);
  }
  return null;
}

/** The most characters a timestamp line may hold besides its date, lead words and separators. */
const REST_CHARS = 3;

/** English first, then the languages whose pastes precis reads most: French, Spanish, German, Arabic, Portuguese, Italian. */
const TIMESTAMP_PARSERS = [
  chrono.strict,
  chrono.fr.strict,
  chrono.es.strict,
  chrono.de.strict,
  chrono.ar.strict,
  chrono.pt.strict,
  chrono.it.strict,
];

/** What a timestamp line says around its date: "Published on", "Publié le … à", "Veröffentlicht am … Uhr", "نشر في … الساعة". */
const LEAD_PHRASES = [
  'first published',
  'published',
  'posted',
  'updated',
  'last updated',
  'date',
  'on',
  'at',
  'publié',
  'mis à jour',
  'modifié',
  'le',
  'à',
  'publicado',
  'actualizado',
  'el',
  'de',
  'a las',
  'veröffentlicht',
  'aktualisiert',
  'am',
  'um',
  'uhr',
  'pubblicato',
  'aggiornato',
  'il',
  'alle',
  'نشر',
  'بتاريخ',
  'آخر تحديث',
  'تحديث',
  'الساعة',
  'في',
];
const LEAD_WORDS = new RegExp(`(?<!\\p{L})(?:${LEAD_PHRASES.join('|')})(?!\\p{L})`, 'giu');

/** The words of the lead phrases, lower case: a line's word that is one of them goes with them. */
const LEAD_WORD_SET = new Set(LEAD_PHRASES.flatMap((phrase) => phrase.split(' ')));

/** The words chrono's readers can match (scripts/chrono-words.ts), built at the first line that needs them. */
let chronoWords: Set<string> | null = null;

/**
 * The fewest characters of one word of a line (a run of letters, lower
 * case) that no reading of chrono's can take: none when chrono can match
 * the whole word or it is a lead word; else what is left when chrono
 * matches a start or an end of it (a date glued to a word), the rest going
 * as a lead word if it is one; else the whole word.
 */
function wordRest(word: string, words: Set<string>): number {
  if (words.has(word) || LEAD_WORD_SET.has(word)) return 0;
  let fewest = word.length;
  for (let i = 1; i < word.length && fewest > 0; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (words.has(head)) fewest = Math.min(fewest, LEAD_WORD_SET.has(tail) ? 0 : tail.length);
    if (words.has(tail)) fewest = Math.min(fewest, LEAD_WORD_SET.has(head) ? 0 : head.length);
  }
  return fewest;
}

/**
 * False when chrono cannot read the trimmed line as a bare timestamp, told
 * without running it: its words that chrono's readers never match (none of
 * their month, weekday, unit or time zone names, none of the words in their
 * patterns) and that are no lead words hold more letters than the three
 * characters a timestamp line may keep besides its date. chrono's seven
 * readers cost about a millisecond each per line, several when a full
 * collection has dropped their compiled patterns; most lines with a year
 * ("The best phones of 2024") are sentences, and skip them all. Digits and
 * signs count for nothing here, so a line this lets through may still not be one.
 */
export function mayBeTimestamp(trimmed: string): boolean {
  chronoWords ??= new Set(CHRONO_WORDS.split(' '));
  let rest = 0;
  for (const match of trimmed.matchAll(/\p{L}+/gu)) {
    rest += wordRest(match[0].toLowerCase(), chronoWords);
    if (rest > REST_CHARS) return false;
  }
  return true;
}
