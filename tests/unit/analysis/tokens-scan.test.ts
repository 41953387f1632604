import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seeded } from '../../../bench/lib/random.js';
import { estimateTokens, fittedTokens, TOKEN_ESTIMATE_MARGIN } from '../../../shared/analysis/llm/tokens.js';
import { SAMPLES_DIR, textsIn } from '../../helpers/samples.js';

/**
 * The fitted count as it was before the estimate read the common Latin blocks by a scan of char codes: PIECES
 * over the whole text. The count must be this one, to the last bit, whatever the text.
 */
const PIECES_BEFORE =
  /(\p{Script=Latin}+)|(\p{Script=Cyrillic}+)|(\p{Script=Arabic}[\p{Script=Arabic}\p{M}]*)|([\p{Script=Greek}\p{Script=Hebrew}]+)|([\p{Script=Devanagari}\p{Script=Bengali}][\p{Script=Devanagari}\p{Script=Bengali}\p{M}]*)|([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])|(\p{L}[\p{L}\p{M}]*)|(\p{N}+)|(\s+)|([^\s\p{L}\p{N}])/gu;

function fittedBefore(text: string): number {
  let tokens = 0;
  for (const m of text.matchAll(PIECES_BEFORE)) {
    const piece = m[0];
    if (m[1] !== undefined) {
      let ascii = 0;
      for (let i = 0; i < piece.length; i++) {
        const c = piece.charCodeAt(i) | 32;
        if (c >= 97 && c <= 122) ascii++;
      }
      tokens += 0.255 * ascii + 0.81 * (piece.length - ascii);
    } else if (m[2] !== undefined) tokens += 0.17 + 0.32 * piece.length;
    else if (m[3] !== undefined) tokens += 0.59 + 0.25 * piece.length;
    else if (m[4] !== undefined) tokens += 0.38 + 0.385 * piece.length;
    else if (m[5] !== undefined) tokens += 0.12 + 0.37 * piece.length;
    else if (m[6] !== undefined) tokens += 0.83;
    else if (m[7] !== undefined) tokens += 0.3 * piece.length;
    else if (m[8] !== undefined) tokens += Math.ceil(piece.length / 3);
    else if (m[10] !== undefined) tokens += 0.63;
  }
  return tokens;
}

/** The texts among `texts` whose fitted count differs from the pattern's (not the same double), and how. */
function differing(texts: Iterable<string>): string[] {
  const differ: string[] = [];
  for (const text of texts) {
    const now = fittedTokens(text);
    const before = fittedBefore(text);
    if (!Object.is(now, before)) differ.push(`${JSON.stringify(text.slice(0, 80))}: ${now} against ${before}`);
  }
  return differ;
}

describe('the fitted token count', () => {
  it('counts every code point, in every role of the pieces, as the pattern did', () => {
    // Alone, repeated, inside and at either end of a Latin run, a run of letters of no script (ˆ), a run of
    // digits and of spaces, after a letter (as a mark would follow it) and before a mark.
    const contexts = (c: string) => [
      c,
      `${c}${c}${c}`,
      `ab${c}`,
      `${c}cd`,
      `é${c}ü`,
      `ˆ${c}`,
      `${c}ˆ`,
      `µ${c}\u0301`,
      `12${c}`,
      `${c}345`,
      ` ${c} `,
      `\u00a0${c}\u2003`,
      `${c}\u0301x`,
      `x\u0301${c}`,
    ];
    const differ: string[] = [];
    // One by one through the blocks the scan reads, and past them.
    for (let code = 0; code < 0x2200; code++) differ.push(...differing(contexts(String.fromCodePoint(code))));
    // Past them, where the scan leaves the text to the pattern from the piece it was in, 128 code points at a time
    // (a space between any two), at the end of each kind of piece the scan reads.
    const after = (c: string) => [c, `ab${c}`, `ˆ${c}`, `12${c}`, ` ${c}`, `${c}\u0301`];
    for (let block = 0x2200; block <= 0x10ffff; block += 128) {
      const texts: string[] = [];
      for (let code = block; code < Math.min(block + 128, 0x110000); code++)
        texts.push(...after(String.fromCodePoint(code)));
      differ.push(...differing([texts.join(' ')]));
    }
    expect(differ.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('counts the fixtures and samples, and their lines, as the pattern did', () => {
    const fixtures = join(import.meta.dirname, '../../fixtures');
    const texts = [
      ...textsIn(join(fixtures, 'articles'), /\.txt$/),
      ...textsIn(join(fixtures, 'pastes'), /\.txt$/),
      ...textsIn(join(fixtures, 'pages'), /\.html$/),
      ...textsIn(SAMPLES_DIR, /\.(txt|md|json|html)$/),
    ];
    expect(texts.length).toBeGreaterThan(10);
    // Every line alone too: a line of Latin text is scanned to its end, one with another script from where it begins.
    expect(differing(texts.flatMap((text) => [text, ...text.split('\n')]))).toEqual([]);
  });

  it('counts random strings of every kind of piece, other scripts and surrogates as the pattern did', () => {
    const next = seeded(31);
    // Latin letters (ASCII, accented, Vietnamese, superscript), letters of no script, marks, digits of several
    // kinds, white space of several kinds, punctuation, and characters outside the scanned blocks: Greek, Cyrillic,
    // Arabic with its marks and digits, Devanagari with a vowel sign, Han, kana, Hangul, a Latin letter of another
    // block (Ⱡ, ｆ), an emoji's surrogates and a lone surrogate.
    const alphabet = [
      ..."aZqé_ßøǅ 1 0.,;:'’·-!?\t\n",
      'ạ',
      'ⁱ',
      'ₐ',
      'ˆ',
      'ʹ',
      'µ',
      '\u0301',
      '\u0345',
      '²',
      '¼',
      '⁴',
      '₉',
      '\u00a0',
      '\u2003',
      '\u2028',
      '\u202f',
      '\u3000',
      '\ufeff',
      '\u200b',
      '€',
      '\u2044',
      'λ',
      'ж',
      'ب',
      '\u064e',
      '٣',
      'क',
      '\u093f',
      '漢',
      'か',
      '한',
      'Ⱡ',
      'ｆ',
      '😀',
      '\ud800',
    ];
    const texts: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const length = 1 + Math.floor(next() * 24);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * alphabet.length)];
      texts.push(text);
    }
    expect(differing(texts).slice(0, 10)).toEqual([]);
  });

  it('is what the estimate raises by its margin and rounds up', () => {
    const text = 'The council said on Tuesday that 14 schools would reopen — après 3,2 milliards.';
    expect(estimateTokens(text)).toBe(Math.ceil(fittedBefore(text) * TOKEN_ESTIMATE_MARGIN));
  });
});
