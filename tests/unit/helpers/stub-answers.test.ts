import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { fakeTranslate } from '../../helpers/stub-answers.js';
import { tokensOf } from '../../helpers/stub-tokens.js';

/** Sentences of several shapes: closing marks or none, figures, other scripts, spaces before the close. */
const SOURCES = [
  'The ministry said 12 people were hurt in the blast on Tuesday.',
  'Oil exports rose 4.5 percent to 3.3 million barrels a day',
  '"We will rebuild," the governor told reporters in Mosul!',
  'Is the bridge open again?',
  'Trailing spaces before the close .',
  'العراق قال إن ٥٠ في المئة من الكهرباء عادت.',
  '12 345.',
  'A',
  'Ends with a figure 2024',
];
const RATIOS: Record<string, number> = { fr: 1.17, ar: 1.08, de: 1.21, zh: 1, xx: 1.15 };

describe("the stand-in's translation", () => {
  it('is as long in tokens as the ratio asks, and a word shorter would not be, whatever the words add up to', () => {
    for (const source of SOURCES) {
      for (const [lang, ratio] of Object.entries(RATIOS)) {
        // Prepare
        const want = Math.round(countTokens(source) * ratio);

        // Act
        const translated = fakeTranslate(source, lang);

        // Assess
        const [, body = translated, close = ''] = /^([\s\S]*?)([.!?؟。]*)$/u.exec(translated) ?? [];
        expect(close).toBe(/[.!?؟。]*$/u.exec(source)?.[0] ?? '');
        if (!/\p{L}/u.test(body)) continue;
        expect(countTokens(translated)).toBeGreaterThanOrEqual(want);
        const runs = (text: string) => text.match(/\p{L}[\p{L}\p{M}]*/gu)?.length ?? 0;
        if (runs(translated) > runs(source))
          expect(countTokens(`${body.slice(0, body.lastIndexOf(' '))}${close}`)).toBeLessThan(want);
      }
    }
  });
});

describe("the stand-in's token count", () => {
  it("gives o200k's count for each text, counted again or not", () => {
    const texts = ['', 'a', 'Hello, world.', 'مرحبا بالعالم', 'x'.repeat(5000)];
    for (const text of texts) {
      expect(tokensOf(text)).toBe(countTokens(text));
      expect(tokensOf(text)).toBe(countTokens(text));
    }
    for (let i = 0; i < 600; i++) expect(tokensOf(`text number ${i}`)).toBe(countTokens(`text number ${i}`));
  });
});
