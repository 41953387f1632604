import { unicodePattern } from './unicode-pattern.js';

/**
 * Writing systems and the languages written in them: what language
 * detection reads a text's script with, and what the translation check
 * expects a language's output to be written in.
 */
export const SCRIPT_LETTERS = {
  Latin: /\p{Script=Latin}/u,
  Arabic: /\p{Script=Arabic}/u,
  Cyrillic: /\p{Script=Cyrillic}/u,
  Greek: /\p{Script=Greek}/u,
  Hebrew: /\p{Script=Hebrew}/u,
  Devanagari: /\p{Script=Devanagari}/u,
  Bengali: /\p{Script=Bengali}/u,
  Hangul: /\p{Script=Hangul}/u,
  Kana: unicodePattern(String.raw`[\p{Script=Hiragana}\p{Script=Katakana}]`, 'u'),
  Han: /\p{Script=Han}/u,
  Thai: /\p{Script=Thai}/u,
} as const;

export type Script = keyof typeof SCRIPT_LETTERS;

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
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    for (const script of scripts) {
      if (script.test(ch)) {
        inScript++;
        break;
      }
    }
  }
  return letters === 0 ? 1 : inScript / letters;
}

/** Share of the letters of a text written in a script of `lang`. */
export function scriptShare(text: string, lang: string): number {
  return letterShare(
    text,
    scriptsOf(lang).map((script) => SCRIPT_LETTERS[script]),
  );
}
