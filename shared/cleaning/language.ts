import { LANGUAGE_SCRIPTS, SCRIPT_LETTERS, type Script } from '../scripts.js';
import { type Cld3, loadCld3 } from './cld3.js';
import { francAll, loadFrancData } from './franc.js';

/**
 * Google's CLD3 (a small neural model compiled to WebAssembly): the second
 * opinion on Latin-script text, where franc's trigram models confuse close
 * languages (Spanish and Portuguese, Dutch and German) on short sentences.
 * Loaded by loadLanguageModels(), not at import: a function that never
 * cleans a text never pays for it.
 */
let cld3: Cld3 | null = null;
let loading: Promise<void> | null = null;

/** Loads the language models (CLD3, franc's data) once; detectLanguage needs them loaded (cleanDocument's callers await this first). */
export function loadLanguageModels(): Promise<void> {
  loading ??= Promise.all([loadCld3(), loadFrancData()]).then(
    ([loaded]) => {
      cld3 = loaded;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** CLD3's codes that differ from the ISO 639-1 codes precis uses. */
const CLD3_ALIASES: Record<string, string> = { iw: 'he', ms: 'id', 'zh-Latn': 'zh' };

/** ISO 639-3 codes franc returns, mapped to the ISO 639-1 codes precis stores. */
const FRANC_TO_ISO1: Record<string, string> = {
  arb: 'ar',
  ben: 'bn',
  ckb: 'ku',
  kmr: 'ku',
  cmn: 'zh',
  deu: 'de',
  ell: 'el',
  eng: 'en',
  fra: 'fr',
  heb: 'he',
  hin: 'hi',
  ind: 'id',
  ita: 'it',
  jpn: 'ja',
  kor: 'ko',
  nld: 'nl',
  pes: 'fa',
  prs: 'fa',
  pol: 'pl',
  por: 'pt',
  rus: 'ru',
  spa: 'es',
  swh: 'sw',
  tur: 'tr',
  ukr: 'uk',
  urd: 'ur',
  vie: 'vi',
};

/** The languages precis tells apart by default: ISO 639-1 codes. */
export const DEFAULT_LANGUAGES = [...new Set(Object.values(FRANC_TO_ISO1))].sort();

/** franc's second best scores this close to its best (1): franc hesitates. */
const FRANC_MARGIN = 0.9;
/** CLD3's probability at which its answer overrules a hesitating franc. */
const CLD3_SURE = 0.9;

/** CLD3 reads at most 1,000 bytes (see cld3.ts): no more characters than that are copied to it. */
const CLD3_CHARS = 1000;

/** Enough text to be sure, short enough to stay fast on long articles. */
const SAMPLE_CHARS = 3000;

/**
 * The first of SCRIPTS a character (one code point, not ASCII) is a letter
 * of, or null for one that is no letter or of none of them; each character
 * tried against the patterns the first time it is read, then looked up (a
 * text of another script than Latin tried each of its letters against the
 * letter pattern and up to ten scripts' at every reading: the translation
 * check reads each translation). Kept for at most MAX_KNOWN characters.
 */
function scriptOfLetter(ch: string): Script | null {
  const code = ch.codePointAt(0) as number;
  let script = KNOWN_SCRIPTS.get(code);
  if (script === undefined) {
    script = null;
    if (/\p{L}/u.test(ch)) {
      for (const [name, test] of SCRIPTS) {
        if (test.test(ch)) {
          script = name;
          break;
        }
      }
    }
    if (KNOWN_SCRIPTS.size >= MAX_KNOWN) KNOWN_SCRIPTS.clear();
    KNOWN_SCRIPTS.set(code, script);
  }
  return script;
}

const KNOWN_SCRIPTS = new Map<number, Script | null>();
/** More than the letters a language uses (Chinese writes some thousands): past it the table starts again. */
const MAX_KNOWN = 50_000;

/** The scripts detection reads, in the order a letter is tried against them. */
const SCRIPTS: [Script, RegExp][] = (
  ['Latin', 'Arabic', 'Cyrillic', 'Greek', 'Hebrew', 'Devanagari', 'Bengali', 'Hangul', 'Kana', 'Han'] as const
).map((script) => [script, SCRIPT_LETTERS[script]]);

/** The letters of a text by script (SCRIPTS'), ASCII letters as Latin; exported for its tests. */
export function scriptCounts(text: string): Map<Script, number> {
  const counts = new Map<Script, number>();
  let latin = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) {
      // ASCII, most of most texts: a letter is Latin, anything else is not a letter.
      if ((code | 32) >= 97 && (code | 32) <= 122) latin++;
      continue;
    }
    const script = scriptOfLetter(ch);
    if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (latin > 0) counts.set('Latin', (counts.get('Latin') ?? 0) + latin);
  return counts;
}

const count = (text: string, letters: RegExp) => text.match(letters)?.length ?? 0;

/** franc among some candidates (ISO 639-1), best first, with its scores. */
function franc(text: string, among: readonly string[]): [string, number][] {
  const only = Object.entries(FRANC_TO_ISO1)
    .filter(([, iso1]) => among.includes(iso1))
    .map(([iso3]) => iso3);
  if (only.length === 0) return [];
  const scores = new Map<string, number>();
  for (const [iso3, score] of francAll(text, { only, minLength: 1 })) {
    const iso1 = FRANC_TO_ISO1[iso3];
    if (iso1 && !scores.has(iso1)) scores.set(iso1, score);
  }
  return [...scores];
}

/**
 * Arabic-script languages by their letters: Urdu's retroflex letters and
 * final yeh, Sorani Kurdish's vowels, Persian's four extra letters and its
 * yeh and kaf against Arabic's teh marbuta, alef maksura, yeh and kaf.
 */
function arabicScript(text: string, candidates: readonly string[]): string | null {
  const urdu = count(text, /[\u0679\u0688\u0691\u06BA\u06D2\u06D3\u06BE]/gu);
  const sorani = count(text, /[\u06CE\u06C6\u06B5\u0695\u06D5]/gu);
  const persian = count(text, /[\u067E\u0686\u0698\u06AF\u06CC\u06A9]/gu);
  const arabic = count(text, /[\u0629\u0649\u064A\u0643\u0623\u0625\u0624]/gu);
  const pick = (lang: string) => (candidates.includes(lang) ? lang : null);
  if (urdu >= 2 && urdu > sorani) return pick('ur');
  if (sorani >= 2) return pick('ku');
  if (persian > arabic) return pick('fa');
  if (arabic > persian) return pick('ar');
  return null;
}

/**
 * Russian and Ukrainian by the letters only one of them has. Ukrainian
 * writes і, ї or є in nearly every sentence (often typed as a Latin "i"
 * inside a Cyrillic word); a Cyrillic text with none of them is Russian.
 */
function cyrillic(text: string): 'ru' | 'uk' {
  const ukrainian = count(text, /[іїєґІЇЄҐ]|(?<=\p{Script=Cyrillic})[iI]|[iI](?=\p{Script=Cyrillic})/gu);
  const russian = count(text, /[ыэъёЫЭЪЁ]/gu);
  return ukrainian > 0 && ukrainian >= russian ? 'uk' : 'ru';
}

/** The letters beyond a–z each Latin-script language writes with. */
const ALPHABETS: Record<string, string> = {
  en: '',
  id: '',
  sw: '',
  de: 'äöüß',
  fr: 'àâæçéèêëîïôœùûüÿ',
  es: 'áéíóúüñ',
  pt: 'áâãàçéêíóôõúü',
  it: 'àèéìíîòóùú',
  nl: 'áéíóúàèëïöüĳ',
  pl: 'ąćęłńóśźż',
  tr: 'çğıöşüâîû',
  ku: 'çêîşû',
  vi: 'àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ',
};

/**
 * The Latin-script candidates whose alphabet has the text's accented
 * letters: "ã" rules out Spanish, "ł" everything but Polish. A language
 * keeps its place while the letters foreign to it stay under 1 % of the
 * text's letters (a borrowed name in a long article); when no language
 * fits (mis-decoded text), all stay.
 */
function byAlphabet(text: string, candidates: readonly string[], letters: number): string[] {
  const latin = candidates.filter((lang) => ALPHABETS[lang] !== undefined);
  const pool = latin.length > 0 ? latin : [...candidates];
  const accented = (text.toLocaleLowerCase().match(/[^\p{ASCII}]/gu) ?? []).filter((c) => /\p{L}/u.test(c));
  if (accented.length === 0) return pool;
  const tolerance = Math.floor(letters * 0.01);
  const foreign = (lang: string) => accented.filter((c) => !(ALPHABETS[lang] ?? '').includes(c)).length;
  const fitting = pool.filter((lang) => foreign(lang) <= tolerance);
  return fitting.length > 0 ? fitting : pool;
}

/**
 * A script that only one language is written in names that language (Greek,
 * Hebrew, Hangul, …). Latin is every unlisted language's script, so it names none.
 */
const BY_SCRIPT: Partial<Record<Script, string>> = {};
for (const [script] of SCRIPTS) {
  const languages = Object.keys(LANGUAGE_SCRIPTS).filter((lang) => LANGUAGE_SCRIPTS[lang]?.includes(script));
  if (script !== 'Latin' && languages.length === 1) BY_SCRIPT[script] = languages[0];
}

/**
 * The language of a text as an ISO 639-1 code, chosen among `candidates`;
 * null when the text is too short or matches none of them.
 *
 * The script decides first: a text mostly in Hangul is Korean, Han with kana
 * is Japanese, and so on; Arabic-script and Cyrillic languages are told apart
 * by the letters only one of them uses. A script a page mixes with Latin
 * names and boilerplate wins when it holds a quarter of the letters. Latin
 * text, and anything the letters leave open, goes to franc's trigram models.
 */
export function detectLanguage(text: string, candidates: readonly string[] = DEFAULT_LANGUAGES): string | null {
  const sample = text.slice(0, SAMPLE_CHARS);
  const scripts = scriptCounts(sample);
  const letters = [...scripts.values()].reduce((a, b) => a + b, 0);
  if (letters < 3) return null;
  const [main] = [...scripts].filter(([s]) => s !== 'Latin').sort((a, b) => b[1] - a[1]);

  if (main && main[1] >= letters * 0.25) {
    const [script] = main;
    const direct = BY_SCRIPT[script];
    if (direct && candidates.includes(direct)) return direct;
    if (script === 'Han' || script === 'Kana') {
      const kana = scripts.get('Kana') ?? 0;
      const han = scripts.get('Han') ?? 0;
      const lang = kana >= (kana + han) * 0.05 ? 'ja' : 'zh';
      if (candidates.includes(lang)) return lang;
    }
    if (script === 'Arabic') {
      const lang = arabicScript(sample, candidates);
      if (lang) return lang;
      return (
        franc(
          sample,
          candidates.filter((c) => ['ar', 'fa', 'ur', 'ku'].includes(c)),
        )[0]?.[0] ?? null
      );
    }
    if (script === 'Cyrillic') {
      const lang = cyrillic(sample);
      if (candidates.includes(lang)) return lang;
    }
  }
  return latin(sample, byAlphabet(sample, candidates, letters));
}

/**
 * Latin-script text: franc and CLD3 each name a language among the
 * candidates. When they agree, or CLD3 is not sure, franc's answer stands;
 * when CLD3 is sure and franc hesitates between its first two, CLD3's wins.
 */
function latin(sample: string, candidates: string[]): string | null {
  const ranked = franc(sample, candidates);
  const [first, second] = ranked;
  if (!first) return null;
  // CLD3 is asked only when franc hesitates: its answer cannot change a sure franc's.
  const francUnsure = !second || second[1] >= FRANC_MARGIN;
  if (!francUnsure) return first[0];
  if (!cld3) throw new Error('The language models are not loaded: await loadLanguageModels() before detecting.');
  const opinion = cld3.findLanguage(sample.slice(0, CLD3_CHARS));
  const other = CLD3_ALIASES[opinion.language] ?? opinion.language;
  if (other === first[0] || !candidates.includes(other)) return first[0];
  return opinion.is_reliable && opinion.probability >= CLD3_SURE ? other : first[0];
}
