import type { Claim, ClaimKind } from '../article.js';
import { CHECKWORTHY, checkworthiness, type Signals, signals } from './checkworthiness.js';
import { MAX_CLAIMS, selectClaims } from './claim-policy.js';
import { type Sentence, splitSentences } from './sentences.js';

const PREDICTION =
  /\b(?:will|would|expected to|plans? to|planned|is set to|are set to|forecasts?|projected|by the end of|next year|next month|upcoming)\b|(?:^|\s)(?:و?تتوقع|و?يتوقع|سوف|سي)/iu;
const POLICY =
  /\b(?:law|bill|decree|regulation|policy|budget|ban|agreement|sanctions?|tax|allocated|legislation|ministry|parliament|compensation|funds?)\b|قانون|قرار|الحكومة|الوزارة/iu;
const EVENT =
  /\b(?:killed|wounded|injured|arrested|attacked|opened|reopened|closed|launched|signed|elected|resigned|died|fell|rose|increased|decreased|destroyed|burned|exploded|withdrew|deployed|visited|met|held|ended)\b/i;

const PERSON_TITLE =
  '(?:(?:Major|Lieutenant|Brigadier|Colonel|Captain|General|Gen\\.|Lt\\.|Col\\.|Maj\\.|Dr\\.|Mr\\.|Mrs\\.|Ms\\.|Prof\\.|President|Prime Minister|Minister|Governor|Sheikh|Deputy|Commander|Spokesman|Spokeswoman)\\s+)*';
const CAP = "(?:(?:al|el|bin|abu|ibn)-)?\\p{Lu}[\\p{L}'’-]+";
/** A proper name, possibly with a title and "of" links: "Major General Kawa Gharib", "Ministry of Water Resources". */
const NAME = `${PERSON_TITLE}${CAP}(?:\\s+(?:(?:of|for|the|and|bin|ibn|abu|de|van|von)\\s+)*${CAP}){0,5}`;
const ROLE =
  '(?:governor|minister|spokesman|spokeswoman|official|president|commander|chief|director|member|mayor|head|leader|lawmaker|MP)';
const SAY =
  '(?:said|says|told|announced|stated|added|noted|stressed|confirmed|denied|claimed|warned|explained|revealed|insisted|argued|estimated)';
const SAY_AFTER =
  '(?:said|says|announced|stated|added|noted|stressed|confirmed|denied|claimed|warned|explained|revealed|insisted|argued|estimated)';
/** French reporting verbs, in the passé composé news French writes them in. */
const DIRE = '(?:déclaré|affirmé|indiqué|annoncé|précisé|ajouté|expliqué|estimé|assuré|souligné|dit)';
/** "the minister", "le ministre": a role that names a speaker when no name does. */
const FR_ROLE_NAME = `(?:(?:le|la|l['’])\\s*[\\p{Ll}][\\p{L}'’-]+(?:\\s+(?:de|du|des|d['’]|de la)\\s*[\\p{L}'’-]+)*(?:\\s+${NAME})?|${NAME})`;
const PRONOUN_SAYS = new RegExp(`(?:^|[\\s,])(?:he|she|they)\\s+(?:also\\s+)?${SAY}\\b`, 'iu');

/**
 * "…, said Ahmed Jassim, the director…" / "Ahmed Jassim said…" / "according to the North Oil Company",
 * and the same in French and Arabic. The inverted "said X" only after a comma or a closing quote: in
 * "Minister Aoun Diab said Baghdad had asked…" Baghdad is what was said, not who said it.
 */
const SPEAKER_PATTERNS: RegExp[] = [
  new RegExp(`[,"”'’]\\s*${SAY_AFTER}\\s+((?:${CAP}\\s+)?${ROLE}\\s+${NAME})`, 'u'),
  new RegExp(`[,"”'’]\\s*${SAY_AFTER}\\s+(${NAME})`, 'u'),
  new RegExp(`(${NAME})(?:,\\s*([^,]{3,80}),)?\\s+${SAY}\\b`, 'u'),
  // « … », a déclaré le ministre de l'Intérieur Ali Saleh. / Ali Saleh a déclaré que …
  new RegExp(`[,"”»]\\s*a\\s+${DIRE}\\s+(${FR_ROLE_NAME})(?=\\s*[,.;]|$)`, 'u'),
  new RegExp(`(${NAME})(?:,\\s*([^,]{3,80}),)?\\s+a\\s+${DIRE}(?!\\p{L})`, 'u'),
  new RegExp(`(?:[Ss]elon|[Dd]['’]après)\\s+(${FR_ROLE_NAME})(?=\\s*[,.;]|$)`, 'u'),
  new RegExp(`according to (?:a |an )?((?:the )?(?:${NAME}|[\\p{L}\\s'’-]{3,40}?))(?=[,.;]|$)`, 'u'),
  new RegExp(`((?:[Tt]he|[Aa]n?) [\\p{Ll}\\p{Lu}][\\p{L}\\s'’-]{2,60}?)\\s+${SAY}\\b`, 'u'),
  /(?:^|\s)(?:و?قال|و?قالت|و?أعلنت?|و?أضاف|و?أكد|و?أوضح)\s+((?:[^\s،,]+\s+){0,5}?[^\s،,]+?)(?=\s*[،,:]|\s+(?:في|إن|أن)\s)/u,
  /(?:بحسب|وفقاً ل)\s*([^\s،,.]+(?:\s+[^\s،,.]+){0,3}?)(?=\s*[،,.]|$)/u,
];
const WHOLE_NAME = new RegExp(`^${NAME}$`, 'u');

const SENTENCE_STARTERS = new Set([
  'The',
  'A',
  'An',
  'In',
  'On',
  'At',
  'But',
  'And',
  'However',
  'This',
  'That',
  'It',
  'As',
]);

/** Who the sentence attributes its content to, if it names anyone. */
export function findSpeaker(sentence: string): string | null {
  for (const pattern of SPEAKER_PATTERNS) {
    const match = pattern.exec(sentence);
    let raw = match?.[1]?.trim();
    if (!raw) continue;
    // "Deputy Commander of Joint Operations, Lieutenant General Qais al-Muhammadawi, announced": the apposition names the person.
    const apposition = match?.[2]?.trim();
    if (apposition && WHOLE_NAME.test(apposition)) raw = apposition;
    raw = raw.replace(/^(?:the\s+|le\s+|la\s+|les\s+|l['’]\s*)/i, '').replace(/[,;:.،]+$/u, '');
    if (SENTENCE_STARTERS.has(raw)) continue;
    // "The Duchess' pregnancy was announced", "the crime and told": the words before the verb are no speaker.
    if (/(?:^|\s)(?:was|were|is|are|been|be|had|has|have|and|or|but)$/iu.test(raw)) continue;
    if (/^(?:he|she|they|it|we|i)$/i.test(raw)) return null;
    return raw;
  }
  return null;
}

function kindOf(text: string, f: Signals, speaker: string | null): ClaimKind {
  if (f.quote && speaker) return 'quote';
  if (f.measure || f.digits) return 'statistic';
  if (PREDICTION.test(text)) return 'prediction';
  if (POLICY.test(text)) return 'policy';
  if (EVENT.test(text) || f.date) return 'event';
  if (f.quote) return 'quote';
  return 'other';
}

export interface ClaimOptions {
  /** The check-worthiness from which a sentence counts as a claim (the model's own threshold by default). */
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
  const words = line
    .replace(DATE_WORDS, ' ')
    .replace(/[\p{Nd}]+(?:[:h./-][\p{Nd}]+)*/gu, ' ')
    .replace(/(?<!\p{L})(?:à|le|la|de|du|at|on|the|am|pm|gmt|utc|cet|est|h|في|الساعة)(?!\p{L})/giu, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  return /\p{Nd}/u.test(line) && words.length <= 1;
}

const DATE_WORDS =
  /(?<!\p{L})(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?!\p{L})|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين/giu;

/**
 * Check-worthy claims of a text: sentences that carry numbers, quantities,
 * dates, quotes or attributions. Each has its speaker where the text names
 * one (a "he said" takes the last named speaker), a kind, a score, and its
 * evidence with exact offsets in the text.
 */
export function extractClaims(text: string, language?: string | null, options: ClaimOptions = {}): Claim[] {
  const threshold = options.threshold ?? CHECKWORTHY;
  const max = options.max ?? MAX_CLAIMS;
  const sentences = splitSentences(text, language);
  let lastSpeaker: string | null = null;
  const scored: { sentence: Sentence; claim: Omit<Claim, 'id'> }[] = [];
  for (const sentence of sentences) {
    const words = sentence.text.split(/\s+/).length;
    if (words < 5 && !/[\p{Nd}]/u.test(sentence.text)) continue;
    if (isFurniture(sentence.text)) continue;
    const f = signals(sentence.text);
    let speaker = f.attribution ? findSpeaker(sentence.text) : null;
    if (!speaker && PRONOUN_SAYS.test(sentence.text)) speaker = lastSpeaker;
    if (speaker && /^\p{Lu}/u.test(speaker)) lastSpeaker = speaker;
    const score = checkworthiness(sentence.text, { signals: f });
    if (score < threshold) continue;
    scored.push({
      sentence,
      claim: {
        text: sentence.text,
        speaker,
        kind: kindOf(sentence.text, f, speaker),
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
  return splitSentences(text, language).map((sentence) => {
    const score = checkworthiness(sentence.text);
    return {
      start: sentence.start,
      end: sentence.end,
      text: sentence.text,
      checkworthiness: score,
      checkworthy: score >= CHECKWORTHY,
    };
  });
}
