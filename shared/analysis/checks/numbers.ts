import { keptByText } from '../../kept-by-text.js';
import { joinSpacedThousands } from '../figures.js';

/** The zero of each decimal digit block precis expects to read. */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xbe6, 0xc66, 0xe50, 0x1040, 0xff10];

/**
 * The characters `asciiDigits` rewrites: the decimal digits of DIGIT_ZEROS but ASCII's, and the two Arabic
 * separators. A text without any (nearly all the English an analysis reads) is its own ASCII form.
 */
const NOT_ASCII_DIGITS = new RegExp(
  `[${DIGIT_ZEROS.filter((zero) => zero !== 0x30)
    .map((zero) => `\\u{${zero.toString(16)}}-\\u{${(zero + 9).toString(16)}}`)
    .join('')}٫٬]`,
  'u',
);

/** Any script's decimal digits as ASCII digits; Arabic separators as their Latin counterparts. */
export function asciiDigits(text: string): string {
  if (!NOT_ASCII_DIGITS.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    let zero: number | undefined;
    for (const z of DIGIT_ZEROS) {
      if (cp >= z && cp <= z + 9) {
        zero = z;
        break;
      }
    }
    if (zero !== undefined) out += String(cp - zero);
    else if (ch === '٫') out += '.';
    else if (ch === '٬') out += ',';
    else out += ch;
  }
  return out;
}

export interface Figure {
  /** As written (digits made ASCII). */
  text: string;
  /** What it may mean: "1.500" is 1.5 in English and 1500 in German. */
  values: number[];
}

/**
 * The figures in a text. Thousands may be grouped with commas, dots or
 * spaces ("28,000", "28.000", "28 000", "٢٨٬٠٠٠" are all 28000); a decimal
 * comma or dot is read as such ("4,5" and "4.5" are 4.5). Where a form is
 * ambiguous ("1,500"), both readings are kept.
 */
export function figures(text: string): Figure[] {
  const ascii = joinSpacedThousands(asciiDigits(text));
  const out: Figure[] = [];
  for (const match of ascii.matchAll(/\d+(?:[.,]\d+)*/g)) {
    const raw = match[0];
    let values: number[];
    if (/^\d{1,3}([.,])\d{3}(\1\d{3})+$/.test(raw)) values = [Number(raw.replace(/[.,]/g, ''))];
    else if (/^\d{1,3}(,\d{3})+\.\d+$/.test(raw)) values = [Number(raw.replace(/,/g, ''))];
    else if (/^\d{1,3}(\.\d{3})+,\d+$/.test(raw)) values = [Number(raw.replace(/\./g, '').replace(',', '.'))];
    else if (/^\d{1,3}[.,]\d{3}$/.test(raw)) values = [Number(raw.replace(/[.,]/, '')), Number(raw.replace(',', '.'))];
    else if (/^\d+[.,]\d+$/.test(raw)) values = [Number(raw.replace(',', '.'))];
    else values = raw.split(/[.,]/).map(Number);
    out.push({ text: raw, values: values.filter(Number.isFinite) });
  }
  return out;
}

/**
 * The figures of the sources read last (shared: not to be changed): an article's are read by the summary's
 * check and by the verifier, a translation's source by the check of each language's answer and the engine's.
 */
const sourceFigures = keptByText((text): readonly Figure[] => figures(text), 16, 64);

const SCALES = [1e3, 1e6, 1e9];

/**
 * Two figures agree when they are equal, or equal up to a factor of a
 * thousand, a million or a billion: "28 ألف" is 28 thousand, which a
 * translation may write as 28,000.
 */
function agree(a: number, b: number): boolean {
  if (a === b) return true;
  for (const scale of SCALES) {
    if (Math.abs(a * scale - b) < 1e-6 * scale || Math.abs(b * scale - a) < 1e-6 * scale) return true;
  }
  return false;
}

/**
 * A check of texts against the figures of `source`, read once: for a long
 * article checked field by field, sentence by sentence.
 */
export function figuresAbsentFrom(source: string): (claimed: string) => string[] {
  return absentFrom(sourceFigures(source));
}

function absentFrom(source: readonly Figure[]): (claimed: string) => string[] {
  const have = source.flatMap((f) => f.values);
  return (claimed) => {
    const missing = figures(claimed).filter((f) => !f.values.some((v) => have.some((h) => agree(v, h))));
    return [...new Set(missing.map((f) => f.text))];
  };
}

/** Figures of `claimed` that `source` does not contain (up to scale words), as written. */
export function unsupportedFigures(claimed: string, source: string): string[] {
  // A claim's evidence is read once: not kept.
  return absentFrom(figures(source))(claimed);
}

/**
 * Figures a translation lost and figures it added, against its source text.
 * Each occurrence counts: a figure the source gives twice must appear twice.
 */
export function compareFigures(source: string, translation: string): { missing: string[]; added: string[] } {
  const left = figures(translation);
  const missing: string[] = [];
  for (const figure of sourceFigures(source)) {
    const match = left.findIndex((t) => t.values.some((v) => figure.values.some((f) => agree(f, v))));
    if (match >= 0) left.splice(match, 1);
    else missing.push(figure.text);
  }
  return { missing, added: left.map((f) => f.text) };
}
