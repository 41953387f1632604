import { describe, expect, it } from 'vitest';
import {
  ANSWER_RECORD_BYTES,
  ANSWER_TEXT_LIMITS,
  bounded,
  leftOutForRoom,
  translationsThatFit,
} from '../../../shared/analysis/llm/answer-bounds.js';
import { analysisOutput } from '../../../shared/analysis/llm/schemas.js';
import type { Claim, Summary, Translation } from '../../../shared/article.js';

const codePoints = (text: string) => [...text].length;

const summary: Summary = {
  headline: 'Basra opens a water plant',
  short: 'Basra opens a water plant. It serves 600,000 people.',
  bullets: ['Basra opens a water plant.', 'It serves 600,000 people.', 'It cost 112 million dollars.'],
};
const claims: Claim[] = [];

/** A translation of `kb` kilobytes of text (Arabic letters, two bytes each). */
const translation = (kb: number): Translation => ({
  status: 'done',
  headline: 'محطة',
  short: 'محطة',
  bullets: ['ب'.repeat(kb * 512)],
  claims: [],
});

describe('the texts a model writes', () => {
  it('are cut to their bound with an ellipsis, a faithful one left alone', () => {
    // Prepare
    const long = 'word '.repeat(100_000);
    // Act and assess
    expect(bounded('bullet', 'Basra opens a water plant.')).toBe('Basra opens a water plant.');
    for (const kind of Object.keys(ANSWER_TEXT_LIMITS) as (keyof typeof ANSWER_TEXT_LIMITS)[]) {
      const cut = bounded(kind, long);
      expect(codePoints(cut)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS[kind]);
      expect(cut.endsWith('word…')).toBe(true);
    }
  });

  it('are bounded as an analysis answer is read: headline, bullets, claim text, speaker and reason', () => {
    // Prepare: an answer whose every text is a megabyte.
    const mb = 'x'.repeat(1_000_000);
    const answer = {
      headline: mb,
      bullets: [mb, mb, mb],
      claims: [{ sentences: [1], text: mb, speaker: mb, kind: 'event', reason: mb, score: 50 }],
    };
    // Act
    const read = analysisOutput.parse(answer);
    // Assess
    expect(codePoints(read.headline)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.headline);
    expect(read.bullets.map(codePoints)).toEqual([1000, 1000, 1000]);
    const claim = read.claims[0];
    expect(codePoints(claim?.text ?? '')).toBe(ANSWER_TEXT_LIMITS.claim);
    expect(codePoints(claim?.speaker ?? '')).toBe(ANSWER_TEXT_LIMITS.speaker);
    expect(codePoints(claim?.checkworthinessReason ?? '')).toBe(ANSWER_TEXT_LIMITS.reason);
  });
});

describe('the translations a record keeps', () => {
  it('are all of them when they fit', () => {
    const translations = { ar: translation(10), fa: translation(10) };
    expect(translationsThatFit({ summary, claims, translations }, ['ar', 'fa'])).toEqual(translations);
  });

  it('are those that fit, in the order the languages were asked; the others left out as RECORD_FULL', () => {
    // Prepare: forty languages of 12 KB each, far past what one item keeps.
    const languages = Array.from({ length: 40 }, (_, i) => `l${i}`);
    const translations = Object.fromEntries(languages.map((lang) => [lang, translation(12)]));
    translations.l0 = { status: 'failed', reason: 'LLM_TIMEOUT: The call ran out of time.' };
    // Act
    const kept = translationsThatFit({ summary, claims, translations }, languages);
    // Assess: the first ones kept whole, the rest left out with their code; the answers within the budget.
    const done = languages.filter((lang) => kept[lang]?.status === 'done');
    const left = languages.filter((lang) => leftOutForRoom(kept[lang]));
    expect(done.length).toBeGreaterThan(20);
    expect(left.length).toBeGreaterThan(0);
    expect(done).toEqual(languages.slice(1, 1 + done.length));
    expect(kept.l0).toEqual(translations.l0);
    expect(kept[left[0] as string]).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/^RECORD_FULL: /),
    });
    expect(Buffer.byteLength(JSON.stringify({ summary, claims, translations: kept }))).toBeLessThan(
      ANSWER_RECORD_BYTES,
    );
  });

  it('keeps a small translation after one too large for the room left', () => {
    const translations = { ar: translation(200), fa: translation(200), ru: translation(1) };
    const kept = translationsThatFit({ summary, claims, translations }, ['ar', 'fa', 'ru']);
    expect([kept.ar?.status, kept.fa?.status, kept.ru?.status]).toEqual(['done', 'unavailable', 'done']);
  });
});
