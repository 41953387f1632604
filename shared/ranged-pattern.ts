import { PROPERTY_CLASSES } from './unicode-classes.js';

/**
 * A regular expression with Unicode property classes (`\p{…}`) built once,
 * at import, with each property written as the code-point ranges it
 * matches. Building a pattern asks ICU for a `\p{…}` class's characters at
 * every cold start (the first `\p{Script=…}` loads ICU's script data): the
 * twenty-one patterns the analyze function built at its import cost about
 * 28M instructions of its 450M (valgrind, npm run bench's import script).
 * The same classes as ranges of plain characters (shared/unicode-classes.ts,
 * written by scripts/unicode-classes.ts from Node's own `\p{…}`) parse in a
 * fraction of that. The ranges match exactly the code points the property
 * does (tests/unit/unicode-classes.test.ts checks each one, 0 to 0x10FFFF,
 * that the file matches the running Node's Unicode, and that each pattern
 * finds what its source does), so the pattern matches what its source does.
 * A property without ranges stays as written.
 *
 * For a pattern built once, at import; one built at each call is built with
 * unicodePattern() (shared/unicode-pattern.ts): with its ranges a source runs
 * to thousands of characters, which V8 copies at each construction (about
 * 20 µs a pattern, where the `\p{…}` source costs 1).
 */
export function rangedPattern(source: string, flags: string): RegExp {
  return new RegExp(withRanges(source), flags);
}

/** A property class, an escape, or a bracket that opens or closes a class (a `u` pattern has no nested classes). */
const TOKEN = /\\p\{([^}]*)\}|\\[\s\S]|\[|\]/g;

/** `source` with each `\p{…}` that has ranges written as them: inside a class their body, alone a class of them. */
export function withRanges(source: string): string {
  let inClass = false;
  return source.replace(TOKEN, (token: string, property: string | undefined) => {
    if (property === undefined) {
      if (token === '[') inClass = true;
      else if (token === ']') inClass = false;
      return token;
    }
    const ranges = PROPERTY_CLASSES[property];
    if (ranges === undefined) return token;
    return inClass ? ranges : `[${ranges}]`;
  });
}
