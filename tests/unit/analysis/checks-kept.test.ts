/**
 * The checks' shortcuts give what the checks gave before them: the figures
 * of a source kept for the checks after the first, ASCII digits taken as
 * they are, the verifier's vocabulary made from the sentences it reads
 * anyway and each word's stem kept, each target language's scripts and the
 * languages' names read once, the token estimate of a long text kept. Each
 * is compared with the old code (copied here as it was) over the fixtures'
 * articles and random texts of many scripts, digits, separators and white
 * spaces (U+FEFF and Greek sigmas included), each text read several times
 * so that the kept results are the ones compared.
 */
import fc from 'fast-check';
import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import {
  asciiDigits,
  compareFigures,
  figures,
  figuresAbsentFrom,
  unsupportedFigures,
} from '../../../shared/analysis/checks/numbers.js';
import { expectedScripts, languageName } from '../../../shared/analysis/checks/translation.js';
import { measureSummary } from '../../../shared/analysis/checks/verify.js';
import { joinSpacedThousands } from '../../../shared/analysis/figures.js';
import { answerBudget, type TranslationSource, translationBudget } from '../../../shared/analysis/llm/schemas.js';
import { estimateTokens } from '../../../shared/analysis/llm/tokens.js';
import { keptByText } from '../../../shared/kept-by-text.js';
import { letterShare } from '../../../shared/letter-share.js';
import { fixtureArticles } from '../../helpers/samples.js';

// --- The old code, as it was. ---

const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xbe6, 0xc66, 0xe50, 0x1040, 0xff10];

function oldAsciiDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9);
    if (zero !== undefined) out += String(cp - zero);
    else if (ch === '٫') out += '.';
    else if (ch === '٬') out += ',';
    else out += ch;
  }
  return out;
}

interface OldFigure {
  text: string;
  values: number[];
}

function oldFigures(text: string): OldFigure[] {
  const ascii = joinSpacedThousands(oldAsciiDigits(text));
  const out: OldFigure[] = [];
  for (const match of ascii.matchAll(/\d+(?:[.,]\d+)*/g)) {
    const raw = match[0];
    const num = (s: string) => Number(s);
    let values: number[];
    if (/^\d{1,3}([.,])\d{3}(\1\d{3})+$/.test(raw)) values = [num(raw.replace(/[.,]/g, ''))];
    else if (/^\d{1,3}(,\d{3})+\.\d+$/.test(raw)) values = [num(raw.replace(/,/g, ''))];
    else if (/^\d{1,3}(\.\d{3})+,\d+$/.test(raw)) values = [num(raw.replace(/\./g, '').replace(',', '.'))];
    else if (/^\d{1,3}[.,]\d{3}$/.test(raw)) values = [num(raw.replace(/[.,]/, '')), num(raw.replace(',', '.'))];
    else if (/^\d+[.,]\d+$/.test(raw)) values = [num(raw.replace(',', '.'))];
    else values = raw.split(/[.,]/).map(num);
    out.push({ text: raw, values: values.filter(Number.isFinite) });
  }
  return out;
}

function agree(a: number, b: number): boolean {
  if (a === b) return true;
  for (const scale of [1e3, 1e6, 1e9]) {
    if (Math.abs(a * scale - b) < 1e-6 * scale || Math.abs(b * scale - a) < 1e-6 * scale) return true;
  }
  return false;
}

function oldFiguresAbsentFrom(source: string): (claimed: string) => string[] {
  const have = oldFigures(source).flatMap((f) => f.values);
  return (claimed) => {
    const missing = oldFigures(claimed).filter((f) => !f.values.some((v) => have.some((h) => agree(v, h))));
    return [...new Set(missing.map((f) => f.text))];
  };
}

function oldCompareFigures(source: string, translation: string): { missing: string[]; added: string[] } {
  const left = oldFigures(translation);
  const missing: string[] = [];
  for (const figure of oldFigures(source)) {
    const match = left.findIndex((t) => t.values.some((v) => figure.values.some((f) => agree(f, v))));
    if (match >= 0) left.splice(match, 1);
    else missing.push(figure.text);
  }
  return { missing, added: left.map((f) => f.text) };
}

const STOP = new Set(
  `a an the and or but if of at by for with about against between into through during before after above below to from up down in out on off over under again further then once here there when where why how all any both each few more most other some such no nor not only own same so than too very can will just should now is are was were be been being have has had having do does did doing i me my we our you your he him his she her it its they them their what which who whom this that these those am would could also said says say told according s t 's re ve ll`.split(
    /\s+/,
  ),
);
function oldStem(word: string): string {
  const bare = word.replace(/'s$/u, '');
  return /^[a-z]+$/.test(bare) ? stemmer(bare) : bare;
}
const CLITIC = /(?<=\p{L})(?:n't|'re|'m|'ve|'ll|'d)$/u;
const BARE_CLITIC = /^(?:n't|'re|'m|'ve|'ll|'d)$/u;
function oldWritten(text: string): { word: string; stem: string }[] {
  return (
    text
      .toLocaleLowerCase()
      .replaceAll('’', "'")
      .match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []
  )
    .map((w) => w.replace(CLITIC, ''))
    .filter((w) => !STOP.has(w) && w.length > 1 && !BARE_CLITIC.test(w))
    .map((word) => ({ word, stem: oldStem(word) }))
    .filter((w) => w.stem !== '');
}
const oldContentWords = (text: string) => oldWritten(text).map((w) => w.stem);
function oldSentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}
function oldMeasureSummary(article: string, summary: string) {
  const vocabulary = new Set(oldContentWords(article));
  const closest = new Map<string, number>();
  const note = (pair: string, distance: number) => {
    if (distance < (closest.get(pair) ?? Number.POSITIVE_INFINITY)) closest.set(pair, distance);
  };
  for (const passage of oldSentencesOf(article).map(oldContentWords)) {
    for (let i = 0; i < passage.length; i++) {
      for (let j = i + 1; j <= i + 4 && j < passage.length; j++) {
        note(`${passage[i]} ${passage[j]}`, j - i);
        note(`${passage[j]} ${passage[i]}`, j - i);
      }
    }
  }
  const absentFigures = oldFiguresAbsentFrom(article);
  return oldSentencesOf(summary).map((text) => {
    const seen = oldWritten(text);
    const stems = new Set(seen.map((w) => w.stem));
    const absent = new Map<string, string>();
    for (const { word, stem } of seen) if (!vocabulary.has(stem) && !absent.has(stem)) absent.set(stem, word);
    const pairs = seen.slice(1).map((w, i) => {
      const before = seen[i] as (typeof seen)[number];
      const distance = closest.get(`${before.stem} ${w.stem}`) ?? 5;
      return { pair: `${before.word} ${w.word}`, distance };
    });
    return {
      text,
      figures: absentFigures(text),
      absent: [...absent.values()],
      absentShare: stems.size === 0 ? 0 : absent.size / stems.size,
      pairs,
    };
  });
}

function oldLetterShare(text: string, scripts: readonly RegExp[]): number {
  let letters = 0;
  let inScript = 0;
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    if (scripts.some((script) => script.test(ch))) inScript++;
  }
  return letters === 0 ? 1 : inScript / letters;
}

const COMPOSITE_SCRIPTS: Record<string, string[]> = {
  Hans: ['Hani'],
  Hant: ['Hani'],
  Jpan: ['Hani', 'Hira', 'Kana'],
  Kore: ['Hang', 'Hani'],
};
function oldExpectedScripts(lang: string): RegExp[] | null {
  let script: string | undefined;
  try {
    script = new Intl.Locale(lang).maximize().script;
  } catch {
    return null;
  }
  if (!script) return null;
  return (COMPOSITE_SCRIPTS[script] ?? [script]).flatMap((s) => {
    try {
      return [new RegExp(`\\p{Script=${s}}`, 'u')];
    } catch {
      return [];
    }
  });
}
function oldLanguageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

// --- The texts compared on. ---

const ARTICLES = fixtureArticles();

/** Pieces of text the checks read differently: words of many scripts, figures in several digits and groupings, stops, every kind of white space. */
const PIECE = fc.constantFrom(
  'The',
  'minister',
  'said',
  "didn't",
  'did',
  "n't",
  'closed',
  'closing',
  'Baghdad’s',
  'ΟΔΟΣ',
  'Σ',
  'σοφός',
  'İstanbul',
  'Ölçüm',
  'الوزير',
  'قال',
  '٢٨٬٠٠٠',
  '٤٫٥',
  '۱۲۳',
  '१२३',
  '１２',
  '28,000',
  '28.000',
  '28 000',
  '1,500',
  '4,5',
  '4.5',
  '12 %',
  '99%',
  '2025',
  '1.234.567',
  '.',
  '!',
  '?',
  ',',
  '“',
  '”',
  '’',
  "'",
  ' ',
  ' ',
  '\n',
  '\t',
  '\u00a0',
  '\u202f',
  '\u2009',
  '\uFEFF',
  '…',
);
const TEXT = fc.array(PIECE, { maxLength: 60 }).map((pieces) => pieces.join(''));

const SEEDED = { seed: 29, numRuns: 400 };

describe('the figures of a text', () => {
  it('read as before: ASCII digits taken as they are, the figures of a source kept for the checks after the first', () => {
    const same = (source: string, claimed: string) => {
      expect(asciiDigits(source)).toBe(oldAsciiDigits(source));
      expect(figures(source)).toEqual(oldFigures(source));
      // Twice: the second reads the kept figures, and the first's caller may not have changed them.
      for (let i = 0; i < 2; i++) {
        expect(figuresAbsentFrom(source)(claimed)).toEqual(oldFiguresAbsentFrom(source)(claimed));
        expect(unsupportedFigures(claimed, source)).toEqual(oldFiguresAbsentFrom(source)(claimed));
        expect(compareFigures(source, claimed)).toEqual(oldCompareFigures(source, claimed));
        expect(compareFigures(claimed, source)).toEqual(oldCompareFigures(claimed, source));
      }
    };
    for (const article of ARTICLES) {
      for (const other of ARTICLES) same(article, other.slice(0, 600));
    }
    fc.assert(fc.property(TEXT, TEXT, same), SEEDED);
  });

  it('are the caller’s own: changing what figures() returned changes nothing kept', () => {
    const source = ARTICLES.find((a) => /\d/.test(a)) as string;
    const first = figuresAbsentFrom(source)('about 12345678 people');
    for (const figure of figures(source)) figure.values.splice(0);
    expect(figuresAbsentFrom(source)('about 12345678 people')).toEqual(first);
    expect(compareFigures(source, source)).toEqual({ missing: [], added: [] });
  });
});

describe('the verifier', () => {
  it('measures a summary as before: the vocabulary from the sentences, each stem kept', () => {
    const same = (article: string, summary: string) => {
      for (let i = 0; i < 2; i++) expect(measureSummary(article, summary)).toEqual(oldMeasureSummary(article, summary));
    };
    for (const article of ARTICLES) {
      const sentences = oldSentencesOf(article);
      same(article, sentences.slice(0, 3).join(' '));
      same(article, `${sentences.at(-1) ?? ''} Nothing of this was said in 1999 by 12 ministers.`);
    }
    fc.assert(fc.property(TEXT, TEXT, same), SEEDED);
    // The one white space lower-casing reads past: a Greek sigma before it, a letter after.
    same('ΟΔΟΣ.\uFEFFΒ ΟΔΟΣ. Β', 'οδοσ. οδος.');
  });
});

describe('the translation checks', () => {
  it('read a language’s scripts and name as before, and count letters in a script as before', () => {
    for (const lang of ['ar', 'fr', 'en', 'zh', 'ja', 'ko', 'ru', 'sr', 'ckb', 'mr', 'am', 'xx', 'not a code', '']) {
      for (let i = 0; i < 2; i++) {
        expect(expectedScripts(lang)).toEqual(oldExpectedScripts(lang));
        expect(languageName(lang)).toBe(oldLanguageName(lang));
      }
    }
    const scripts = [/\p{Script=Arab}/u, /\p{Script=Grek}/u];
    fc.assert(
      fc.property(TEXT, (text) => {
        expect(letterShare(text, scripts)).toBe(oldLetterShare(text, scripts));
      }),
      SEEDED,
    );
  });
});

describe("the budgets' script allowance", () => {
  it('is what ICU says of each language, asked again or not', () => {
    const source: TranslationSource = {
      headline: 'Oil exports rose',
      bullets: ['Exports rose 4 percent.'],
      claims: [],
      speakers: [],
    };
    for (const lang of ['fr', 'en', 'ar', 'zh', 'ru', 'sr', 'sr-Latn', 'ku', 'not a code', '']) {
      let latin = true;
      try {
        latin = lang === '' || new Intl.Locale(lang).maximize().script === 'Latn';
      } catch {
        latin = true;
      }
      for (let i = 0; i < 2; i++) {
        expect(answerBudget(1000, lang || null, 100_000), lang).toBe(latin ? 1000 : 1500);
        expect(translationBudget(source, lang)).toBe(translationBudget(source, latin ? 'fr' : 'ar'));
      }
    }
  });
});

describe('the token estimate', () => {
  it('of a long text, kept, is the estimate of the same text read again from the start', () => {
    for (const article of ARTICLES) {
      // A copy that is not the same string: read afresh unless the text is kept.
      const copy = [...article].join('');
      const first = estimateTokens(article);
      expect(estimateTokens(copy)).toBe(first);
      expect(estimateTokens(`${article} `)).toBeGreaterThanOrEqual(first);
    }
  });
});

describe('keptByText', () => {
  it('computes a text once while it is kept, lets the oldest go first, and keeps no short text', () => {
    const seen: string[] = [];
    const length = keptByText(
      (text) => {
        seen.push(text);
        return text.length;
      },
      2,
      3,
    );
    expect([length('aaa'), length('aaa'), length('bbbb'), length('aaa')]).toEqual([3, 3, 4, 3]);
    expect(seen).toEqual(['aaa', 'bbbb']);
    length('ccccc'); // 'aaa' goes, the oldest
    length('aaa');
    length('bb');
    length('bb');
    expect(seen).toEqual(['aaa', 'bbbb', 'ccccc', 'aaa', 'bb', 'bb']);
  });
});
