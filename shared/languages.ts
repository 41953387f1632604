/** An ISO 639 language code, optionally with a region or script subtag: "ar", "ckb", "pt-br", "zh-hant". */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

/**
 * "ar, FR," → ["ar", "fr"]: trimmed and lower-cased, a trailing comma
 * dropped, an empty entry between commas kept as "" for the check to name.
 */
export function splitLanguageList(value: string): string[] {
  if (value.trim() === '') return [];
  return value
    .replace(/,\s*$/, '')
    .split(',')
    .map((lang) => lang.trim().toLowerCase());
}

// Made on first use: creating an Intl object loads ICU's locale data, which no cold start should wait for.
let names: Intl.DisplayNames | undefined;

/** The language's English name from ICU's data ("ar" → "Arabic"), or undefined for a code no language has ("xx"). */
export function languageName(code: string): string | undefined {
  if (!LANGUAGE_CODE.test(code)) return undefined;
  try {
    names ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
    return names.of(code);
  } catch {
    return undefined;
  }
}
