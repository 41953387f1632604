import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { countWords } from '../../../shared/cleaning/normalize.js';
import { segments } from '../../../shared/segment.js';
import { sample } from '../../helpers/samples.js';

/** What one ICU segmenter over the whole text says (slow on long texts, but the reference). */
function whole(text: string, granularity: 'word' | 'sentence', language: string) {
  return Array.from(new Intl.Segmenter(language, { granularity }).segment(text), (s) => ({
    segment: s.segment,
    index: s.index,
    isWordLike: s.isWordLike,
  }));
}

const LONG: Record<string, string> = {
  en: cleanDocument(sample('basra-water.html'), { name: 'b.html' }).text,
  ar: cleanDocument(sample('baghdad-electricity-ar.json'), { name: 'b.json' }).text,
  zh: '巴士拉的自来水厂因海水倒灌而停止供水，当局周日表示。医院报告了一千四百三十例腹泻病例！居民们说他们等不了那么久？'.repeat(
    3,
  ),
};

describe('segmenting long texts in windows', () => {
  for (const [language, base] of Object.entries(LONG)) {
    it(`gives the words and sentences of one segmenter over the whole text (${language})`, () => {
      // Several windows long, and one paragraph alone longer than a window.
      const times = Math.ceil(13_000 / base.length);
      const text = `${Array.from({ length: times }, () => base).join('\n\n')}\n\n${base.replace(/\n+/g, ' ').repeat(times)}`;
      expect(text.length).toBeGreaterThan(3 * 4096);
      const words = Array.from(segments(text, 'word', language));
      const reference = whole(text, 'word', language);
      if (language === 'zh') {
        // Dictionary segmentation looks across punctuation a little: a window start may group a few words otherwise.
        expect(Math.abs(words.length - reference.length)).toBeLessThanOrEqual(reference.length / 100);
      } else {
        expect(words).toEqual(reference);
        expect(countWords(text, language)).toBe(reference.filter((s) => s.isWordLike).length);
      }
      const sentences = Array.from(segments(text, 'sentence', language), (s) => s.segment.trim()).filter(Boolean);
      expect(sentences).toEqual(
        whole(text, 'sentence', language)
          .map((s) => s.segment.trim())
          .filter(Boolean),
      );
      for (const s of splitSentences(text, language)) expect(text.slice(s.start, s.end)).toBe(s.text);
    });
  }

  it('reads a file at a time as before: a sample article is one window', () => {
    const text = readFileSync(new URL('../../../samples/kirkuk-checkpoints.txt', import.meta.url), 'utf8');
    expect(Array.from(segments(text, 'word', 'en'))).toEqual(whole(text, 'word', 'en'));
  });
});
