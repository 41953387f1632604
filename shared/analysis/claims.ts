import type { Claim, ClaimKind } from '../article.js';
import { checkworthiness, checkworthyFrom, type Signals, signals } from './checkworthiness.js';
import { conceptLanguage, conceptsOf } from './checkworthiness-concepts.js';
import { MAX_CLAIMS, selectClaims } from './claim-policy.js';
import { quotations } from './quotes.js';
import { type Sentence, splitSentences, withinSentenceBound } from './sentences.js';
import { speakersOf } from './speakers.js';

export { findSpeaker } from './speakers.js';

const PREDICTION =
  /\b(?:will|would|expected to|plans? to|planned|is set to|are set to|forecasts?|projected|by the end of|next year|next month|upcoming)\b|(?:^|\s)(?:و?تتوقع|و?يتوقع|سوف|سي)/iu;
const POLICY =
  /\b(?:law|bill|decree|regulation|policy|budget|ban|agreement|sanctions?|tax|allocated|legislation|ministry|parliament|compensation|funds?)\b|قانون|قرار|الحكومة|الوزارة/iu;
const EVENT =
  /\b(?:killed|wounded|injured|arrested|attacked|opened|reopened|closed|launched|signed|elected|resigned|died|fell|rose|increased|decreased|destroyed|burned|exploded|withdrew|deployed|visited|met|held|ended)\b/i;

/**
 * A piece of a sentence, not a sentence: a list item that ends on a
 * semicolon or comma ("running water in half of the shops;"), a list item
 * with no full stop, or one that starts with a small letter, as the items
 * of a list run on from its lead-in ("The inspection found:") do, with or
 * without markers. A list item that is a whole sentence ("- The ministry
 * allocated 25 billion dinars.") is none; nor is a text written all in
 * small letters, which has no other way to start its sentences.
 */
export function isFragment(sentence: Pick<Sentence, 'text' | 'listItem'>, before?: Pick<Sentence, 'text'>): boolean {
  const text = sentence.text.trim();
  const end = text.replace(/["”“»«’')\]]+$/u, '');
  if (/[,;:،؛–—-]$/u.test(end)) return true;
  // A small letter first (not "iPhone", "al-Sudani" or "de Gaulle") in a list, or after a line that leads into one.
  const small = /^[^\p{L}\p{N}]*\p{Ll}(?!\p{L}*[-’'\s]?\p{Lu})/u.test(text);
  if (small && (sentence.listItem || /[:;,]$/u.test(before?.text.trim() ?? ''))) return true;
  return sentence.listItem && !/[.!?…。！？؟]$/u.test(end);
}

/** How many words of a sentence stand inside quotation marks. */
function quotedWords(text: string): number {
  return quotations(text)
    .spans.map(
      (s) =>
        text
          .slice(s.open + 1, s.close)
          .split(/\s+/)
          .filter(Boolean).length,
    )
    .reduce((a, b) => a + b, 0);
}

/**
 * A quotation someone is said to have spoken is a quote whatever figures it
 * holds; a word or two in quotation marks ("« très perturbé »") is not. In
 * French, German, Spanish and Arabic the future, institutions and deeds are
 * read through their word lists.
 */
function kindOf(text: string, f: Signals, speaker: string | null, language?: string | null): ClaimKind {
  const quoted = f.quote ? quotedWords(text) : 0;
  if (quoted >= 4 && (speaker || f.attribution)) return 'quote';
  if (f.measure || f.digits) return 'statistic';
  const lang = conceptLanguage(language);
  const concepts = lang && lang !== 'en' ? conceptsOf(text, lang) : [];
  if (PREDICTION.test(text) || concepts.includes('future')) return 'prediction';
  if (POLICY.test(text) || concepts.includes('institution')) return 'policy';
  if (EVENT.test(text) || concepts.includes('deed') || f.date) return 'event';
  if (quoted >= 4) return 'quote';
  return 'other';
}

export interface ClaimOptions {
  /** The check-worthiness from which a sentence counts as a claim (the threshold of the language's model by default). */
  threshold?: number;
  /** Most claims kept (the most check-worthy). */
  max?: number;
}

/**
 * A line of page furniture, never a claim however many figures it has: a
 * timestamp ("Publié le 12/03/2025 à 14h05", "Updated 10:45 GMT"), a byline
 * ("By …", "Par …", "بقلم …"), a table row or header, a bare list marker.
 */
export function isFurniture(sentence: string): boolean {
  const line = sentence.trim();
  if (/^(?:[-•*·▪◦–]|\d+[.)])?\s*$/u.test(line)) return true;
  if ((line.match(/[|\t]/g) ?? []).length >= 2) return true;
  // A byline names people and has no figure: "By Jane Arraf and Sura Ali", "Par Jean Dupont, à Bagdad".
  if (/^(?:by|par|بقلم|كتب)\s+\p{L}/iu.test(line) && line.split(/\s+/).length <= 8 && !/\p{Nd}/u.test(line)) {
    return true;
  }
  if (
    /^(?:publié|mis à jour|modifié|updated|published|posted|last updated|تم النشر|نشر في|آخر تحديث)(?!\p{L})/iu.test(
      line,
    )
  )
    return true;
  // What is left once dates, times, digits and their small words are gone: a timestamp leaves almost nothing.
  // A line without a digit is no timestamp, and is not read through the three patterns for it.
  if (!/\p{Nd}/u.test(line)) return false;
  const words = line
    .replace(DATE_WORDS, ' ')
    .replace(/[\p{Nd}]+(?:[:h./-][\p{Nd}]+)*/gu, ' ')
    .replace(/(?<!\p{L})(?:à|le|la|de|du|at|on|the|am|pm|gmt|utc|cet|est|h|في|الساعة)(?!\p{L})/giu, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  return words.length <= 1;
}

const DATE_WORDS =
  /(?<!\p{L})(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?!\p{L})|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين/giu;

/**
 * Check-worthy claims of a text: sentences that carry numbers, quantities,
 * dates, quotes or attributions, each a whole sentence (never a list
 * fragment or half a quotation). Each has its speaker where the text names
 * one or safely implies one (speakers.ts), a kind, a score, and its
 * evidence with exact offsets in the text.
 */
export function extractClaims(text: string, language?: string | null, options: ClaimOptions = {}): Claim[] {
  const threshold = options.threshold ?? checkworthyFrom(language);
  const max = options.max ?? MAX_CLAIMS;
  const sentences = splitSentences(text, language);
  const speakers = speakersOf(sentences);
  const scored: { sentence: Sentence; claim: Omit<Claim, 'id'> }[] = [];
  for (const [i, sentence] of sentences.entries()) {
    // A sentence past the bound is no claim (sentences.ts): the record would hold it twice, as text and evidence.
    if (!withinSentenceBound(sentence.text)) continue;
    const words = sentence.text.split(/\s+/).length;
    if (words < 5 && !/[\p{Nd}]/u.test(sentence.text)) continue;
    // Half a quotation, a list fragment or a furniture line is never a claim on its own.
    if (sentence.partialQuote || isFragment(sentence, sentences[i - 1]) || isFurniture(sentence.text)) continue;
    const f = signals(sentence.text);
    const speaker = speakers[i] ?? null;
    const score = checkworthiness(sentence.text, { signals: f, language });
    if (score < threshold) continue;
    scored.push({
      sentence,
      claim: {
        text: sentence.text,
        speaker,
        kind: kindOf(sentence.text, f, speaker, language),
        evidence: text.slice(sentence.start, sentence.end),
        start: sentence.start,
        end: sentence.end,
        grounded: true,
        // The claim is the sentence itself: its evidence is the text, verbatim.
        match: 'exact',
        matchScore: 1,
        checkworthiness: score,
      },
    });
  }
  return selectClaims(
    scored.map(({ claim }) => claim),
    max,
  );
}

/** One sentence of a text with its check-worthiness (what `precis claims --all` prints). */
export interface ScoredSentence {
  start: number;
  end: number;
  text: string;
  checkworthiness: number;
  /** At or over the model's threshold: the sentence would be a claim if the article kept them all. */
  checkworthy: boolean;
}

/**
 * Every sentence of a text scored, in the text's order, furniture included
 * (it scores as it scores): a transcript can be ranked sentence by sentence,
 * where an article record keeps only its top claims.
 */
export function scoreSentences(text: string, language?: string | null): ScoredSentence[] {
  const from = checkworthyFrom(language);
  return splitSentences(text, language).map((sentence) => {
    const score = checkworthiness(sentence.text, { language });
    return {
      start: sentence.start,
      end: sentence.end,
      text: sentence.text,
      checkworthiness: score,
      checkworthy: score >= from,
    };
  });
}
