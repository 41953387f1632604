import { describe, expect, it } from 'vitest';
import { cut } from '../../lambdas/api/http.js';
import { MAX_METADATA_CHARS, metadataField } from '../../shared/analysis/llm/prompts.js';
import { ellipsized, truncate } from '../../shared/truncate.js';

const codePoints = (text: string) => [...text].length;
/** A high surrogate with no low one after it, or a low one with no high one before it: half a character. */
const HALF = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const graphemes = (text: string) =>
  [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

describe('a text cut short', () => {
  it('is left alone when it has no more code points than the limit, however many UTF-16 units', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('😀'.repeat(10), 10)).toBe('😀'.repeat(10));
  });

  it('keeps the limit with its ellipsis counted, and ends on the ellipsis', () => {
    const result = truncate('abcdefghijklmnop', 8);
    expect(result).toBe('abcdefg…');
    expect(codePoints(result)).toBe(8);
  });

  it('never splits a character outside the basic plane, a flag, an emoji sequence or an accented letter', () => {
    for (const unit of ['😀', '🇩🇪', '👩‍👩‍👧', 'e\u0301', '👍🏽']) {
      for (const max of [5, 6, 7, 8, 9, 10]) {
        const result = truncate(`x${unit.repeat(20)}`, max);
        expect(result).not.toMatch(HALF);
        expect(codePoints(result)).toBeLessThanOrEqual(max);
        expect(graphemes(result.slice(1, -1)).every((g) => g === unit)).toBe(true);
      }
    }
  });

  it('cuts inside a single grapheme longer than the whole limit, so the size stays bounded', () => {
    const zalgo = `e${'\u0301'.repeat(10_000)}`;
    expect(codePoints(truncate(zalgo, 100))).toBe(100);
  });

  it('drops the white space the cut ends on before the ellipsis', () => {
    expect(truncate('one two three', 9)).toBe('one two…');
    expect(ellipsized('one two, ')).toBe('one two,…');
  });

  it('moves back to a space in the last fifth when asked, and no further', () => {
    expect(truncate('alpha beta gamma delta', 20, { atSpace: true })).toBe('alpha beta gamma…');
    expect(truncate('alphabetagamma delta', 12, { atSpace: true })).toBe('alphabetaga…');
  });

  it('looks only at the start of a text of megabytes', () => {
    const result = truncate('Council '.repeat(250_000), 1_000, { atSpace: true });
    expect(result).toMatch(/^Council Council .*Council…$/);
    expect(codePoints(result)).toBeLessThanOrEqual(1_000);
  });
});

describe('the places that cut', () => {
  it('the API echoes an id of flags in a message without half a flag', () => {
    const echoed = cut('🇩🇪'.repeat(100));
    expect(codePoints(echoed)).toBeLessThanOrEqual(80);
    expect(graphemes(echoed.slice(0, -1)).every((g) => g === '🇩🇪')).toBe(true);
  });

  it('a prompt never gets half a character of a long emoji title', () => {
    const field = metadataField('😀'.repeat(MAX_METADATA_CHARS + 50)) ?? '';
    expect(field).not.toMatch(HALF);
    expect(field).toBe(`${'😀'.repeat(MAX_METADATA_CHARS - 1)}…`);
  });
});
