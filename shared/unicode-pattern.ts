import { PROPERTY_CLASSES } from './unicode-classes.js';

/**
 * A regular expression with Unicode property classes (`\p{…}`), built from
 * its source when the code that uses it runs, each property written as the
 * code-point ranges it matches.
 *
 * Built from source: V8 checks the syntax of every regular expression
 * literal in a file when it compiles the file, at every cold start, even in
 * a function that never runs; for a `\p{…}` class that check is an ICU
 * lookup of all the characters the property names. Written as literals, the
 * fourteen such patterns on the analyze and api functions' import paths cost
 * the analyze function's import about 11M of its 440M instructions and the
 * api's about 4M of 330M (valgrind, npm run bench's import script;
 * docs/development.md), for patterns checked again when they are built. V8
 * keeps a pattern built here in its regexp cache for the calls after the
 * first. esbuild already writes most `\p{…}` literals this way (those it
 * cannot be sure the target reads); this is for the others.
 *
 * As ranges: building a pattern asks ICU for a `\p{…}` class's characters
 * again at every cold start (the first `\p{Script=…}` loads ICU's script
 * data), which cost the twenty-one patterns built at the analyze function's
 * import about 28M instructions; the same classes as ranges of plain
 * characters (shared/unicode-classes.ts, written by
 * scripts/unicode-classes.ts from Node's own `\p{…}`) parse in a fraction of
 * that. The ranges match exactly the code points the property does
 * (tests/unit/unicode-classes.test.ts checks each one, 0 to 0x10FFFF, and
 * that the file matches the running Node's Unicode), so the pattern matches
 * what its source does. A property without ranges stays as written.
 */
export function unicodePattern(source: string, flags: string): RegExp {
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
