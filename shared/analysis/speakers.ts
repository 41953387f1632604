/**
 * Who said each sentence of a text: the speaker the sentence names (before
 * or after its verb, in English, French, German, Spanish or Arabic), else,
 * where that is safe, someone named just before: a pronoun or a verb with
 * no subject ("He said…", "sagte sie", "a-t-il déclaré", "aseguró.",
 * "وأضاف أن") takes the last speaker named within the last few sentences
 * if that speaker can be what the pronoun stands for (a person for "he"
 * and "she", and not of the other sex where a title or role tells; a body
 * for "it"; never a guess for "they"), and a sentence that is a bare
 * quotation takes the speaker of the sentence before it.
 */
import { OPENING_MARK } from './quotes.js';
import type { Sentence } from './sentences.js';
import {
  DE_NOT_SUBJECT,
  genderOf,
  isOrganisation,
  NAME,
  PERSON,
  type Pronoun,
  pronounOf,
  speakerPatterns,
} from './speaker-patterns.js';

type Gender = 'he' | 'she' | null;

export interface Attribution {
  /** The speaker the sentence names, as written (titles kept, a leading article dropped). */
  name: string | null;
  /** The sentence attributes its words to a pronoun, or a verb with no subject: someone named before. */
  pronoun: Pronoun | null;
  /** The named speaker's sex, where a title, a role or an article tells it. */
  gender: Gender;
}

const NONE: Attribution = { name: null, pronoun: null, gender: null };
const WHOLE_NAME = new RegExp(`^${NAME}$`, 'u');
const ARTICLE = /^(?:(the|le|la|les|el|los|las|der|die|das|den|dem)\s+|(l['’])\s*)/iu;
const PRONOUN_WORD = /^(?:he|she|they|it|we|i|er|sie|es|wir|ich|il|elle|ils|elles|nous|on|él|ella|ellos|nosotros)$/iu;
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

/** The name a pattern captured, tidied; null when it is no name after all. */
function tidy(captured: string, apposition: string | undefined): { name: string; gender: Gender } | Pronoun | null {
  let raw = captured.trim();
  // The words around the name ("the spokeswoman", "die Sprecherin der Stadt") may tell the speaker's sex.
  let role = '';
  // "Deputy Commander of Joint Operations, Lieutenant General Qais al-Muhammadawi, announced": the apposition names the person.
  const appositive = apposition?.trim();
  if (appositive && (PERSON.test(appositive) || WHOLE_NAME.test(appositive))) {
    role = raw;
    raw = appositive;
  } else if (appositive) {
    role = appositive;
  }
  const article = ARTICLE.exec(raw);
  raw = raw.replace(ARTICLE, '').replace(/[,;:.،]+$/u, '');
  if (!raw || SENTENCE_STARTERS.has(raw) || DE_NOT_SUBJECT.test(raw)) return null;
  if (PRONOUN_WORD.test(raw)) return pronounOf(raw);
  // "The Duchess' pregnancy was announced", "the crime and told": the words before the verb are no speaker.
  if (/(?:^|\s)(?:was|were|is|are|been|be|had|has|have|and|or|but)$/iu.test(raw)) return null;
  const roleArticle = ARTICLE.exec(role);
  const gender =
    genderOf(raw, article?.[1] ?? article?.[2]) ??
    (role ? genderOf(role.replace(ARTICLE, ''), roleArticle?.[1] ?? roleArticle?.[2]) : null);
  return { name: raw, gender };
}

/** Who a sentence attributes its content to: someone it names, or a pronoun standing for someone named before. */
export function attribution(sentence: string): Attribution {
  for (const { re, kind } of speakerPatterns()) {
    const match = re.exec(sentence);
    const captured = match?.[1];
    if (!captured?.trim()) continue;
    if (kind === 'pronoun') return { name: null, pronoun: pronounOf(captured.trim(), match?.[0]), gender: null };
    const found = tidy(captured, match?.[2]);
    if (found === null) continue;
    if (typeof found === 'string') return { name: null, pronoun: found, gender: null };
    return { name: found.name, pronoun: null, gender: found.gender };
  }
  return NONE;
}

/** The speaker a sentence names, if it names one (no context: a pronoun gives null). */
export function findSpeaker(sentence: string): string | null {
  return attribution(sentence).name;
}

/** How far back a pronoun may reach for its speaker: sentences, and paragraphs. */
const REACH = { sentences: 3, paragraphs: 1 };

interface Named {
  name: string;
  gender: Gender;
  organisation: boolean;
  index: number;
  paragraph: number;
}

function fits(pronoun: Pronoun, named: Named): boolean {
  if (pronoun === 'they') return false;
  if (pronoun === 'it') return named.organisation;
  if (pronoun === 'anyone') return true;
  return !named.organisation && (named.gender === null || named.gender === pronoun);
}

/** "Dupper" after "Oberbürgermeister Jürgen Dupper": the surname stands for the full name given before. */
function fullName(name: string, before: readonly string[]): string {
  if (/\s/.test(name)) return name;
  return before.findLast((full) => full.endsWith(` ${name}`)) ?? name;
}

/** The speaker of each sentence (null where none is named or safely implied), in the sentences' order. */
export function speakersOf(sentences: readonly Sentence[]): (string | null)[] {
  const out: (string | null)[] = [];
  const names: string[] = [];
  let last: Named | null = null;
  for (const [i, sentence] of sentences.entries()) {
    const found = attribution(sentence.text);
    let speaker: string | null = null;
    if (found.name) {
      speaker = fullName(found.name, names);
      names.push(speaker);
      last = {
        name: speaker,
        gender: found.gender,
        organisation: isOrganisation(speaker),
        index: sentence.index,
        paragraph: sentence.paragraph,
      };
    } else if (found.pronoun) {
      const near =
        last !== null &&
        sentence.index - last.index <= REACH.sentences &&
        sentence.paragraph - last.paragraph <= REACH.paragraphs;
      if (near && last && fits(found.pronoun, last)) speaker = last.name;
    } else if (OPENING_MARK.test(sentence.text) && i > 0) {
      // A quotation with no verb of its own goes on from the sentence before ("…," said Kadhim. "We cannot…").
      const before = sentences[i - 1] as Sentence;
      if (sentence.paragraph - before.paragraph <= 1) speaker = out[i - 1] ?? null;
    }
    out.push(speaker);
  }
  return out;
}
