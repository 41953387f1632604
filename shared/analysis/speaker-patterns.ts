/**
 * How news sentences name who said something, in English, French, German,
 * Spanish and Arabic: the speaker before the verb ("Ali Saleh a affirmé
 * que…"), after it, inverted behind a quotation ("…", sagte
 * Oberbürgermeister Jürgen Dupper), as a source ("laut Polizei", "según el
 * ministerio", "بحسب هيئة المنافذ"), or only as a pronoun or a verb's
 * ending ("sagte sie", "a-t-il déclaré", "aseguró.", "وأضاف أن"), which
 * speakers.ts resolves to someone named before.
 */

import { once } from '../lazily.js';

/** Who a pronoun may stand for: a man, a woman, an organisation, or anyone (a verb with no pronoun). */
export type Pronoun = 'he' | 'she' | 'it' | 'they' | 'anyone';

export interface SpeakerPattern {
  re: RegExp;
  /** The capture is a name (with an apposition in group 2 perhaps), or a pronoun word to read with `pronoun`. */
  kind: 'name' | 'pronoun';
}

const CAP = "(?:(?:al|el|bin|abu|ibn)-)?\\p{Lu}[\\p{L}'’-]+";
/**
 * Titles before a name, eight at most ("Deputy Prime Minister Major General Dr." is five). Runs of
 * titles and of "de" links are bounded, not `*`: the patterns are tried from every place in a
 * sentence, and each place read the whole run after it, so a sentence of 10,000 "Dr." took seconds
 * (the square of its length); bounded, the work grows with the sentence.
 */
const PERSON_TITLE =
  '(?:(?:Major|Lieutenant|Brigadier|Colonel|Captain|General|Gen\\.|Lt\\.|Col\\.|Maj\\.|Dr\\.|Mr\\.|Mrs\\.|Ms\\.|Prof\\.|President|Prime Minister|Minister|Governor|Sheikh|Deputy|Commander|Spokesman|Spokeswoman|M\\.|Mme|Sr\\.|Sra\\.)\\s+){0,8}';
/** A proper name, possibly with a title and links: "Major General Kawa Gharib", "Ministry of Water Resources", "Bund Naturschutz". */
const NAME = `${PERSON_TITLE}${CAP}(?:\\s+(?:(?:of|for|the|and|bin|ibn|abu|de|van|von|der|des|für|del|la|y)\\s+)*${CAP}){0,5}`;
/** Two or more capitalised words: a person's name in an apposition ("…, Anna Müller,"). */
export const PERSON = new RegExp(
  `^${PERSON_TITLE}${CAP}(?:\\s+(?:(?:al|el|de|la|del|van|von|bin|ibn|abu)\\s+)?${CAP}){1,4}$`,
  'u',
);
const ROLE =
  '(?:governor|minister|spokesman|spokeswoman|official|president|commander|chief|director|member|mayor|head|leader|lawmaker|MP)';
const SAY =
  '(?:said|says|told|announced|stated|added|noted|stressed|confirmed|denied|claimed|warned|explained|revealed|insisted|argued|estimated)';
const SAY_AFTER =
  '(?:said|says|asked|announced|stated|added|noted|stressed|confirmed|denied|claimed|warned|explained|revealed|insisted|argued|estimated)';

/** French reporting verbs: past participles (after "a"), and the present that features use. */
const DIRE_PP =
  '(?:déclaré|affirmé|indiqué|annoncé|précisé|ajouté|expliqué|estimé|assuré|souligné|dit|réagi|rappelé|prévenu|dénoncé|confirmé|averti|insisté|jugé|martelé|reconnu|regretté|répondu|appelé|promis|démenti|admis|conclu|fait savoir)';
const DIRE_PRES =
  '(?:déclare|affirme|indique|annonce|précise|ajoute|explique|estime|assure|souligne|dit|rappelle|prévient|dénonce|confirme|avertit|insiste|martèle|reconnaît|regrette|répond|poursuit|observe|raconte|résume|témoigne|confie|détaille|commente)';
const FR_WHEN =
  "(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|encore|aussi|ensuite|alors|mardi soir|mercredi soir|dans un communiqué)\\s+)?";
/** "le ministre de l'Intérieur Ali Saleh", "la direction", "la SNCF", "Fabien Dumas". */
const FR_ROLE_NAME = `(?:(?:[Ll]e|[Ll]a|[Ll]es|[Ll]['’])\\s*[\\p{Ll}][\\p{L}'’-]+(?:\\s+(?:de|du|des|d['’]|de la|de l['’])\\s*[\\p{L}'’-]+){0,6}(?:\\s+${NAME})?|(?:(?:[Ll]e|[Ll]a|[Ll]es|[Ll]['’])\\s*)?${NAME})`;

/** German reporting verbs in the forms news German writes them (preterite, present; "teilte … mit"). */
const SAGEN =
  '(?:sagte|sagten|sagt|erklärte|erklärten|erklärt|betonte|betont|meinte|warnte|kritisierte|bestätigte|berichtete|ergänzte|unterstrich|versicherte|forderte|räumte|fügte|kündigte|teilte|teilten|mahnte|verwies|argumentierte|sprach)';
/** "der Oberbürgermeister", "Oberbürgermeister Jürgen Dupper (SPD)", "die Sprecherin der Stadt". */
const DE_NAME = `(?:(?:der|die|das|den)\\s+)?${CAP}(?:\\s+(?:(?:der|des|von|für|vom|zu)\\s+)?${CAP}){0,5}`;
/** What follows a German subject: a party in brackets, an apposition naming the person, then punctuation or a small word. */
const DE_AFTER = `(?:\\s+\\([^)]{1,20}\\))?(?:,\\s*(${NAME})(?=\\s*[,.;]|$))?(?=\\s*[,.;:(]|\\s+\\p{Ll}|$)`;
const DE_NOT_SUBJECT =
  /^(?:Am|Im|Auch|Dann|Doch|Aber|Und|Das|Dies|Diese|Dem|Den|Nach|Vor|Bei|Zudem|Außerdem|Deshalb|Darum|Dabei|Daher|Damals|Heute|Gestern|Jetzt|Nun|So|Wie|Was|Er|Sie|Es|Wir|Ich|Man)(?:\s|$)/u;

/** Spanish reporting verbs: preterite, present, and the participle after "ha". */
const DECIR =
  '(?:dijo|afirmó|declaró|señaló|explicó|aseguró|indicó|anunció|añadió|agregó|advirtió|subrayó|destacó|sostuvo|manifestó|precisó|informó|reconoció|insistió|denunció|lamentó|apuntó|comentó|confirmó|admitió|respondió|recordó|expresó|detalló|criticó|dice|afirma|asegura|explica|señala|indica|añade|advierte|sostiene|apunta|lamenta|reconoce|denuncia|comenta|relata|ha dicho|ha afirmado|ha asegurado|ha explicado|ha señalado|ha anunciado|ha declarado|ha indicado|ha advertido|ha reconocido)';
const ES_WHEN =
  '(?:(?:este|el|ayer|hoy|anoche|el pasado)\\s+(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)\\s+|(?:ayer|hoy|anoche|también|además)\\s+)?';
/** "el presidente de la Confederación", "la Federación de Regantes", "Encarna Ruiz". */
const ES_ROLE_NAME = `(?:(?:[Ee]l|[Ll]a|[Ll]os|[Ll]as)\\s+[\\p{Ll}][\\p{L}-]+(?:\\s+(?:de|del|de la|de los)\\s+[\\p{L}-]+){0,6}(?:\\s+${NAME})?|(?:(?:[Ee]l|[Ll]a|[Ll]os|[Ll]as)\\s+)?${NAME})`;

/**
 * Arabic reporting verbs, with the conjunction و or ف they often carry, and the feminine ending ت.
 * Without its shadda "بين" is "between", and "تابع" alone is "affiliated": the first is read only
 * as بيّن, the second only after و or ف ("وتابع", "and he went on").
 */
const QALA =
  '(?:(?:[وف]?(?:قال|أعلن|أضاف|أكد|أوضح|ذكر|صرح|أشار|بيّن|لفت|شدد|كشف|أفاد|اعتبر|نفى|حذر|أفادت|نفت)|[وف]تابع)(?:ت)?)';
/** Where the subject after an Arabic verb ends: a comma or colon, "that", "in", a time, "to the agency", a quotation. */
const AR_STOP =
  '(?=\\s*[،,:.؛"«“]|\\s+(?:إن|أن|بأن|ان|في|خلال|يوم|اليوم|أمس|عبر|إلى|الى|ل(?:وكالة|لصحفيين|لصحفي|شفق|قناة|موقع)\\S*)(?:\\s|$)|$)';

const reg = (source: string) => new RegExp(source, 'u');

/**
 * Tried in order; the first that names someone wins. Named patterns come
 * before pronoun ones within a language, and the inverted "said X" only
 * after a comma or a closing quote in English and French: in "Minister Aoun
 * Diab said Baghdad had asked…" Baghdad is what was said, not who said it.
 * Compiled on first use: a function that never attributes a sentence (the
 * analyze function on the LLM) never parses them. A function, not a lazily
 * built proxy: each sentence reads them all, and a proxy's trap a read was a
 * fifth of attributing 100,000 one-word sentences.
 */
export const speakerPatterns: () => readonly SpeakerPattern[] = once(() => [
  // English.
  { kind: 'name', re: reg(`[,"”'’]\\s*${SAY_AFTER}\\s+((?:${CAP}\\s+)?${ROLE}\\s+${NAME})`) },
  { kind: 'name', re: reg(`[,"”'’]\\s*${SAY_AFTER}\\s+(${NAME})`) },
  { kind: 'pronoun', re: reg(`[,"”'’]\\s*(he|she|it)\\s+(?:also\\s+)?${SAY}\\b`) },
  { kind: 'name', re: reg(`(${NAME})(?:,\\s*([^,]{3,80}),)?\\s+${SAY}\\b`) },
  // French.
  {
    kind: 'name',
    re: reg(
      `[,"”»]\\s*(?:a\\s+${DIRE_PP}|${DIRE_PRES})\\s+${FR_WHEN}(${FR_ROLE_NAME})(?:,\\s*(${NAME})(?=\\s*[,.;]|$))?(?=\\s*[,.;(]|\\s+(?:sur|à|au|dans|devant|lors)\\s|$)`,
    ),
  },
  { kind: 'pronoun', re: reg(`(?:a|avait)-t-(il|elle)\\s+${DIRE_PP}`) },
  { kind: 'pronoun', re: reg(`${DIRE_PRES}-(?:t-)?(il|elle)(?!\\p{L})`) },
  {
    kind: 'pronoun',
    re: reg(
      `(?:^|[,"”»]\\s*)(Il|Elle)\\s+(?:a\\s+(?:aussi\\s+|également\\s+|encore\\s+)?${DIRE_PP}|${DIRE_PRES})(?!\\p{L})`,
    ),
  },
  { kind: 'pronoun', re: reg(`(?:[Ss]elon|[Dd]['’]après)\\s+(lui|elle)(?!\\p{L})`) },
  {
    kind: 'name',
    re: reg(
      `(${FR_ROLE_NAME})(?:,\\s*([^,]{3,80}),)?\\s+(?:a\\s+(?:aussi\\s+|également\\s+)?${DIRE_PP}|${DIRE_PRES}\\s+(?:que|qu['’]))(?!\\p{L})`,
    ),
  },
  {
    kind: 'name',
    re: reg(
      `(?:[Ss]elon|[Dd]['’]après)\\s+(?:(?:les\\s+)?(?:estimations|chiffres|données)\\s+(?:de|du|des)\\s+)?(${FR_ROLE_NAME})(?=\\s*[,.;]|$)`,
    ),
  },
  // German: after a quotation or a clause the subject follows the verb; at the start of a sentence it comes first.
  { kind: 'pronoun', re: reg(`^(Er|Sie)\\s+(?:${SAGEN}|hat\\s+(?:gesagt|erklärt|betont))(?!\\p{L})`) },
  {
    kind: 'name',
    re: reg(
      `^(${DE_NAME})(?:\\s+\\([^)]{1,20}\\))?(?:,\\s*([^,]{3,80}),)?\\s+(?:${SAGEN}|hat\\s+(?:[^,]{1,30}\\s+)?(?:gesagt|erklärt|betont|angekündigt|mitgeteilt))(?!\\p{L})`,
    ),
  },
  { kind: 'name', re: reg(`[,"“”»«]\\s*${SAGEN}\\s+(${DE_NAME})${DE_AFTER}`) },
  { kind: 'pronoun', re: reg(`(?<!\\p{L})${SAGEN}\\s+(er|sie)(?!\\p{L})`) },
  { kind: 'name', re: reg(`[,"“”»«]\\s*so\\s+(${DE_NAME})(?=\\s*[,.;(]|$)`) },
  {
    kind: 'name',
    re: reg(
      `(?<!\\p{L})[Ll]aut\\s+(?:(?:Angaben|Informationen|Berichten|Schätzungen)\\s+(?:der|des|von)\\s+)?(${DE_NAME})`,
    ),
  },
  {
    kind: 'name',
    re: reg(`(?<!\\p{L})[Nn]ach\\s+(?:Angaben|Informationen|Schätzungen)\\s+(?:der|des|von|vom)\\s+(${DE_NAME})`),
  },
  { kind: 'name', re: reg(`(?:^|\\s)(?:[Dd]em|[Dd]er|[Dd]en)\\s+(${CAP}(?:\\s+${CAP}){0,4})\\s+zufolge`) },
  { kind: 'name', re: reg(`(?<!\\p{L})wie\\s+(${DE_NAME})\\s+(?:mitteilte|sagte|erklärte|berichtete|bestätigte)`) },
  // After a word put first ("Am Montag sagte Dupper"): only verbs that take no object, or the object would be read as the speaker.
  {
    kind: 'name',
    re: reg(
      `(?<!\\p{L})(?:sagte|sagten|erklärte|erklärten|betonte|meinte|warnte|berichtete|ergänzte|teilte|teilten)\\s+(${DE_NAME})${DE_AFTER}`,
    ),
  },
  // Spanish.
  {
    kind: 'name',
    re: reg(
      `[,"”»]\\s*${DECIR}\\s+${ES_WHEN}(${ES_ROLE_NAME})(?:,\\s*(${NAME})(?=\\s*[,.;]|$))?(?=\\s*[,.;(]|\\s+(?:a|en|ante|durante|que)\\s|$)`,
    ),
  },
  { kind: 'name', re: reg(`(${ES_ROLE_NAME})(?:,\\s*([^,]{3,80}),)?\\s+${DECIR}(?!\\p{L})`) },
  {
    kind: 'name',
    re: reg(
      `(?:[Ss]egún|[Dd]e acuerdo con)\\s+(?:(?:los\\s+)?(?:datos|cifras)\\s+(?:de|del|de la)\\s+)?(${ES_ROLE_NAME})(?=\\s*[,.;]|$)`,
    ),
  },
  {
    kind: 'pronoun',
    re: reg(`[,"”»]\\s*(${DECIR})(?=\\s*[.;]|\\s+${ES_WHEN}(?:a|ante|en|durante|que|este|esta)\\s+\\p{Ll}|$)`),
  },
  { kind: 'pronoun', re: new RegExp(`^(?:(?:Además|También|Asimismo),?\\s+)?(${DECIR})\\s+que(?!\\p{L})`, 'iu') },
  { kind: 'pronoun', re: reg(`(?:^|[Ss]egún\\s+)(Él|Ella|él|ella)(?:\\s+${DECIR}|\\s*[,.;]|$)`) },
  // English, after the other languages: a looser subject before "said".
  { kind: 'name', re: reg(`according to (?:a |an )?((?:the )?(?:${NAME}|[\\p{L}\\s'’-]{3,40}?))(?=[,.;]|$)`) },
  { kind: 'name', re: reg(`((?:[Tt]he|[Aa]n?) [\\p{Ll}\\p{Lu}][\\p{L}\\s'’-]{2,60}?)\\s+${SAY}\\b`) },
  { kind: 'pronoun', re: reg(`(?:^|[\\s,])(he|she|it|He|She|It)\\s+(?:also\\s+)?${SAY}\\b`) },
  // Arabic.
  {
    kind: 'pronoun',
    re: reg(`(?:^|\\s)(${QALA})(?=\\s*[:،,]|\\s+(?:إن|أن|بأن|ان|في بيان|في تصريح|في حديث|خلال)(?:\\s|$))`),
  },
  { kind: 'name', re: reg(`(?:^|\\s)${QALA}\\s+((?:[^\\s،,:."«“]+\\s+){0,6}?[^\\s،,:."«“]+?)${AR_STOP}`) },
  {
    kind: 'name',
    re: reg(`(?:بحسب|حسب|وفقاً ل|وفقا ل|نقلاً عن|نقلا عن)\\s*([^\\s،,.]+(?:\\s+[^\\s،,.]+){0,5}?)(?=\\s*[،,.]|$)`),
  },
  { kind: 'pronoun', re: reg(`على حد (قوله|قولها)`) },
]);

/**
 * What a pronoun word (or a verb that carries its subject) may stand for;
 * `context`, the words matched around it, tells German "sie sagte" (she)
 * from "sie sagten" (they).
 */
export function pronounOf(word: string, context = ''): Pronoun {
  const w = word.toLowerCase();
  if (w === 'sie') return /(?<!\p{L})(?:sagen|\p{L}+ten)(?!\p{L})/u.test(context) ? 'they' : 'she';
  if (/^(?:he|il|er|él)$/.test(w) || w === 'قوله') return 'he';
  if (/^(?:she|elle|ella)$/.test(w) || w === 'قولها') return 'she';
  if (w === 'it') return 'it';
  // A verb ending in ت is a woman or an organisation.
  if (/ت$/u.test(w)) return 'anyone';
  if (/^[وف]?(?:قال|أعلن|أضاف|أكد|أوضح|ذكر|صرح|أشار|بيّن|لفت|شدد|كشف|أفاد|تابع|اعتبر|نفى|حذر)$/u.test(w)) return 'he';
  return 'anyone';
}

/** A speaker that is a body, not a person ("Ministry of Water Resources", "la SNCF", "Landratsamt", "وزارة النقل"). */
export function isOrganisation(name: string): boolean {
  return (
    /(?<!\p{L})(?:ministry|ministère|ministerio|department|agency|company|office|police|policía|government|gouvernement|gobierno|regierung|council|directorate|authority|command|commission|committee|federation|union|association|institute|bank|court|army|confederación|federación|observatorio|syndicat|direction|société|entreprise|compagnie|polizei|stadt|initiative)(?!\p{L})/iu.test(
      name,
    ) ||
    /(?:ministerium|amt|verwaltung|behörde|naturschutz|verband|gericht)(?!\p{L})/iu.test(name) ||
    /^\p{Lu}{2,}(?:-\p{Lu}[\p{L}-]*)?$/u.test(name) ||
    /(?:^|\s)(?:وزارة|شركة|الشركة|هيئة|دائرة|مديرية|الحكومة|الشرطة|قيادة|مجلس|لجنة|مكتب)(?:\s|$)/u.test(name)
  );
}

/** A German role in its feminine form: "Sprecherin", "Ministerin", "Präsidentin". */
const GERMAN_FEMININE_ROLE = /^\p{Lu}\p{L}*(?:erin|entin|istin|torin|ätin|chefin|rätin)$/u;

/** The sex a name's title or role gives away, if any ("Frau", "Mme", "la ministra", "Sprecherin", "spokeswoman"). */
export function genderOf(name: string, article?: string): 'he' | 'she' | null {
  const first = name.split(/\s+/)[0] ?? '';
  if (
    /^(?:la|die|una)$/i.test(article ?? '') ||
    /(?:^|\s)(?:Mrs\.?|Ms\.?|Miss|Lady|Frau|Mme|Madame|Sra\.?|Señora|Doña|السيدة)(?:\s|$)/u.test(name) ||
    /^(?:spokeswoman|chairwoman)$/i.test(first) ||
    GERMAN_FEMININE_ROLE.test(first)
  ) {
    return 'she';
  }
  if (
    /^(?:le|der|el|un)$/i.test(article ?? '') ||
    /(?:^|\s)(?:Mr\.?|Sir|Herr|M\.|Monsieur|Sr\.?|Señor|Don|السيد|الشيخ|Sheikh)(?:\s|$)/u.test(name)
  ) {
    return 'he';
  }
  return null;
}

export { DE_NOT_SUBJECT, NAME };
