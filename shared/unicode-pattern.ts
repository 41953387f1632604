/**
 * A regular expression with Unicode property classes (`\p{…}`), built from
 * its source when the code that uses it runs. V8 checks the syntax of every
 * regular expression literal in a file when it compiles the file, at every
 * cold start, even in a function that never runs; for a `\p{…}` class that
 * check is an ICU lookup of all the characters the property names. Written
 * as literals, the fourteen such patterns on the analyze and api functions'
 * import paths cost the analyze function's import about 11M of its 440M
 * instructions and the api's about 4M of 330M (valgrind, npm run bench's
 * import script; docs/development.md), for patterns checked again when
 * they are built. V8 keeps a pattern built here in its regexp cache for the
 * calls after the first. esbuild already writes most `\p{…}` literals this
 * way (those it cannot be sure the target reads); this is for the others.
 */
export function unicodePattern(source: string, flags: string): RegExp {
  return new RegExp(source, flags);
}
