import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { normalizeLine } from '../../../shared/cleaning/normalize.js';
import { cleanParagraphs, PASTE_RULES } from '../../../shared/cleaning/paste-rules.js';
import { splitParagraphs } from '../../../shared/cleaning/plaintext.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/pastes');
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt') && !f.endsWith('.expected.txt'))
  .map((f) => f.replace('.txt', ''))
  .sort();

/** What each paste's artifacts should turn into, besides its text. */
const METADATA: Record<string, Record<string, string | null>> = {
  'repeated-headline': { title: 'Mosul airport to reopen for civilian flights in March', site: 'Nineveh Post' },
  'timestamp-lines': { title: 'Wheat harvest beats forecasts in Wasit', publishedAt: '2025-06-12T08:15:00' },
  'source-dateline': { site: 'Alsumaria News' },
  'trailing-site-name': { site: 'alforatnews.example' },
  // "ذي قار/" is a dateline (a province), not a source: it names no site.
  'arabic-source-tag': { publishedAt: '2025-03-04T09:30:00', site: null, language: 'ar' },
  'french-furniture': {
    title: 'Le Parlement irakien adopte le budget 2025',
    byline: 'Claire Dubois',
    publishedAt: '2025-10-12T14:32:00',
    language: 'fr',
  },
  'spanish-furniture': { byline: 'Lucía Fernández', publishedAt: '2025-10-12T14:32:00', language: 'es' },
  'german-furniture': { byline: 'Jonas Becker', publishedAt: '2025-10-12T14:32:00', language: 'de' },
  'arabic-furniture': { byline: 'علي حسن', publishedAt: '2025-10-12T14:32:00', site: null, language: 'ar' },
  'agency-line': { byline: 'Sarah Miller', site: 'Reuters' },
  'author-bio': { title: 'Basra reopens its corniche after two years of works', byline: 'Huda Kareem' },
  'byline-line': {
    title: 'Karbala pilgrims expected to top five million',
    byline: 'Zainab Hashim',
    publishedAt: '2025-08-12T17:40:00',
  },
  'trailing-source-name': { title: 'Basra port handles record container traffic', site: 'Shafaq News' },
  // Headline, timestamp and byline on consecutive lines, then a hard-wrapped paragraph with a quotation.
  'byline-no-blank-lines': {
    title: 'Port workers strike at Umm Qasr over unpaid wages',
    byline: 'Noor Abbas',
    publishedAt: '2025-02-18T08:15:00',
  },
  'timestamp-under-byline': {
    title: 'Basra council approves new water plant',
    byline: 'Noor Abbas',
    publishedAt: '2025-02-18T08:15:00',
  },
};

describe('dirty pastes and their clean text', () => {
  it('has the cases the cleaner promises to handle', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'repeated-headline',
        'timestamp-lines',
        'source-dateline',
        'trailing-site-name',
        'read-more-and-share',
        'mixed-line-endings',
        'soft-hyphens-zero-width',
        'hard-wrapped',
        'bullet-list',
      ]),
    );
  });

  it.each(cases)('%s', (name) => {
    const input = readFileSync(resolve(DIR, `${name}.txt`));
    const expected = readFileSync(resolve(DIR, `${name}.expected.txt`), 'utf8');
    const result = cleanDocument(input, { name: `${name}.txt` });
    expect(result.text).toBe(expected);
    expect(result).toMatchObject(METADATA[name] ?? {});
  });
});

describe('the paste rules', () => {
  const clean = (name: string, rules = PASTE_RULES) => {
    const text = readFileSync(resolve(DIR, `${name}.txt`), 'utf8');
    return cleanParagraphs(splitParagraphs(text).map(normalizeLine), {}, { rules });
  };

  it('each name fixtures that exist', () => {
    for (const rule of PASTE_RULES) {
      expect(rule.fixtures.length, rule.name).toBeGreaterThan(0);
      for (const fixture of rule.fixtures) expect(cases, rule.name).toContain(fixture);
    }
  });

  it.each(PASTE_RULES.flatMap((rule) => rule.fixtures.map((fixture) => [rule.name, fixture] as const)))(
    '%s is at work in %s: leaving it out changes the result',
    (name, fixture) => {
      const all = clean(fixture);
      expect(all.paragraphs.join('\n\n')).toBe(readFileSync(resolve(DIR, `${fixture}.expected.txt`), 'utf8'));
      expect(
        clean(
          fixture,
          PASTE_RULES.filter((rule) => rule.name !== name),
        ),
      ).not.toEqual(all);
    },
  );
});
