import { describe, expect, it } from 'vitest';
import { shortFromBullets, shortIsFromBullets, withShort } from '../../../shared/analysis/llm/short-summary.js';
import { bulletsInShort } from '../../../shared/analysis/summarize.js';

const words = (n: number, word = 'water') => Array.from({ length: n }, () => word).join(' ');

describe('the short summary made from the bullets', () => {
  it('reads the bullets in order as one paragraph, each ending with a full stop', () => {
    const short = shortFromBullets(
      ['40 of 120 stations repaired', 'The rest due by June 2024', 'Demand up 15%!'],
      'en',
    );
    expect(short).toBe('40 of 120 stations repaired. The rest due by June 2024. Demand up 15%!');
  });

  it('stops at the first bullet that does not fit in 60 words, and clips a first bullet longer than that', () => {
    const bullets = [words(30), words(25), words(10), words(2)];
    expect(bulletsInShort(bullets)).toBe(2);
    expect(shortFromBullets(bullets, 'en').split(/\s+/)).toHaveLength(55);
    const long = shortFromBullets([words(80), words(3)], 'en');
    expect(long.split(/\s+/).length).toBeLessThanOrEqual(60);
    expect(long.endsWith('…')).toBe(true);
  });

  it('joins Chinese and Japanese bullets without spaces, with their full stop', () => {
    expect(shortFromBullets(['巴士拉修复了40座泵站', '其余将于6月完成。'], 'zh')).toBe(
      '巴士拉修复了40座泵站。其余将于6月完成。',
    );
  });

  it('takes as many translated bullets as the source took, so the translation says what the source says', () => {
    const source = [words(30), words(25), words(10)];
    const translated = ['a', 'b', 'c'];
    expect(shortFromBullets(translated, 'fr', bulletsInShort(source))).toBe('a. b.');
  });

  it("tells a short made from the bullets from a model's own", () => {
    const summary = withShort({ headline: 'Basra', bullets: ['One.', 'Two.', 'Three.'] }, 'en');
    expect(summary.short).toBe('One. Two. Three.');
    expect(shortIsFromBullets(summary, 'en')).toBe(true);
    expect(shortIsFromBullets({ ...summary, short: 'Basra repaired its stations.' }, 'en')).toBe(false);
  });
});
