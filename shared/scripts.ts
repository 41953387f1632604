import { once } from './lazily.js';
import { unicodePattern } from './unicode-pattern.js';

/** The letters of each writing system, as pattern sources. */
const SCRIPT_SOURCES = {
  Latin: String.raw`\p{Script=Latin}`,
  Arabic: String.raw`\p{Script=Arabic}`,
  Cyrillic: String.raw`\p{Script=Cyrillic}`,
  Greek: String.raw`\p{Script=Greek}`,
  Hebrew: String.raw`\p{Script=Hebrew}`,
  Devanagari: String.raw`\p{Script=Devanagari}`,
  Bengali: String.raw`\p{Script=Bengali}`,
  Hangul: String.raw`\p{Script=Hangul}`,
  Kana: String.raw`[\p{Script=Hiragana}\p{Script=Katakana}]`,
  Han: String.raw`\p{Script=Han}`,
  Thai: String.raw`\p{Script=Thai}`,
} as const;

export type Script = keyof typeof SCRIPT_SOURCES;

/**
 * Writing systems and the languages written in them: what language
 * detection reads a text's script with, and what the translation check
 * expects a language's output to be written in. Each script's pattern is
 * built the first time it is read, and the same one returned after: the
 * analyze function imports this module at its import for `letterShare` (the
 * translation check, which passes patterns of its own, from CLDR) and reads
 * these patterns only in the language detector's chunk, loaded when a
 * language is first detected. Building the eleven at every cold start cost
 * about 2M instructions of its import
 * (V8 checks each `\p{…}` class with an ICU lookup; docs/development.md,
 * "Speed").
 */
export const SCRIPT_LETTERS: Readonly<Record<Script, RegExp>> = Object.defineProperties(
  {} as Record<Script, RegExp>,
  Object.fromEntries(
    Object.entries(SCRIPT_SOURCES).map(([script, source]) => {
      const pattern = once(() => unicodePattern(source, 'u'));
      return [script, { get: pattern, enumerable: true }];
    }),
  ),
);

/** The scripts a language is written in; a language not listed is written in Latin. */
export const LANGUAGE_SCRIPTS: Record<string, readonly Script[]> = {
  ar: ['Arabic'],
  fa: ['Arabic'],
  ur: ['Arabic'],
  ps: ['Arabic'],
  ku: ['Arabic', 'Latin'],
  he: ['Hebrew'],
  ru: ['Cyrillic'],
  uk: ['Cyrillic'],
  bg: ['Cyrillic'],
  el: ['Greek'],
  hi: ['Devanagari'],
  bn: ['Bengali'],
  zh: ['Han'],
  ja: ['Han', 'Kana'],
  ko: ['Hangul'],
  th: ['Thai'],
};

export function scriptsOf(lang: string): readonly Script[] {
  return LANGUAGE_SCRIPTS[lang.split('-')[0] ?? lang] ?? ['Latin'];
}

/** Share of the letters of a text that match one of `scripts`; 1 for a text without letters. */
export function letterShare(text: string, scripts: readonly RegExp[]): number {
  let letters = 0;
  let inScript = 0;
  // Each character read once by the patterns: a text is written with a few dozen characters, each many times
  // (a translation's check read every one of its characters through two patterns or more).
  const seen = new Map<string, Reading>();
  for (const ch of text) {
    let reading = seen.get(ch);
    if (reading === undefined) {
      reading = !/\p{L}/u.test(ch)
        ? NOT_A_LETTER
        : scripts.some((script) => script.test(ch))
          ? IN_SCRIPT
          : OTHER_LETTER;
      seen.set(ch, reading);
    }
    if (reading === NOT_A_LETTER) continue;
    letters++;
    if (reading === IN_SCRIPT) inScript++;
  }
  return letters === 0 ? 1 : inScript / letters;
}

/** What a character is to letterShare. */
type Reading = 0 | 1 | 2;
const NOT_A_LETTER = 0;
const OTHER_LETTER = 1;
const IN_SCRIPT = 2;

/** Share of the letters of a text written in a script of `lang`. */
export function scriptShare(text: string, lang: string): number {
  return letterShare(
    text,
    scriptsOf(lang).map((script) => SCRIPT_LETTERS[script]),
  );
}
