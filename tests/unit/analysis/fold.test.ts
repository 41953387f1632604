/**
 * The grounding check's fold (quotes, dashes, case and white space, with each
 * folded character's offset in the original) by tables gives what it gave
 * when it lower-cased each character with a pattern and a locale-aware
 * mapping: compared with the old code (copied here as it was) over the
 * fixtures' articles and random texts of every code unit, surrogates alone
 * and in pairs, capitals that fold to two characters and Greek sigmas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../../shared/analysis/checks/grounding.js';
import { fixtureArticles } from '../../helpers/samples.js';

// --- The old code, as it was. ---

const FOLD: Record<string, string> = {
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '″': '"',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '′': "'",
  '`': "'",
  '–': '-',
  '—': '-',
  '‑': '-',
  '…': '.',
};

function oldFold(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let lastWasSpace = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (/\s/u.test(ch)) {
      if (!lastWasSpace) {
        folded += ' ';
        origin.push(i);
      }
      lastWasSpace = true;
      continue;
    }
    lastWasSpace = false;
    const mapped = (FOLD[ch] ?? ch).toLocaleLowerCase();
    for (const part of mapped) {
      folded += part;
      origin.push(i);
    }
  }
  if (folded.endsWith(' ')) {
    folded = folded.slice(0, -1);
    origin.pop();
  }
  return { folded, origin };
}

// --- The texts compared on. ---

const ARTICLES = fixtureArticles();

/** Pieces the fold reads differently: capitals of several scripts, the variants it maps, every kind of white space, surrogates. */
const PIECE = fc.constantFrom(
  'The MINISTER said',
  'İstanbul',
  'ΟΔΟΣ',
  'Σ',
  'ẞ',
  'Ǆ',
  'الوزير قال',
  '𐐀𐐨',
  '\ud801',
  '\udc00',
  '“',
  '”',
  '„',
  '«',
  '»',
  '’',
  '`',
  '–',
  '—',
  '‑',
  '…',
  ' ',
  '  ',
  '\n',
  '\t',
  '\u00a0',
  '\u202f',
  '\u2009',
  '\u3000',
  '\uFEFF',
  '\u0085',
  '\u200b',
);
const TEXT = fc.oneof(
  fc.array(PIECE, { maxLength: 40 }).map((pieces) => pieces.join('')),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 80 }).map((codes) => String.fromCharCode(...codes)),
);

describe('the fold', () => {
  it('of the fixtures is what it was, each offset included', () => {
    for (const article of ARTICLES) {
      // Twice: the second reads the units' folds worked out by the first.
      for (let i = 0; i < 2; i++) expect(fold(article)).toEqual(oldFold(article));
    }
  });

  it('of random texts of every code unit is what it was', () => {
    fc.assert(
      fc.property(TEXT, (text) => {
        expect(fold(text)).toEqual(oldFold(text));
      }),
      { seed: 29, numRuns: 3000 },
    );
    // Every code unit alone and after a capital: what a unit folds to does not depend on its neighbours.
    for (let code = 0; code <= 0xffff; code++) {
      const text = `A${String.fromCharCode(code)} `;
      expect(fold(text)).toEqual(oldFold(text));
    }
  });
});
