import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHRONO_LANGUAGES, chronoWordsModule } from '../../../scripts/chrono-words.js';
import { bareTimestamp, mayBeTimestamp, readTimestamp } from '../../../shared/cleaning/dates.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const LOCALES = join(ROOT, 'node_modules/chrono-node/dist/esm/locales');

type Dictionary = Record<string, unknown>;

/** A language's month and weekday names as chrono's own dictionaries list them. */
async function dictionaries(lang: string): Promise<{ months: string[]; weekdays: string[] }> {
  const constants = (await import(pathToFileURL(join(LOCALES, lang, 'constants.js')).href)) as Record<
    string,
    Dictionary | undefined
  >;
  return {
    months: Object.keys(constants.MONTH_DICTIONARY ?? {}),
    weekdays: Object.keys(constants.WEEKDAY_DICTIONARY ?? {}),
  };
}

const INTL_LOCALES: Record<string, string[]> = {
  en: ['en-US', 'en-GB'],
  fr: ['fr-FR'],
  es: ['es-ES', 'es-MX'],
  de: ['de-DE'],
  ar: ['ar-EG', 'ar-MA'],
  pt: ['pt-BR', 'pt-PT'],
  it: ['it-IT'],
};

const STYLES: Intl.DateTimeFormatOptions[] = [
  { dateStyle: 'full' },
  { dateStyle: 'long' },
  { dateStyle: 'medium' },
  { dateStyle: 'short' },
  { dateStyle: 'full', timeStyle: 'short' },
  { dateStyle: 'long', timeStyle: 'short' },
  { dateStyle: 'medium', timeStyle: 'medium' },
  { dateStyle: 'short', timeStyle: 'short' },
  { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
  { weekday: 'short', year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' },
  { year: 'numeric', month: '2-digit', day: '2-digit', hour12: false, hour: '2-digit', minute: '2-digit' },
];

/** What pages and pastes print around a date: lead words, a time zone, a credit, a sentence. */
const BEFORE = [
  '',
  'Published: ',
  'Updated ',
  'Posted on ',
  'Publié le ',
  'Mis à jour le ',
  'Publicado el ',
  'Veröffentlicht am ',
  'Pubblicato il ',
  'نشر في ',
  'Atualizado em ',
  '| ',
  'Last updated: ',
  'By Jane Doe, ',
];
const AFTER = [
  '',
  ' GMT',
  ' UTC',
  ' EST',
  ' Uhr',
  ' CET',
  ' | Updated',
  ' by Admin',
  ' - Reuters',
  ', 10:45 AM',
  ' à 14h30',
  ' ago',
  ' (AP)',
  ' as the war began',
];

const DATES = [
  new Date(Date.UTC(2024, 2, 30, 4, 53)),
  new Date(Date.UTC(2019, 10, 20, 19, 31)),
  new Date(Date.UTC(2021, 0, 1, 0, 5)),
];

/** Dates written in every language bareTimestamp reads, in Intl's formats and from chrono's own month and weekday names, with what pages print around them. */
async function generatedLines(): Promise<string[]> {
  const lines = new Set<string>();
  for (const lang of CHRONO_LANGUAGES) {
    const dates: string[] = [];
    for (const locale of INTL_LOCALES[lang] ?? []) {
      for (const style of STYLES) {
        for (const date of DATES)
          dates.push(new Intl.DateTimeFormat(locale, { ...style, timeZone: 'UTC' }).format(date));
      }
    }
    const { months, weekdays } = await dictionaries(lang);
    months.forEach((month, i) => {
      const weekday = weekdays[i % Math.max(1, weekdays.length)] ?? '';
      dates.push(`${i + 1} ${month} 2023`, `${month} ${i + 1}, 2023`, `${weekday} ${i + 1} ${month} 2023 ${i}:15`);
      dates.push(`${weekday}, ${month} ${(i % 28) + 1}th 2023`, `2023 ${month} ${i + 1}`, `${month} 2023`);
    });
    dates.push('2024-03-30', '2024-03-30T04:53:00Z', '2024-03-30 04:53', '30/03/2024', '03/30/2024', '30.03.2024');
    dates.push('2024/03/30 4:53 PM', '30-03-2024 16:53', '2024', 'Q1 2024', '1 000 000 2024');
    dates.forEach((date, i) => {
      lines.add(date);
      lines.add(`${BEFORE[i % BEFORE.length]}${date}${AFTER[(i * 7) % AFTER.length]}`);
      lines.add(`${BEFORE[(i * 3) % BEFORE.length]}${date}${AFTER[(i * 5 + 1) % AFTER.length]}`);
      lines.add(`The best of ${date}`);
    });
  }
  return [...lines];
}

/** Every line of the cleaning fixtures (pastes, pages with their markup cut at tags) that has a year. */
function fixtureLines(): string[] {
  const lines: string[] = [];
  for (const dir of ['pastes', 'pages', 'articles']) {
    const path = join(ROOT, 'tests/fixtures', dir);
    for (const name of readdirSync(path)) {
      const text = readFileSync(join(path, name), 'utf8');
      for (const line of text.split(/<[^>]*>|\n/)) if (/\d{4}/.test(line)) lines.push(line);
    }
  }
  return lines;
}

describe('the timestamp check before chrono', () => {
  it('lists the words chrono-node reads as it is installed (npx tsx scripts/chrono-words.ts --write)', () => {
    expect(readFileSync(join(ROOT, 'shared/cleaning/chrono-words.ts'), 'utf8')).toBe(chronoWordsModule());
  });

  it('never turns away a line chrono reads as a timestamp, in any language and format it reads', async () => {
    const lines = [...(await generatedLines()), ...fixtureLines()];
    let timestamps = 0;
    let skipped = 0;
    for (const line of lines) {
      const trimmed = line.trim();
      const gated = trimmed.length <= 80 && /\d{4}/.test(trimmed);
      const read = gated ? readTimestamp(trimmed) : null;
      if (read) timestamps++;
      if (gated && !mayBeTimestamp(trimmed)) skipped++;
      expect({ line, date: bareTimestamp(line) }).toEqual({ line, date: read });
    }
    // The lines hold many timestamps, and many lines the check spares chrono.
    expect(timestamps).toBeGreaterThan(500);
    expect(skipped).toBeGreaterThan(200);
  }, 120_000);

  it('spares chrono a sentence with a year, and keeps a date glued to a word or behind lead words', () => {
    expect(mayBeTimestamp('Some of 2019’s best tech gadgets')).toBe(false);
    expect(bareTimestamp('Some of 2019’s best tech gadgets')).toBeNull();
    expect(mayBeTimestamp('Published November 20th, 2019 - 07:29 GMT')).toBe(true);
    expect(bareTimestamp('Published November 20th, 2019 - 07:29 GMT')).toBe('2019-11-20T07:29:00Z');
    expect(bareTimestamp('Veröffentlicht am 30. März 2024 um 04:53 Uhr')).toBe('2024-03-30T04:53:00');
    expect(mayBeTimestamp('Nov.November 18, 2019 12:02 PM')).toBe(true);
  });
});
