import { expressions } from 'franc/expressions.js';
import { clean } from 'trigram-utils';
import { besideTheBundle } from '../beside-bundle.js';
import { FRANC_DATA, FRANC_DATA_BESIDE_BUNDLE } from './model-files.js';

/**
 * franc's `francAll` (franc 6.2.0, MIT, Titus Wormer), run on the same data
 * and giving the same answers, with one change: a language's trigram table
 * is built the first time a text in its script is ranked against it, not at
 * import. franc builds the tables of all its 187 languages when it is
 * imported (about 90 ms of every cold start of a function that bundles it);
 * precis asks for a few dozen, and a function that never detects a language
 * builds none. Its data (the trigrams of every language, 347 KB of
 * JavaScript) is imported by loadFrancData(), not with this module: a
 * function that never detects a language never parses it.
 */

export { FRANC_DATA, FRANC_DATA_BESIDE_BUNDLE };

type Data = Record<string, Record<string, string>>;

let data: Data | null = null;
let loading: Promise<void> | null = null;

/**
 * Imports franc's data once: from beside the bundle in Lambda, or from
 * node_modules when run from the sources. francAll needs it loaded
 * (loadLanguageModels awaits this).
 */
export function loadFrancData(): Promise<void> {
  loading ??= (async () => {
    // A name in a variable: the bundler leaves this import to run time.
    const specifier = besideTheBundle(FRANC_DATA_BESIDE_BUNDLE)?.href ?? FRANC_DATA;
    data = ((await import(specifier)) as { data: Data }).data;
  })().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** The loaded data, or an error saying what to await. */
function loaded(): Data {
  if (!data) throw new Error("franc's data is not loaded: await loadLanguageModels() before detecting.");
  return data;
}

/** franc's limits: the sample it reads, and the distance of a trigram a model lacks. */
const MAX_LENGTH = 2048;
const MAX_DIFFERENCE = 300;

/** A language (ISO 639-3) and its score, 1 the best. */
export type Ranked = [string, number];

type Model = Map<string, number>;

const models = new Map<string, Model>();

/** One language's trigram table: each trigram's rank in its model (franc's data lists the most frequent last). */
function model(script: string, language: string): Model {
  const key = `${script}/${language}`;
  let table = models.get(key);
  if (!table) {
    const trigrams = (loaded()[script]?.[language] ?? '').split('|');
    table = new Map();
    // From the last, as franc does: a trigram listed twice keeps its first rank.
    for (let rank = trigrams.length - 1; rank >= 0; rank--) table.set(trigrams[rank] as string, rank);
    models.set(key, table);
  }
  return table;
}

/** The script most of the value's characters are written in (franc's own expressions, in franc's order). */
function topScript(value: string): [string | undefined, number] {
  let top: string | undefined;
  let topShare = -1;
  for (const [script, expression] of Object.entries(expressions)) {
    const share = (value.match(expression)?.length ?? 0) / value.length || 0;
    if (share > topShare) {
      topShare = share;
      top = script;
    }
  }
  return [top, topShare];
}

/** A text's trigrams and how often each occurs, in two lists. */
interface Trigrams {
  grams: string[];
  counts: number[];
}

/**
 * The trigrams of the text as trigram-utils' asTuples finds them (cleaned,
 * padded with a space), counted in a Map: asTuples counts them in an object
 * and sorts them, which the distance below does not need.
 */
function trigramsOf(value: string): Trigrams {
  const padded = ` ${clean(value)} `;
  const index = new Map<string, number>();
  const grams: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) {
    const gram = padded.slice(i, i + 3);
    const at = index.get(gram);
    if (at === undefined) {
      index.set(gram, grams.length);
      grams.push(gram);
      counts.push(1);
    } else counts[at] = (counts[at] as number) + 1;
  }
  return { grams, counts };
}

function distance(trigrams: Trigrams, table: Model): number {
  const { grams, counts } = trigrams;
  let sum = 0;
  for (let i = 0; i < grams.length; i++) {
    const rank = table.get(grams[i] as string);
    sum += rank === undefined ? MAX_DIFFERENCE : Math.abs((counts[i] as number) - rank - 1);
  }
  return sum;
}

/**
 * The languages `value` may be written in among `only` (all of franc's when
 * empty), best first, scored 0–1 as franc scores them; `[['und', 1]]` when
 * the value is shorter than `minLength` or no language fits.
 */
export function francAll(value: string, options: { only?: readonly string[]; minLength?: number } = {}): Ranked[] {
  const only = options.only ?? [];
  const minLength = options.minLength ?? 10;
  if (!value || value.length < minLength) return [['und', 1]];
  const sample = value.slice(0, MAX_LENGTH);
  const [script, share] = topScript(sample);
  const allowed = (language: string) => only.length === 0 || only.includes(language);
  const languages = script === undefined ? undefined : loaded()[script];
  if (script === undefined || !languages) {
    // A script only one language is written in names that language (franc keys those scripts by it).
    if (script === undefined || share === 0 || !allowed(script)) return [['und', 1]];
    return [[script, 1]];
  }
  const trigrams = trigramsOf(sample);
  const distances: Ranked[] = Object.keys(languages)
    .filter(allowed)
    .map((language) => [language, distance(trigrams, model(script, language))]);
  if (distances.length === 0) return [['und', 1]];
  distances.sort((a, b) => a[1] - b[1]);
  const min = (distances[0] as Ranked)[1];
  const max = sample.length * MAX_DIFFERENCE - min;
  return distances.map(([language, d]) => [language, 1 - (d - min) / max || 0]);
}
