import { describe, expect, it } from 'vitest';
import {
  articleSupport,
  extendSpan,
  locate,
  unsupportedByEvidence,
} from '../../../shared/analysis/checks/grounding.js';
import { asciiDigits, compareFigures, figures, unsupportedFigures } from '../../../shared/analysis/checks/numbers.js';
import { capabilitiesOf, effortFor, familyOf } from '../../../shared/analysis/llm/models.js';
import { numberArticle, numberedText, splitRange } from '../../../shared/analysis/llm/numbered.js';
import { costOf } from '../../../shared/analysis/llm/prices.js';
import { estimateTokens } from '../../../shared/analysis/llm/tokens.js';

const TEXT =
  'He said: “Cross-border infiltration of foreign ISIS members has decreased by more than 99%.” Officials in Baghdad agreed.';

describe('locate (grounding)', () => {
  it('finds evidence verbatim', () => {
    const span = locate(TEXT, 'Officials in Baghdad agreed.');
    expect(span).toMatchObject({ match: 'exact' });
    expect(TEXT.slice(span?.start, span?.end)).toBe('Officials in Baghdad agreed.');
  });

  it('finds evidence after folding quotes, case and white space, and maps back to the original span', () => {
    const span = locate(TEXT, '"cross-border   infiltration of foreign ISIS members has decreased by more than 99%"');
    expect(span?.match).toBe('normalized');
    expect(TEXT.slice(span?.start, span?.end)).toBe(
      'Cross-border infiltration of foreign ISIS members has decreased by more than 99%',
    );
  });

  it('finds a lightly reworded copy by fuzzy match, and nothing for invented evidence', () => {
    expect(locate(TEXT, 'Cross border infiltration of foreign ISIS fighters decreased by more than 99%')?.match).toBe(
      'fuzzy',
    );
    expect(locate(TEXT, 'The minister resigned after the vote on the new budget law')).toBeNull();
  });
});

describe('figures', () => {
  it('reads digits of any script and grouping of any locale', () => {
    expect(asciiDigits('٢٨ ألف و ۱۲٪')).toBe('28 ألف و 12٪');
    expect(figures('28,000; 28 000; ٢٨٬٠٠٠; 4,5; 1,234,567.89').map((f) => f.values[0])).toEqual([
      28000, 28000, 28000, 4.5, 1234567.89,
    ]);
  });

  it('finds figures of a summary that the article lacks, allowing thousand/million scale words', () => {
    const article = 'Production reached 28 ألف megawatts in 2024, officials said, after 3.2 billion dinars of repairs.';
    expect(unsupportedFigures('Output hit 28,000 MW in 2024 after 3.2 billion dinars.', article)).toEqual([]);
    expect(unsupportedFigures('Output hit 30,000 MW in 2023.', article)).toEqual(['30,000', '2023']);
  });

  it('compares a translation with its source occurrence by occurrence', () => {
    expect(compareFigures('40 of 112 plants; 40 percent', 'أربعون: ٤٠ من ١١٢ محطة؛ ٤٥ بالمئة')).toEqual({
      missing: ['40'],
      added: ['45'],
    });
  });
});

describe('chunking and prices', () => {
  it('splits on paragraphs within the token budget and drops nothing', () => {
    const paragraphs = Array.from(
      { length: 12 },
      (_, i) => `Paragraph ${i} opens here. ${'Words that take tokens. '.repeat(20)}It ends.`,
    );
    const text = paragraphs.join('\n\n');
    const article = numberArticle(text, 'en');
    const parts = splitRange(article, { start: 0, end: text.length }, 300);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(estimateTokens(numberedText(article, part))).toBeLessThanOrEqual(300);
    expect(parts.map((p) => text.slice(p.start, p.end)).join('')).toBe(text);
    // Where a paragraph fits, a part starts with one.
    for (const part of parts.slice(1)) expect(text.slice(part.start - 2, part.start)).toBe('\n\n');
  });

  it('prices calls from the table, dated and vendor-prefixed names included, and says null for unknown models', () => {
    const priceOf = (model: string) => capabilitiesOf(model).price;
    expect(costOf(priceOf('gpt-5.4-mini'), { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(5.25);
    expect(priceOf('gpt-4.1-mini-2025-04-14')).toMatchObject({ input: 0.4, output: 1.6 });
    expect(priceOf('openai/o3')).toMatchObject({ input: 2, cachedInput: 0.5, output: 8 });
    expect(priceOf('o4-mini')).toMatchObject({ input: 1.1, output: 4.4 });
    expect(priceOf('gpt-5.2')).toMatchObject({ input: 1.75, output: 14 });
    expect(costOf(priceOf('llama3.1:8b'), { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(costOf({ input: 1, output: 2 }, { inputTokens: 1000, outputTokens: 0 })).toBe(0.001);
    // Cached input at its own rate; reasoning is inside the output tokens.
    expect(
      costOf(
        { input: 1, cachedInput: 0.1, output: 2 },
        { inputTokens: 2000, cachedInputTokens: 1000, outputTokens: 500 },
      ),
    ).toBe(0.0021);
    // A deployment name says nothing; the configured family does.
    expect(capabilitiesOf('news-prod', { family: 'gpt-4.1-mini' }).price).toMatchObject({ input: 0.4 });
    expect(capabilitiesOf('news-prod', { prices: { 'news-prod': { input: 1, output: 1 } } }).price).toMatchObject({
      input: 1,
      source: 'PRECIS_PRICES',
    });
  });

  it('knows which models take which reasoning efforts, and sends the nearest one they take', () => {
    expect(familyOf('gpt-5.4-mini-2026-03-17')).toBe('gpt-5.4-mini');
    expect(familyOf('gpt-5-mini')).toBe('gpt-5-mini');
    expect(familyOf('llama3.1:8b')).toBeNull();
    expect(effortFor(capabilitiesOf('gpt-4.1'), 'low')).toBeUndefined();
    expect(effortFor(capabilitiesOf('gpt-4o-mini'), 'high')).toBeUndefined();
    expect(effortFor(capabilitiesOf('gpt-5.1'), 'minimal')).toBe('low');
    expect(effortFor(capabilitiesOf('gpt-5'), 'none')).toBe('minimal');
    expect(effortFor(capabilitiesOf('o3'), 'none')).toBe('low');
    expect(effortFor(capabilitiesOf('gpt-5.4-mini'), 'xhigh')).toBe('xhigh');
    expect(effortFor(capabilitiesOf('gpt-5-pro'), 'low')).toBe('high');
    expect(effortFor(capabilitiesOf('my-local-model'), 'low')).toBeUndefined();
    expect(capabilitiesOf('o3-pro').api).toBe('responses');
  });
});

describe('grounding that means support', () => {
  const TURNOUT = 'Turnout in Basra rose to 99 %. Officials said 30 committees would oversee the count.';

  it('grows a span to whole tokens and its closing punctuation, so a figure is read whole', () => {
    // A model that wrote "95" is matched, fuzzily, to the "99" of the text; the span must not stop there.
    const found = locate(TURNOUT, 'Basra rose to 95');
    expect(found).toMatchObject({ match: 'fuzzy' });
    const span = extendSpan(TURNOUT, found as NonNullable<typeof found>);
    expect(TURNOUT.slice(span.start, span.end)).toBe('Basra rose to 99 %.');
    // A span cut inside a word grows to the word; a currency sign before a figure comes along.
    const money = 'The budget is $4.5 billion this year.';
    const cut = extendSpan(money, {
      start: money.indexOf('4.5') + 1,
      end: money.indexOf('billion') + 3,
      match: 'fuzzy',
      score: 0.9,
    });
    expect(money.slice(cut.start, cut.end)).toBe('$4.5 billion');
  });

  it('finds what a claim states that its evidence does not: figures by value, names in cased scripts', () => {
    const evidence = 'Officials said 30 committees would oversee the count.';
    expect(
      unsupportedByEvidence({ text: 'Officials said 30 committees would oversee the count.', speaker: null }, evidence),
    ).toEqual([]);
    expect(
      unsupportedByEvidence({ text: 'Officials said 31 committees would oversee the count.', speaker: null }, evidence),
    ).toEqual(['31']);
    // "9 %" is not "99 %"; digits of another script are read by value.
    expect(unsupportedByEvidence({ text: 'Turnout rose to 9 %.', speaker: null }, 'Turnout rose to 99 %.')).toEqual([
      '9',
    ]);
    expect(unsupportedByEvidence({ text: 'ارتفعت المشاركة إلى ٩٩ %', speaker: null }, 'Turnout rose to 99 %.')).toEqual(
      [],
    );
    // A name the evidence does not carry, and a speaker given to the wrong person.
    expect(
      unsupportedByEvidence(
        { text: 'Minister Aoun Diab said Baghdad had asked for 3 new stations.', speaker: 'Aoun Diab' },
        'Baghdad had asked for 3 new stations, the ministry said.',
      ),
    ).toEqual(['Aoun', 'Diab']);
  });

  it('takes a name the article gives anywhere, or its title, as supported: the prompt asks for names in place of pronouns', async () => {
    const text = 'Minister Aoun Diab spoke on Monday. "Baghdad asked for 3 new stations," he said.';
    const evidence = '"Baghdad asked for 3 new stations," he said.';
    const support = await articleSupport({ text, title: 'Grid talks with the Electricity Ministry', language: 'en' });
    const claim = { text: 'Minister Aoun Diab said Baghdad asked for 3 new stations.', speaker: 'Aoun Diab' };
    expect(unsupportedByEvidence(claim, evidence, support)).toEqual([]);
    expect(
      unsupportedByEvidence(
        { ...claim, text: 'The Electricity Ministry said Baghdad asked for 3 new stations.' },
        evidence,
        support,
      ),
    ).toEqual([]);
    // A name the article never gives, and a figure its evidence lacks, are still caught.
    expect(
      unsupportedByEvidence(
        { text: 'Minister Hassan Kareem said Baghdad asked for 4 new stations.', speaker: null },
        evidence,
        support,
      ),
    ).toEqual(['4', 'Hassan', 'Kareem']);
  });

  it('takes a date worked out from the publication time as supported, and an invented one not', async () => {
    const text =
      'The ministry said on Sunday that the Tigris releases would rise from Tuesday. Turnout fell last year.';
    const evidence = 'The ministry said on Sunday that the Tigris releases would rise from Tuesday.';
    const support = await articleSupport({
      text,
      title: null,
      publishedAt: '2024-07-14T09:30:00+03:00',
      language: 'en',
    });
    const claim = (t: string) => unsupportedByEvidence({ text: t, speaker: null }, evidence, support);
    expect(
      claim('On July 14, 2024, the ministry said the Tigris releases would rise from Tuesday, July 16, 2024.'),
    ).toEqual([]);
    expect(claim('On 14 July the ministry said the releases would rise.')).toEqual([]);
    expect(claim('In 2023, turnout fell, the ministry said on July 14, 2024.')).toEqual([]);
    expect(claim('On July 19, 2024, the ministry said the releases would rise.')).toEqual(['19', 'July']);
    expect(claim('In 2021 the ministry said the releases would rise.')).toEqual(['2021']);
  });
});
