/**
 * The offline engine on articles written for these tests in French,
 * German, Spanish, Arabic and English (tests/fixtures/articles: each text
 * with the claims and speakers a reader would expect), and on the cases a
 * newcomer's trial found: quotations cut in two, list fragments taken for
 * claims, a German quotation labelled a statistic with every score alike,
 * French claims missing their main fact and figure, an Arabic headline that
 * opened with "and he said".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import { quotations } from '../../../shared/analysis/quotes.js';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { speakersOf } from '../../../shared/analysis/speakers.js';
import type { AnalysisResult } from '../../../shared/article.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/articles');

interface Expected {
  language: string;
  claims: { starts: string; ends?: string; speaker: string | null; kind: string }[];
  speakers: { starts: string; speaker: string | null }[];
  notClaims?: string[];
}

const text = (name: string) => readFileSync(resolve(DIR, `${name}.txt`), 'utf8');
const expected = (name: string) => JSON.parse(readFileSync(resolve(DIR, `${name}.expected.json`), 'utf8')) as Expected;
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace('.expected.json', ''));

async function analyze(body: string, language: string): Promise<AnalysisResult> {
  return new OfflineEngine().analyze(
    { text: body, title: null, language, publishedAt: null, contentHash: 'x' },
    { targetLanguages: [] },
  );
}

/** Every quotation mark of a piece of text has its partner in it. */
function quotesWhole(piece: string): boolean {
  const q = quotations(piece);
  return q.unclosed.length === 0 && q.unopened.length === 0;
}

describe('articles in five languages', () => {
  it('has one fixture for each of French, German, Spanish and Arabic, and English', () => {
    expect(FIXTURES.map((name) => expected(name).language).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr']);
  });

  describe.each(FIXTURES)('%s', (name) => {
    const want = expected(name);
    const body = text(name);

    it('gives the claims a reader expects, with their speaker and kind', async () => {
      const { claims } = await analyze(body, want.language);
      for (const claim of want.claims) {
        const found = claims.find((c) => c.text.startsWith(claim.starts));
        expect(found, claim.starts).toBeDefined();
        expect({ speaker: found?.speaker, kind: found?.kind }, claim.starts).toEqual({
          speaker: claim.speaker,
          kind: claim.kind,
        });
        if (claim.ends) expect(found?.text.endsWith(claim.ends), claim.starts).toBe(true);
      }
      for (const fragment of want.notClaims ?? []) {
        expect(
          claims.map((c) => c.text).filter((t) => t.startsWith(fragment)),
          fragment,
        ).toEqual([]);
      }
    });

    it('names the speaker of each attributed sentence, after its quotation, before it, or through a pronoun', () => {
      const sentences = splitSentences(body, want.language);
      const speakers = speakersOf(sentences);
      for (const { starts, speaker } of [...want.speakers, ...want.claims]) {
        const at = sentences.findIndex((s) => s.text.startsWith(starts));
        expect(at, starts).toBeGreaterThanOrEqual(0);
        expect(speakers[at], starts).toBe(speaker);
      }
    });

    it('never starts or ends a claim, a bullet or the headline inside a quotation', async () => {
      const { claims, summary } = await analyze(body, want.language);
      for (const piece of [summary.headline, summary.short, ...summary.bullets, ...claims.map((c) => c.text)]) {
        expect(quotesWhole(piece), piece).toBe(true);
      }
    });
  });
});

describe('what the trial found', () => {
  it('keeps a quotation of two sentences whole, with its opening mark, in the claim and its evidence', async () => {
    const { claims } = await analyze(text('en-umm-qasr-port'), 'en');
    const quote = claims.find((c) => c.text.includes('We cannot keep unloading'));
    expect(quote?.text).toMatch(
      /^"There are 1,200 containers.*for nothing," said Kadhim Jabbar, the port's director\.$/,
    );
    expect(quote?.evidence).toBe(quote?.text);
  });

  it('makes no claim or bullet of half a quotation that runs on into the next paragraph', async () => {
    const { claims, summary } = await analyze(text('en-umm-qasr-port'), 'en');
    for (const piece of [...claims.map((c) => c.text), ...summary.bullets]) {
      expect(piece).not.toContain('congestion surcharge');
    }
  });

  it('makes no claim of a list fragment, but keeps a list item that is a whole sentence', async () => {
    const body = [
      'An inspection of 60 warehouses at the port in April found:',
      '',
      '- running water in half of the shops;',
      '- fire extinguishers in 38 of the 60 warehouses;',
      '- The ministry allocated 25 billion dinars for repairs in 2024.',
    ].join('\n');
    const { claims } = await analyze(body, 'en');
    const texts = claims.map((c) => c.text);
    expect(texts).toContain('The ministry allocated 25 billion dinars for repairs in 2024.');
    expect(texts.filter((t) => /shops;|warehouses;/.test(t))).toEqual([]);
  });

  it('labels a German quotation a quote and spreads the German scores', async () => {
    const { claims } = await analyze(text('de-hochwasserschutz'), 'de');
    expect(claims.find((c) => c.text.startsWith('„Wir können nicht'))?.kind).toBe('quote');
    const scores = claims.map((c) => c.checkworthiness);
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThanOrEqual(0.2);
    expect(new Set(scores).size).toBeGreaterThanOrEqual(6);
  });

  it('gives the French main fact and the counter-offer of 2,5 % as claims', async () => {
    const { claims } = await analyze(text('fr-greve-sncf'), 'fr');
    expect(claims.length).toBeGreaterThanOrEqual(6);
    expect(claims.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Un train sur deux circulera jeudi/),
        expect.stringMatching(/une augmentation de 2,5 %, assortie d'une prime de 1 200 euros/),
      ]),
    );
  });

  it('never heads an Arabic article with an "and he said" quotation', async () => {
    const body = text('ar-headline-said');
    const { summary } = await analyze(body, 'ar');
    expect(summary.headline).not.toMatch(/^[وف]?(?:قال|أضاف)/u);
    expect(summary.headline).not.toContain('"');
    expect(body).toContain(summary.headline);
  });
});
