import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seeded } from '../../../bench/lib/random.js';
import { countWords } from '../../../shared/cleaning/normalize.js';
import { segments } from '../../../shared/segment.js';
import { SAMPLES_DIR, textsIn } from '../../helpers/samples.js';

/**
 * The word pattern countWords used for every text before it read the common
 * Latin blocks by a scan of char codes: the count must be this pattern's,
 * whatever the text.
 */
const WORD_BEFORE =
  /[\p{L}\p{M}\p{Nd}_\u200c\u200d]+(?:(?:(?<=[\p{L}\p{M}])['’.:·\u05f4\u2027\ufe13\ufe55\uff1a](?=\p{L})|(?<=\p{Nd})[.,;'’\u037e\u0589\u060c\u060d\u066b\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe52\ufe54\uff0c\uff0e\uff1b](?=\p{Nd}))[\p{L}\p{M}\p{Nd}_\u200c\u200d]+)*/gu;
/** Texts countWords gives to ICU's segmenter instead (as before): not the word pattern's. */
const DICTIONARY_SCRIPTS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

/** What countWords gave before for any text: the segmenter's count with a dictionary script, else the pattern's. */
function countWordsBefore(text: string): number {
  if (!DICTIONARY_SCRIPTS.test(text)) return countBefore(text);
  return [...segments(text, 'word')].filter((segment) => segment.isWordLike).length;
}

function countBefore(text: string): number {
  WORD_BEFORE.lastIndex = 0;
  let count = 0;
  while (WORD_BEFORE.exec(text) !== null) count++;
  return count;
}

describe('countWords', () => {
  it("counts every code point, in every role of the pattern's classes, as the word pattern did", () => {
    // Alone, as the letter or digit before or after a joiner, as a joiner between letters and between digits.
    const contexts = (c: string) => [c, `${c}.a`, `${c}.1`, `a.${c}`, `1.${c}`, `a${c}b`, `1${c}2`, `é${c}\u0301x`];
    const differ: string[] = [];
    // One by one through the blocks the scan reads, and past them.
    for (let code = 0; code < 0x2200; code++) {
      const char = String.fromCodePoint(code);
      if (DICTIONARY_SCRIPTS.test(char)) continue;
      for (const text of contexts(char))
        if (countWords(text) !== countBefore(text)) differ.push(`U+${code.toString(16)} in ${JSON.stringify(text)}`);
    }
    // Past them, where the scan leaves the text to the pattern, 128 code points at a time (a space between any two).
    for (let block = 0x2200; block <= 0x10ffff; block += 128) {
      const texts: string[] = [];
      for (let code = block; code < Math.min(block + 128, 0x110000); code++) {
        const char = String.fromCodePoint(code);
        if (!DICTIONARY_SCRIPTS.test(char)) texts.push(...contexts(char));
      }
      const text = texts.join(' ');
      if (countWords(text) !== countBefore(text)) differ.push(`the block from U+${block.toString(16)}`);
    }
    expect(differ.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('counts the fixtures and samples, and their texts in pieces, as the word pattern did', () => {
    const fixtures = join(import.meta.dirname, '../../fixtures');
    const texts = [
      ...textsIn(join(fixtures, 'articles'), /\.txt$/),
      ...textsIn(join(fixtures, 'pastes'), /\.txt$/),
      ...textsIn(SAMPLES_DIR, /\.(txt|md|json)$/),
    ].filter((text) => !DICTIONARY_SCRIPTS.test(text));
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      expect(countWords(text)).toBe(countBefore(text));
      // Every line alone: a line of Latin text is scanned to its end, one with another script from where that begins.
      for (const line of text.split('\n')) expect(countWords(line)).toBe(countBefore(line));
    }
  });

  it('counts random strings of letters, marks, digits, joiners and other scripts as it did', () => {
    const next = seeded(29);
    // Latin letters and digits, marks, every joiner of the pattern, spaces and punctuation, and characters
    // outside the scanned blocks (Greek, Cyrillic, Arabic and its digits, Devanagari, an emoji's surrogates).
    const alphabet = [
      ..."aZé_1 0.,;:'’·-!?",
      '\u0301',
      '\u200c',
      '\u200d',
      '\u2027',
      '\u2044',
      '\u05f4',
      '\u037e',
      '\u0589',
      '\u060c',
      '\u066b',
      '\ufe13',
      '\uff0c',
      'λ',
      'ж',
      'ب',
      '٣',
      'क',
      '\u093f',
      '😀',
      '\u00b2',
      '\u2070',
      '\u20ac',
      '\u2019',
    ];
    // Scripts written without spaces, rarer: a text that holds one is the segmenter's to count, wherever it stands.
    const dictionary = ['漢', 'か', '한', 'ไ', 'ລ'];
    for (let i = 0; i < 50_000; i++) {
      const length = 1 + Math.floor(next() * 24);
      let text = '';
      for (let j = 0; j < length; j++)
        text +=
          next() < 0.02
            ? dictionary[Math.floor(next() * dictionary.length)]
            : alphabet[Math.floor(next() * alphabet.length)];
      if (countWords(text) !== countWordsBefore(text))
        expect(`${JSON.stringify(text)}: ${countWords(text)}`).toBe(countWordsBefore(text));
    }
  });
});
