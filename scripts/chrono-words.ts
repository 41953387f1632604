/**
 * The words chrono-node's date readers can match, for shared/cleaning/chrono-words.ts:
 * every letter run in the string, template and regular expression literals
 * and the object keys (its dictionaries: month, weekday, unit names) of
 * chrono's code for the languages bareTimestamp reads, its common parsers
 * and refiners and its time zone names. A regular expression's escapes
 * (`\s`, `\d`, `\p{L}`) and flags are not words and are left out. The unit
 * test checks the committed list against this, so a chrono upgrade that
 * reads new words fails it until the list is written again:
 *
 *   npx tsx scripts/chrono-words.ts --write
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const CHRONO = resolve(import.meta.dirname, '../node_modules/chrono-node/dist/esm');
/** The languages of dates.ts's TIMESTAMP_PARSERS. */
export const CHRONO_LANGUAGES = ['en', 'fr', 'es', 'de', 'ar', 'pt', 'it'] as const;
const OUT = resolve(import.meta.dirname, '../shared/cleaning/chrono-words.ts');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return path.endsWith('.js') ? [path] : [];
  });
}

/** chrono's modules a strict reader of those languages runs: its top level, common, utils, calculation and each language. */
function chronoFiles(): string[] {
  const top = readdirSync(CHRONO)
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(CHRONO, name));
  const dirs = ['common', 'utils', 'calculation', ...CHRONO_LANGUAGES.map((lang) => `locales/${lang}`)];
  return [...top, ...dirs.flatMap((dir) => filesUnder(join(CHRONO, dir)))].sort();
}

/** A pattern's escapes and classes by name: `\s`, `\d`, `\p{L}`, `\u00e9` (not words a text can hold). */
const ESCAPES = /\\[pPu]\{[^}]*\}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\c[A-Za-z]|\\[A-Za-z]/g;

function addWords(words: Set<string>, text: string): void {
  for (const match of text.replace(ESCAPES, ' ').matchAll(/\p{L}+/gu)) words.add(match[0].toLowerCase());
}

/** The words, lower case, sorted. */
export function chronoWords(): string[] {
  const words = new Set<string>();
  for (const file of chronoFiles()) {
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
      ts.ScriptKind.JS,
    );
    const visit = (node: ts.Node): void => {
      // A module's path names a file, not a word a date holds.
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
        if (ts.isExportDeclaration(node) && node.exportClause) ts.forEachChild(node.exportClause, visit);
        return;
      }
      if (
        ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)
      ) {
        addWords(words, node.text);
      } else if (ts.isRegularExpressionLiteral(node)) {
        // The pattern between the slashes; the flags after the last one are not words.
        addWords(words, node.text.slice(1, node.text.lastIndexOf('/')));
      } else if (
        (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
        !ts.isComputedPropertyName(node.name)
      ) {
        addWords(words, node.name.getText(source).replace(/^["'`]|["'`]$/g, ''));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return [...words].sort();
}

/** The module shared/cleaning/chrono-words.ts, as this writes it. */
export function chronoWordsModule(): string {
  const version = (JSON.parse(readFileSync(join(CHRONO, '../../package.json'), 'utf8')) as { version: string }).version;
  const words = chronoWords().join(' ');
  return `// Written by scripts/chrono-words.ts from chrono-node ${version}; tests/unit/cleaning/dates.test.ts checks it.

/** Every word chrono-node's readers of ${CHRONO_LANGUAGES.join(', ')} can match, lower case, one space between. */
export const CHRONO_WORDS =\n  '${words}';\n`;
}

if (process.argv.includes('--write')) {
  writeFileSync(OUT, chronoWordsModule());
  console.log(`${OUT}: ${chronoWords().length} words`);
}
