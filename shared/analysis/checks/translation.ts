import { loadOnce, once } from '../../lazily.js';
import { letterShare } from '../../letter-share.js';
import { compareFigures } from './numbers.js';

/** The project's language detector, with the languages it knows (loaded on first use: it starts a WebAssembly module). */
export interface LanguageDetector {
  detect(text: string, candidates: readonly string[]): string | null;
  known: readonly string[];
}

/** Loads the detector once; an analysis that translates nothing never pays for it. */
export const loadLanguageDetector: () => Promise<LanguageDetector> = loadOnce(async () => {
  const m = await import('../../cleaning/language.js');
  await m.loadLanguageModels();
  return { detect: m.detectLanguage, known: m.DEFAULT_LANGUAGES };
});

/** ISO 15924 codes that are not one Unicode script, as the scripts they stand for. */
const COMPOSITE_SCRIPTS: Record<string, string[]> = {
  Hans: ['Hani'],
  Hant: ['Hani'],
  Jpan: ['Hani', 'Hira', 'Kana'],
  Kore: ['Hang', 'Hani'],
};

/**
 * The scripts a language is usually written in, from CLDR's likely subtags
 * (`Intl.Locale(lang).maximize()`): Sorani is Arabic, Marathi and Nepali
 * Devanagari, Georgian, Armenian, Tamil and Amharic their own, Serbian and
 * Kazakh Cyrillic, Japanese Han and kana. Null when CLDR does not know it.
 */
export function expectedScripts(lang: string): RegExp[] | null {
  if (!SCRIPTS_OF.has(lang)) {
    if (SCRIPTS_OF.size >= 256) SCRIPTS_OF.clear();
    SCRIPTS_OF.set(lang, scriptsFromCldr(lang));
  }
  return SCRIPTS_OF.get(lang) as RegExp[] | null;
}

/** Each target language's scripts, read from CLDR once (shared: not to be changed). */
const SCRIPTS_OF = new Map<string, RegExp[] | null>();

function scriptsFromCldr(lang: string): RegExp[] | null {
  let script: string | undefined;
  try {
    script = new Intl.Locale(lang).maximize().script;
  } catch {
    return null;
  }
  if (!script) return null;
  return (COMPOSITE_SCRIPTS[script] ?? [script]).flatMap((s) => {
    try {
      return [new RegExp(`\\p{Script=${s}}`, 'u')];
    } catch {
      return [];
    }
  });
}

const flat = (text: string) => text.toLocaleLowerCase().replace(/\s+/gu, ' ').trim();
const base = (lang: string) => lang.toLowerCase().split('-')[0] ?? lang;

/** Letters a text needs before the language detector's opinion counts. */
const MIN_DETECT_LETTERS = 40;

/**
 * Why `translation` is not `source` written in `lang`, or null when it is:
 *
 * - fewer than half of its letters in the language's script (CLDR's);
 * - the source itself, unchanged (untranslated English passes any Latin-script check);
 * - read by the project's own language detector (when given) as another language it knows
 *   (untranslated English "as French", Chinese "as Japanese");
 * - figures lost or added against the source (by value, in any digits).
 *
 * Each reason is a sentence the model can act on in a repair.
 */
export function translationProblems(
  source: string,
  translation: string,
  lang: string,
  sourceLanguage: string | null,
  detector?: LanguageDetector,
): string[] {
  const problems: string[] = [];
  const name = languageName(lang);
  const scripts = expectedScripts(lang);
  if (scripts && scripts.length > 0 && letterShare(translation, scripts) < 0.5) {
    problems.push(`must be written in ${name}, in its usual script`);
  }
  if (sourceLanguage && base(sourceLanguage) !== base(lang) && flat(translation) === flat(source)) {
    problems.push(`is the source text unchanged: translate it into ${name}`);
  }
  const letters = (translation.match(/\p{L}/gu) ?? []).length;
  if (detector && problems.length === 0 && letters >= MIN_DETECT_LETTERS && detector.known.includes(base(lang))) {
    const candidates = [...new Set([base(lang), ...(sourceLanguage ? [base(sourceLanguage)] : []), 'en', 'zh', 'ja'])];
    const detected = detector.detect(
      translation,
      candidates.filter((c) => detector.known.includes(c)),
    );
    if (detected && detected !== base(lang)) {
      problems.push(`reads as ${languageName(detected)}, not ${name}: write it in ${name}`);
    }
  }
  const { missing, added } = compareFigures(source, translation);
  if (missing.length + added.length > 0) {
    problems.push(
      `must keep every figure of the source, with its value: ${[
        missing.length > 0 ? `missing ${missing.join(', ')}` : '',
        added.length > 0 ? `not in the source ${added.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  }
  return problems;
}

export function languageName(code: string): string {
  try {
    return languageNames().of(code) ?? code;
  } catch {
    return code;
  }
}

/** English names of languages, built once. */
const languageNames = once(() => new Intl.DisplayNames(['en'], { type: 'language' }));
