import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedUnicodeClasses, PROPERTIES, UNICODE_CLASSES_FILE } from '../../scripts/unicode-classes.js';
import { GROUP_SPACE } from '../../shared/analysis/figures.js';
import { rangedPattern, withRanges } from '../../shared/ranged-pattern.js';
import { PROPERTY_CLASSES } from '../../shared/unicode-classes.js';
import { sample } from '../helpers/samples.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every code point but the surrogates, in order, and the surrogates alone (two in a row would read as one character). */
const ALL_BUT_SURROGATES = (() => {
  const chars: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCodePoint(cp));
  return chars.join('');
})();
const SURROGATES = Array.from({ length: 0x800 }, (_, i) => String.fromCharCode(0xd800 + i));

/** The characters of ALL_BUT_SURROGATES and SURROGATES a one-character class matches, in order. */
function matched(classSource: string): string {
  const global = new RegExp(classSource, 'gu');
  const alone = new RegExp(`^${classSource}$`, 'u');
  return (ALL_BUT_SURROGATES.match(global) ?? []).join('') + SURROGATES.filter((s) => alone.test(s)).join('');
}

/** The patterns the code builds with rangedPattern(String.raw`…`, flags), read from its source files. */
function patternsInCode(): Array<{ file: string; source: string; flags: string }> {
  const found: Array<{ file: string; source: string; flags: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('ranged-pattern.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/rangedPattern\(\s*String\.raw`([^`]*)`,\s*'([a-z]*)'/g)) {
          found.push({
            file: path.slice(ROOT.length + 1),
            source: (m[1] ?? '').replace(/\$\{GROUP_SPACE\}/g, GROUP_SPACE),
            flags: m[2] ?? '',
          });
        }
      }
    }
  };
  for (const dir of ['shared', 'lambdas', 'cli', 'local']) walk(join(ROOT, dir));
  return found;
}

/** Realistic text in the scripts the patterns read, and the characters at the edges of their classes. */
const CORPUS = [
  sample('basra-water.html').toString('utf8'),
  sample('baghdad-electricity-ar.json').toString('utf8'),
  sample('mosul-old-city.md').toString('utf8'),
  'BASRA — Le conseil a annoncé mardi 14 écoles, 3,2 milliards ; 12 500 000,75 dinars, 1\u00a0200 et 4\u202f500. Il a ajouté qu’il viendra.',
  'Er sagte, am 12. Oktober würden 1.200 Menschen kommen. Añadió que sí. وقال المتحدث إن ١٢٣ شخصاً وصلوا، وأضافت أن ۴۵۶ آخرين.',
  'Совет провинции объявил во вторник. Το επαρχιακό συμβούλιο. הוועדה אמרה. प्रांतीय परिषद ने कहा १२३। প্রাদেশিক পরিষদ ১২৩।',
  '省议会周二表示，𠀀𪜀 14所学校。州議会は火曜日、ディナールをかけた。주 의회는 화요일 32억 디나르가. ก่อนหน้านี้ ສະບາຍດີ ខ្មែរ မြန်မာ བོད་',
  "didn't they'll we've I'm 𝐀𝐁𝐂 𝟏𝟐𝟑 ½ Ⅻ ⑫ ᾏ ǅ ﬁ e\u0301 \u200c\u200d\u2028\u2029\u0000\u001f\u007f\u0085\u009f 😀👍🏽 \ufeff",
  'SAN FRANCISCO, March 3 — the-ÉLYSÉE A-B 1999 2024, 2024.5 19,99 0x1F (1899) [2100] «a» “b” ‹c›',
];

describe('the Unicode properties as ranges (shared/unicode-classes.ts)', () => {
  it("is the file scripts/unicode-classes.ts writes from this Node's Unicode", () => {
    // Act
    const generated = generatedUnicodeClasses();
    // Assess: a Node whose Unicode differs writes other ranges; run `npx tsx scripts/unicode-classes.ts`.
    expect(readFileSync(UNICODE_CLASSES_FILE, 'utf8')).toBe(generated);
  }, 120_000);

  it.each(PROPERTIES)('matches every code point \\p{%s} matches, and no other, 0 to 0x10FFFF', (property) => {
    // Arrange
    const ranges = PROPERTY_CLASSES[property];
    // Act
    const byRanges = matched(`[${ranges}]`);
    const byProperty = matched(`\\p{${property}}`);
    // Assess
    expect(ranges).toBeDefined();
    expect(byRanges.length).toBeGreaterThan(0);
    expect(byRanges === byProperty).toBe(true);
  });

  it('has ranges for every property a pattern built with rangedPattern names', () => {
    // Arrange
    const patterns = patternsInCode();
    // Act
    const named = new Set(patterns.flatMap(({ source }) => [...source.matchAll(/\\p\{([^}]*)\}/g)].map((m) => m[1])));
    // Assess: the token estimate's, the scripts' and the checks' patterns are among them.
    expect(patterns.map((p) => p.file)).toEqual(
      expect.arrayContaining([
        'shared/analysis/llm/tokens.ts',
        'shared/scripts.ts',
        'shared/analysis/headline.ts',
        'shared/analysis/figures.ts',
        'shared/analysis/quotes.ts',
      ]),
    );
    expect([...named].filter((property) => property === undefined || !(property in PROPERTY_CLASSES))).toEqual([]);
  });

  it('builds each pattern of the code to find what its `\\p{…}` source finds, at every offset of the corpus', () => {
    for (const { file, source, flags } of patternsInCode()) {
      // Arrange
      const byRanges = rangedPattern(source, flags);
      const byProperty = new RegExp(source, flags);
      expect(byRanges.source, file).not.toMatch(/\\p\{/);
      for (const text of CORPUS) {
        if (flags.includes('g')) {
          // Act
          const found = (re: RegExp) => [...text.matchAll(re)].map((m) => [m.index, ...m]);
          // Assess
          expect(found(byRanges), `${file}: ${source}`).toEqual(found(byProperty));
          expect(text.split(byRanges), `${file}: ${source}`).toEqual(text.split(byProperty));
        } else {
          for (let at = 0; at < text.length; at += text.length > 2000 ? 7 : 1) {
            const rest = text.slice(at);
            // Act
            const a = byRanges.exec(rest);
            const b = byProperty.exec(rest);
            // Assess
            expect(a && [a.index, ...a], `${file}: ${source} at ${at}`).toEqual(b && [b.index, ...b]);
          }
        }
      }
    }
  }, 120_000);

  it('writes a property inside a class as its ranges, alone as a class of them, and leaves one without ranges as it is', () => {
    // Act
    const inClass = withRanges(String.raw`[^\s\p{Nd}]`);
    const alone = withRanges(String.raw`\p{Nd}+\\p{Nd}\[\p{Nd}`);
    const unknown = withRanges(String.raw`\p{Ll}`);
    // Assess
    expect(inClass).toBe(`[^\\s${PROPERTY_CLASSES.Nd}]`);
    expect(alone).toBe(`[${PROPERTY_CLASSES.Nd}]+\\\\p{Nd}\\[[${PROPERTY_CLASSES.Nd}]`);
    expect(unknown).toBe(String.raw`\p{Ll}`);
  });
});
