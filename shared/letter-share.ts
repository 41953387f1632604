/**
 * The translation check's measure of a text's script, apart from
 * `shared/scripts.ts`: the analyze function reads this at its import, and
 * the scripts' module (a chunk the language detector loads) only when a
 * language is first detected; a chunk read at import costs about 1.4M
 * instructions (docs/development.md, "Speed").
 */

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
