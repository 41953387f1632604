import type * as chrono from 'chrono-node';
import { keptByText } from '../../kept-by-text.js';
import { loadOnce } from '../../lazily.js';
import { unicodePattern } from '../../unicode-pattern.js';

/**
 * Dates the prompt asks the model to write: the analysis prompt asks for
 * relative dates ("on Sunday", "last year") as the absolute dates they mean
 * from the publication time. A date in a claim or a summary is supported
 * when it is one the article states or one its relative dates resolve to
 * (weekdays either way: "on Tuesday" may be last Tuesday or next), or the
 * publication day itself. Its figures and its month and weekday names are
 * then no invention.
 */

/** What the checks know of the article besides the sentence at hand. */
export interface ArticleContext {
  text: string;
  title?: string | null;
  publishedAt?: string | null;
  language?: string | null;
}

export interface DayParts {
  year: number | null;
  month: number | null;
  day: number | null;
}

/** The article's first characters read for dates: chrono reads about 100 KB a second here, and news is shorter. */
export const MAX_DATE_SCAN_CHARS = 40_000;

/** chrono's casual reader of one language: dates written out, relative ones from a reference. */
export interface DateReader {
  parse(text: string, reference?: chrono.ParsingReference): chrono.ParsedResult[];
}

/**
 * The languages read for dates: those whose pastes precis reads most (as
 * the cleaner's date reader, shared/cleaning/dates.ts). Other languages are
 * read as English: their month names are not read, their digits are.
 *
 * Each is imported the first time an article in its language is checked:
 * chrono builds a language's patterns when its module loads, and a function
 * that analyses English articles would otherwise compile and build all
 * seven at every cold start (npm run bench, starts).
 */
const LOCALES: Record<string, () => Promise<{ casual: DateReader }>> = {
  en: () => import('chrono-node/en'),
  de: () => import('chrono-node/de'),
  es: () => import('chrono-node/es'),
  fr: () => import('chrono-node/fr'),
  it: () => import('chrono-node/it'),
  pt: () => import('chrono-node/pt'),
  ar: () => import('chrono-node/ar'),
};

/** Each language's reader, loaded once. */
const READERS: Record<string, () => Promise<DateReader>> = Object.fromEntries(
  Object.entries(LOCALES).map(([locale, load]) => [locale, loadOnce(async () => (await load()).casual)]),
);

/** The date reader of an article's language (English for one chrono does not read), loaded once. */
export function dateReaderFor(language: string | null | undefined): Promise<DateReader> {
  const base = (language ?? 'en').toLowerCase().split('-')[0] ?? 'en';
  const locale = Object.hasOwn(READERS, base) ? base : 'en';
  return (READERS[locale] as () => Promise<DateReader>)();
}

/**
 * A reader for the checks of one article's answers: each text read without
 * a reference (a claim, a summary sentence, the summary's fields: what
 * withoutAllowedDates reads) is read once, and read again it gives the same
 * results, which the checks only read. The checks of one analysis read some
 * texts more than once: a claim that is also a bullet, a short summary made
 * of its bullets' sentences (about a fifth of the texts read in the bench's
 * burst, `npx tsx bench/analysis-checks.ts`). chrono resolves a relative date read without a reference
 * ("yesterday") from the time it reads it: a text read again within the
 * same analysis keeps the first reading's. Read with a reference, a text is
 * read each time. The last `size` texts are kept: one article's checks read
 * a few dozen.
 */
export function readingOnce(reader: DateReader, size = 64): DateReader {
  const read = keptByText((text) => reader.parse(text), size);
  return { parse: (text, reference) => (reference === undefined ? read(text) : reader.parse(text, reference)) };
}

/** The publication time as chrono's reference: its instant, in its own offset. */
function referenceOf(publishedAt: string | null | undefined): chrono.ParsingReference | null {
  if (!publishedAt) return null;
  const instant = new Date(publishedAt);
  if (Number.isNaN(instant.getTime())) return null;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(publishedAt);
  const timezone = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return { instant, timezone };
}

function partsOf(result: chrono.ParsedResult, whole: boolean): DayParts {
  const c = result.start;
  const keep = (unit: 'year' | 'month' | 'day') => (whole || c.isCertain(unit) ? c.get(unit) : null);
  return { year: keep('year'), month: keep('month'), day: keep('day') };
}

const utcDay = (parts: DayParts) => Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1);

/** The same weekday a week later or earlier: the other reading of "on Tuesday". */
function otherWeek(parts: DayParts, after: boolean): DayParts {
  const at = new Date(utcDay(parts) + (after ? 7 : -7) * 86_400_000);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

/**
 * The dates an article allows: the publication day, and every date its
 * title and text state or imply from the publication time. A relative day
 * ("yesterday", "on Sunday") gives a whole date; "last year" or "this month"
 * only what it says.
 */
export function allowedDates(context: ArticleContext, reader: DateReader): DayParts[] {
  const reference = referenceOf(context.publishedAt);
  const allowed: DayParts[] = [];
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(context.publishedAt ?? '');
  const published = day ? { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]) } : null;
  if (published) allowed.push(published);
  const text = `${context.title ?? ''}\n${context.text.slice(0, MAX_DATE_SCAN_CHARS)}`;
  for (const result of reader.parse(text, reference ?? undefined)) {
    const c = result.start;
    const dayOfWeek = c.isCertain('weekday') && !c.isCertain('day');
    const parts = partsOf(result, c.isCertain('day') || dayOfWeek);
    allowed.push(parts);
    if (dayOfWeek && published) allowed.push(otherWeek(parts, utcDay(parts) <= utcDay(published)));
  }
  return allowed;
}

const matches = (claimed: DayParts, allowed: DayParts) =>
  (['year', 'month', 'day'] as const).every((unit) => claimed[unit] === null || claimed[unit] === allowed[unit]);

/**
 * The text with every date it states that the article allows blanked out
 * (spaces of the same length, so offsets hold): what remains is checked for
 * figures and names. A year alone ("in 2025") is allowed when an allowed
 * date is in it. Dates are read by the article's reader (dateReaderFor).
 */
export function withoutAllowedDates(text: string, allowed: DayParts[], reader: DateReader): string {
  if (allowed.length === 0) return text;
  let out = text;
  const blank = (start: number, end: number) => {
    out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  };
  for (const result of reader.parse(text)) {
    const claimed = partsOf(result, false);
    if (claimed.year === null && claimed.day === null) continue;
    if (allowed.some((a) => matches(claimed, a))) blank(result.index, result.index + result.text.length);
  }
  const years = new Set(allowed.map((a) => a.year).filter((y): y is number => y !== null));
  for (const m of out.matchAll(
    unicodePattern(String.raw`(?<![\p{N}.,])(1[89]\d\d|2[01]\d\d)(?![\p{N}]|[.,]\d)`, 'gu'),
  )) {
    if (years.has(Number(m[1]))) blank(m.index, m.index + m[0].length);
  }
  return out;
}
