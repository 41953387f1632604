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

/**
 * A language's trigram table: each trigram's rank in its model (franc's data
 * lists the most frequent last), -1 where it has none, by the trigram's
 * number in its script's index (ScriptIndex). A table is as long as the
 * index was when it was built: a trigram numbered after it is not in it.
 */
type Model = Int32Array;

/** A script's trigrams, each numbered once, for all the tables of that script built so far. */
interface ScriptIndex {
  ids: Map<number, number>;
  models: Map<string, Model>;
}

const scripts = new Map<string, ScriptIndex>();

/** Three UTF-16 code units as one number (exact: 48 bits), the key a trigram has in the index. */
const key = (gram: string, at = 0) =>
  gram.charCodeAt(at) * 0x100000000 + gram.charCodeAt(at + 1) * 0x10000 + gram.charCodeAt(at + 2);

function scriptIndex(script: string): ScriptIndex {
  let index = scripts.get(script);
  if (!index) {
    index = { ids: new Map(), models: new Map() };
    scripts.set(script, index);
  }
  return index;
}

/** One language's trigram table, built the first time it is asked for. */
function model(script: string, language: string): Model {
  const index = scriptIndex(script);
  let table = index.models.get(language);
  if (!table) {
    const trigrams = (loaded()[script]?.[language] ?? '').split('|');
    const ids = trigrams.map((gram) => {
      // A text's trigrams are three code units: a trigram of any other length is never one of them.
      if (gram.length !== 3) return -1;
      const k = key(gram);
      let id = index.ids.get(k);
      if (id === undefined) {
        id = index.ids.size;
        index.ids.set(k, id);
      }
      return id;
    });
    table = new Int32Array(index.ids.size).fill(-1);
    // From the last, as franc does: a trigram listed twice keeps its first rank.
    for (let rank = trigrams.length - 1; rank >= 0; rank--) {
      const id = ids[rank] as number;
      if (id >= 0) table[id] = rank;
    }
    index.models.set(language, table);
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
  /** Each trigram's number in the script's index, -1 when no table of the script has it. */
  ids: Int32Array;
  counts: number[];
}

/**
 * The trigrams of the text as trigram-utils' asTuples finds them (cleaned,
 * padded with a space), counted in a Map: asTuples counts them in an object
 * and sorts them, which the distance below does not need. Numbered in the
 * script's index once its tables are built, so that a distance reads an
 * array, not a Map, for each trigram and language.
 */
function trigramsOf(value: string, index: ScriptIndex): Trigrams {
  const padded = ` ${clean(value)} `;
  const at = new Map<number, number>();
  const keys: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) {
    const k = key(padded, i);
    const seen = at.get(k);
    if (seen === undefined) {
      at.set(k, keys.length);
      keys.push(k);
      counts.push(1);
    } else counts[seen] = (counts[seen] as number) + 1;
  }
  const ids = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) ids[i] = index.ids.get(keys[i] as number) ?? -1;
  return { ids, counts };
}

function distance(trigrams: Trigrams, table: Model): number {
  const { ids, counts } = trigrams;
  let sum = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    const rank = id >= 0 && id < table.length ? (table[id] as number) : -1;
    sum += rank < 0 ? MAX_DIFFERENCE : Math.abs((counts[i] as number) - rank - 1);
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
  // Every table first: the trigrams are numbered in the index they fill.
  const tables = Object.keys(languages)
    .filter(allowed)
    .map((language): [string, Model] => [language, model(script, language)]);
  const trigrams = trigramsOf(sample, scriptIndex(script));
  const distances: Ranked[] = tables.map(([language, table]) => [language, distance(trigrams, table)]);
  if (distances.length === 0) return [['und', 1]];
  distances.sort((a, b) => a[1] - b[1]);
  const min = (distances[0] as Ranked)[1];
  const max = sample.length * MAX_DIFFERENCE - min;
  return distances.map(([language, d]) => [language, 1 - (d - min) / max || 0]);
}
