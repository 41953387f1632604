/**
 * How check-worthy a sentence is: a logistic model over the sentence's words
 * and word pairs and a few dense features (figures, quantities, dates,
 * quotes, attribution, names, length), trained on ClaimBuster's labelled
 * debate sentences by `npm run train:claims` (scripts/train-claims.ts) and
 * checked by 4-fold cross-validation in `npm run eval:claims`. The weights
 * are checked in (checkworthiness-weights.json) and read once, the first
 * time a sentence is scored (a file beside the module, or beside the
 * function's bundle: 184 KB that an analysis by the LLM never parses).
 *
 * Its words are English (ClaimBuster is). Text in another language is
 * scored by a second model, trained on the same sentences, that reads no
 * words, only what every language has: the patterns below (which cover
 * French, Spanish, German and Arabic too), word classes read through each
 * language's lists (checkworthiness-concepts.ts), how many figures, and the
 * length (checkworthiness-concepts-weights.json).
 */
import { readFileSync } from 'node:fs';
import { besideTheBundle } from '../beside-bundle.js';
import { type ConceptLanguage, conceptLanguage, conceptsOf } from './checkworthiness-concepts.js';
import CONCEPT_WEIGHTS from './checkworthiness-concepts-weights.json' with { type: 'json' };
import { CLAIM_MODEL_FILE } from './claim-model-file.js';
import { FIGURE } from './figures.js';

const NUMBER_WORDS =
  /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|quarter|double|triple|twice)\b/i;
const DIGITS = /\p{Nd}/u;
const PERCENT_OR_MONEY =
  /[%٪$€£¥]|\b(?:percent|per cent|dollars?|dinars?|euros?|pounds?|riyals?|liras?|usd|iqd|barrels?|tonnes?|tons?|megawatts?|kilomet(?:re|er)s?|km|ppm)\b|بالمئة|دولار|دينار|ميغاواط/iu;
const DATE =
  /\b(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|last (?:week|month|year)|next (?:week|month|year))\b|\b(?:19|20)\d{2}\b|يوم (?:الأحد|الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت)/iu;
const QUOTE = /["“”«»„]|(?:^|\s)['‘][^'’]{8,}['’]/u;
const ATTRIBUTION =
  /\b(?:said|says|told|announced|stated|added|noted|stressed|confirmed|denied|claimed|reported|revealed|warned|explained|indicated|pointed out|considered|insisted|argued|estimated|according to)\b|(?:^|\s)(?:a (?:déclaré|affirmé|indiqué|annoncé|précisé|ajouté|expliqué|estimé|assuré|souligné|dit)|selon|d['’]après)(?=\s)|(?:^|\s)(?:و?قال|و?قالت|و?أعلن|و?أعلنت|و?أضاف|و?أكد|و?أوضح|و?ذكر|و?صرح|بحسب|وفقاً ل)/iu;
const COMPARISON =
  /\b(?:more|less|fewer|most|least|than|higher|lower|increase[ds]?|decrease[ds]?|doubled|tripled|cut|rose|fell|grew|largest|biggest|smallest|record)\b/i;

/** A whole word of any script: JavaScript's \b knows only ASCII letters ("afirmó", "März"). */
const word = (alternatives: string) => new RegExp(`(?<!\\p{L})(?:${alternatives})(?!\\p{L})`, 'iu');

/**
 * The same patterns in French, Spanish and German, with only words that
 * ClaimBuster's English never holds ("mars", "mayo", "mayor" and "mil" are
 * left out, which it does): they leave the trained weights as they are and
 * let those languages' figures, dates, sources and comparisons count.
 */
const OTHER_LANGUAGES = {
  number: word(
    'deux|trois|quatre|cinq|sept|huit|neuf|dix|mille|milliards?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|cien|millones|millón|zwei|drei|vier|fünf|sechs|sieben|neun|zehn|hundert|tausend|millionen|milliarden?|dutzende?|hälfte|doppelt',
  ),
  measure: word('pour cent|por ciento|prozent|dólares'),
  date: word(
    'janvier|février|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|lunes|martes|miércoles|jueves|viernes|sábado|domingo|ayer|hoy|mañana|januar|februar|märz|juni|juli|oktober|dezember|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|gestern|heute|morgen',
  ),
  attribution: word(
    'dijo|afirmó|declaró|señaló|explicó|aseguró|indicó|anunció|añadió|según|sagte|sagten|erklärte|erklärten|betonte|berichtete|kündigte|zufolge|laut|teilte|teilten',
  ),
  comparison: word(
    'moins|davantage|hausse|baisse|augmenté|diminué|más|menos|menor|aumentó|cayó|récord|mehr|weniger|höher|niedriger|gestiegen|gesunken|rekord|verdoppelt',
  ),
};

/** What the patterns see in a sentence; the dense half of the model's input. */
export interface Signals {
  number: boolean;
  digits: boolean;
  measure: boolean;
  date: boolean;
  quote: boolean;
  attribution: boolean;
  entity: boolean;
  comparison: boolean;
  question: boolean;
  words: number;
}

export function signals(text: string): Signals {
  const withoutFirstWord = text.replace(/^\S+\s*/, '');
  const digits = DIGITS.test(text);
  return {
    number: digits || NUMBER_WORDS.test(text) || OTHER_LANGUAGES.number.test(text),
    digits,
    measure: PERCENT_OR_MONEY.test(text) || OTHER_LANGUAGES.measure.test(text),
    date: DATE.test(text) || OTHER_LANGUAGES.date.test(text),
    quote: QUOTE.test(text),
    attribution: ATTRIBUTION.test(text) || OTHER_LANGUAGES.attribution.test(text),
    entity: /\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)+/u.test(withoutFirstWord),
    comparison: COMPARISON.test(text) || OTHER_LANGUAGES.comparison.test(text),
    question: /\?\s*$/.test(text),
    words: text.split(/\s+/).filter(Boolean).length,
  };
}

const TOKEN = new RegExp(`\\p{L}+(?:['’]\\p{L}+)?|${FIGURE.source}`, 'gu');

/** The words of a sentence as the model counts them: lower-cased, figures as one token, years as another. */
export function tokens(text: string): string[] {
  return (text.toLowerCase().match(TOKEN) ?? []).map((t) =>
    /^\p{Nd}/u.test(t) ? (/^(?:19|20)\d{2}$/.test(t) ? '<year>' : '<num>') : t.replace('’', "'"),
  );
}

/** The model's input: named features, each 1 (a sparse binary vector); `s` when the caller has read them already. */
export function featuresOf(text: string, s: Signals = signals(text)): string[] {
  const words = tokens(text);
  const out = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    out.add(`w:${words[i]}`);
    if (i + 1 < words.length) out.add(`b:${words[i]} ${words[i + 1]}`);
  }
  for (const [name, on] of Object.entries(s)) if (on === true) out.add(`f:${name}`);
  out.add(lengthOf(s.words));
  return [...out];
}

const lengthOf = (words: number) =>
  words <= 5 ? 'len:<=5' : words <= 10 ? 'len:<=10' : words <= 20 ? 'len:<=20' : words <= 40 ? 'len:<=40' : 'len:>40';

/**
 * The input of the model for text other than English: the patterns, the
 * word classes the language's lists find (none for a language without
 * lists), how many figures (0 to 3 or more), and the length.
 */
export function conceptFeaturesOf(
  text: string,
  language: ConceptLanguage | null,
  s: Signals = signals(text),
): string[] {
  const out: string[] = [];
  for (const [name, on] of Object.entries(s)) if (on === true) out.push(`f:${name}`);
  if (language) for (const concept of conceptsOf(text, language)) out.push(`c:${concept}`);
  out.push(`figures:${Math.min(3, text.match(FIGURE)?.length ?? 0)}`);
  out.push(lengthOf(s.words));
  return out;
}

export interface Model {
  bias: number;
  weights: Record<string, number>;
  /** The probability from which a sentence counts as check-worthy (chosen for F1 on the training data). */
  threshold: number;
}

export function probability(model: Model, features: readonly string[]): number {
  let z = model.bias;
  for (const f of features) z += model.weights[f] ?? 0;
  return 1 / (1 + Math.exp(-z));
}

let wordModel: Model | null = null;

/** The model of English words, read on first use. */
function englishModel(): Model {
  // Looked for once: finding the file is a URL and a stat, and the model scores every sentence of an article.
  if (wordModel) return wordModel;
  const file = besideTheBundle(CLAIM_MODEL_FILE) ?? new URL(`./${CLAIM_MODEL_FILE}`, import.meta.url);
  wordModel = JSON.parse(readFileSync(file, 'utf8')) as Model;
  return wordModel;
}

const CONCEPT_MODEL = CONCEPT_WEIGHTS as Model;

/** English (or a language not given) is scored by the model of English words; any other language by the word classes. */
const byClasses = (language: string | null | undefined) => Boolean(language) && conceptLanguage(language) !== 'en';

/** The probability, 0..1 to two places, that a sentence (in `language`, English if not given) is a check-worthy factual claim. */
export function checkworthiness(
  text: string,
  options: { model?: Model; signals?: Signals; language?: string | null } = {},
): number {
  const features = byClasses(options.language)
    ? conceptFeaturesOf(text, conceptLanguage(options.language), options.signals)
    : featuresOf(text, options.signals);
  const model = options.model ?? (byClasses(options.language) ? CONCEPT_MODEL : englishModel());
  return Math.round(probability(model, features) * 100) / 100;
}

/** The probability from which the model that scores `language` calls a sentence check-worthy. */
export function checkworthyFrom(language: string | null | undefined): number {
  return byClasses(language) ? CONCEPT_MODEL.threshold : englishModel().threshold;
}
