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
 * built the first time it is read, and the same one returned after: only
 * the language detector's chunk reads these patterns, loaded when a language
 * is first detected (the translation check's `letterShare` is a module of its
 * own, so that the analyze function's import does not read this one). Building the eleven at every cold start cost
 * about 2M instructions of its import
 * (V8 checks each `\p{…}` class with an ICU lookup; docs/development.md,
 * "Speed"). Each is built from its source (no literal to check at import)
 * and kept by its getter, with no import of `shared/lazily.ts` or
 * `shared/unicode-pattern.ts`: the language detector's chunk reading either
 * made the two a chunk of their own, one more file the analyze function
 * reads at import, where they now share the offline engine's chunk.
 */
export const SCRIPT_LETTERS: Readonly<Record<Script, RegExp>> = Object.defineProperties(
  {} as Record<Script, RegExp>,
  Object.fromEntries(
    Object.entries(SCRIPT_SOURCES).map(([script, source]) => {
      let pattern: RegExp | undefined;
      return [script, { get: () => (pattern ??= new RegExp(source, 'u')), enumerable: true }];
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
