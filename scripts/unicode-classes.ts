/**
 * Writes shared/unicode-classes.ts: the Unicode properties (`\p{…}`) that
 * the patterns built with rangedPattern() name (shared/ranged-pattern.ts),
 * as the explicit code-point ranges this Node's `\p{…}` matches. V8 builds a
 * pattern's `\p{…}` class at every cold start by asking ICU for all the
 * property's characters (loading its script data for the first
 * `\p{Script=…}`); the same class written as ranges of plain characters
 * parses in a fraction of that (shared/ranged-pattern.ts says how much).
 * tests/unit/unicode-classes.test.ts regenerates the file from the running
 * Node and fails when it differs, so a Node whose Unicode is newer is caught;
 * `--check` does the same from the command line. Run
 * `npx tsx scripts/unicode-classes.ts` to write it again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const UNICODE_CLASSES_FILE = resolve(ROOT, 'shared/unicode-classes.ts');

/**
 * The properties written as ranges: those the patterns built with
 * rangedPattern() name (tests/unit/unicode-classes.test.ts checks that
 * none is missing).
 */
export const PROPERTIES = [
  'L',
  'Lu',
  'M',
  'N',
  'Nd',
  'Script=Latin',
  'Script=Arabic',
  'Script=Cyrillic',
  'Script=Greek',
  'Script=Hebrew',
  'Script=Devanagari',
  'Script=Bengali',
  'Script=Hangul',
  'Script=Hiragana',
  'Script=Katakana',
  'Script=Han',
  'Script=Thai',
] as const;

/** The code points `source` matches, as [first, last] ranges, over 0..0x10FFFF. */
export function rangesOf(source: string): Array<[number, number]> {
  const pattern = new RegExp(`^${source}$`, 'u');
  const ranges: Array<[number, number]> = [];
  let start = -1;
  for (let cp = 0; cp <= 0x110000; cp++) {
    const matches = cp <= 0x10ffff && pattern.test(String.fromCodePoint(cp));
    if (matches && start < 0) start = cp;
    else if (!matches && start >= 0) {
      ranges.push([start, cp - 1]);
      start = -1;
    }
  }
  return ranges;
}

/**
 * A code point as the TypeScript source of what a class holds: printable
 * ASCII as itself (a backslash before the class's own syntax), the rest as a
 * string escape, so the pattern V8 reads holds the character itself, the
 * cheapest for it to parse. Surrogates are refused: two in a row would read
 * as one astral character in a `u` pattern.
 */
function classChar(cp: number): string {
  if (cp >= 0xd800 && cp <= 0xdfff) throw new Error(`a surrogate in a class: ${cp.toString(16)}`);
  // Below the space and DEL: the pattern's own escape, so that no control character sits in the pattern's text.
  if (cp < 0x20 || cp === 0x7f) return `\\\\u${cp.toString(16).padStart(4, '0')}`;
  if (cp < 0x7f) {
    const ch = String.fromCodePoint(cp);
    if (ch === "'") return "\\'";
    if (ch === '\\') return '\\\\\\\\';
    return ']-[^'.includes(ch) ? `\\\\${ch}` : ch;
  }
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** What goes between a class's brackets for `ranges`, as a TypeScript string literal's content. */
export function classBody(ranges: Array<[number, number]>): string {
  return ranges
    .map(([first, last]) =>
      first === last
        ? classChar(first)
        : last === first + 1
          ? classChar(first) + classChar(last)
          : `${classChar(first)}-${classChar(last)}`,
    )
    .join('');
}

export function generatedUnicodeClasses(): string {
  const lines = [
    `// Written by scripts/unicode-classes.ts from Unicode ${process.versions.unicode}'s properties: do not edit.`,
    '// Each entry is what goes between the brackets of a character class that matches the same code points as',
    '// `\\p{name}`; tests/unit/unicode-classes.test.ts checks every code point, and that this file is current.',
    '',
    'export const PROPERTY_CLASSES: { readonly [property: string]: string } = {',
  ];
  for (const property of PROPERTIES) {
    const key = /^\w+$/.test(property) ? property : `'${property}'`;
    const value = `'${classBody(rangesOf(String.raw`\p{${property}}`))}'`;
    // As Biome formats it: a long value under its key, unless the key is short.
    if (key.length > 2 && key.length + value.length + 5 > 120) lines.push(`  ${key}:`, `    ${value},`);
    else lines.push(`  ${key}: ${value},`);
  }
  lines.push('};');
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === import.meta.filename) {
  const text = generatedUnicodeClasses();
  if (process.argv.includes('--check')) {
    if (readFileSync(UNICODE_CLASSES_FILE, 'utf8') !== text) {
      console.error('shared/unicode-classes.ts differs from this Node: run `npx tsx scripts/unicode-classes.ts`.');
      process.exit(1);
    }
    console.log('shared/unicode-classes.ts is current.');
  } else {
    writeFileSync(UNICODE_CLASSES_FILE, text);
    console.log(`Wrote ${UNICODE_CLASSES_FILE}.`);
  }
}
