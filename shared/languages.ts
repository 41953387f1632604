/** An ISO 639 language code, optionally with a region or script subtag: "ar", "ckb", "pt-br", "zh-hant". */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

/** "ar, FR,,es" → ["ar", "fr", "es"]: trimmed, lower-cased, empty entries dropped (not yet checked). */
export function splitLanguageList(value: string): string[] {
  return value
    .split(',')
    .map((lang) => lang.trim().toLowerCase())
    .filter((lang) => lang.length > 0);
}
