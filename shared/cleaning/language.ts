import { francAll } from 'franc';

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

/** Enough text to be sure, short enough to stay fast on long articles. */
const SAMPLE_CHARS = 3000;

/**
 * The language of a text as an ISO 639-1 code, chosen among `candidates`;
 * null when the text is too short or matches none of them.
 */
export function detectLanguage(text: string, candidates: readonly string[] = DEFAULT_LANGUAGES): string | null {
  const sample = text.slice(0, SAMPLE_CHARS);
  const only = Object.entries(FRANC_TO_ISO1)
    .filter(([, iso1]) => candidates.includes(iso1))
    .map(([iso3]) => iso3);
  const [best] = francAll(sample, { only, minLength: 10 });
  if (!best || best[0] === 'und') return null;
  return FRANC_TO_ISO1[best[0]] ?? null;
}
