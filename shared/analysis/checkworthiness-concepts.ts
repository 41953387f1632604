/**
 * Word classes that every language has, for the check-worthiness model that
 * scores text other than English: who speaks (I, we, you), whether it is an
 * opinion, a duty, a plan or a promise, a negation, a courtesy, a deed done
 * (killed, rose, signed), an institution (government, law, budget), a
 * hedge, a superlative. The model learns how much each class counts from
 * ClaimBuster's English sentences through the English lists, and reads
 * French, German, Spanish and Arabic through theirs; the English words'
 * own weights (checkworthiness-weights.json) are not involved.
 */

export type Concept =
  | 'i'
  | 'we'
  | 'you'
  | 'opinion'
  | 'duty'
  | 'future'
  | 'negation'
  | 'courtesy'
  | 'deed'
  | 'institution'
  | 'hedge'
  | 'superlative'
  | 'scale';

export type ConceptLanguage = 'en' | 'fr' | 'de' | 'es' | 'ar';

interface Lexicon {
  /** Whole words, lower case. */
  words: string;
  /** What whole words cannot say: endings (the French and Spanish future), several words ("going to"). */
  pattern?: RegExp;
}

const LEXICON: Record<Concept, Record<ConceptLanguage, Lexicon>> = {
  i: {
    en: { words: 'i me my mine myself' },
    fr: { words: 'je j moi mon ma mes' },
    de: { words: 'ich mich mir mein meine meinen meinem meiner' },
    es: { words: 'yo mí mi mis conmigo' },
    ar: { words: 'أنا لي عندي' },
  },
  we: {
    en: { words: 'we us our ours ourselves' },
    fr: { words: 'nous notre nos' },
    de: { words: 'wir uns unser unsere unseren unserem unserer' },
    es: { words: 'nosotros nosotras nuestro nuestra nuestros nuestras' },
    ar: { words: 'نحن لنا لدينا' },
  },
  you: {
    en: { words: 'you your yours yourself' },
    fr: { words: 'vous tu votre vos ton ta tes toi' },
    de: { words: 'du dich dir dein deine ihr euch euer eure' },
    es: { words: 'tú usted ustedes vosotros vosotras tu tus' },
    ar: { words: 'أنت أنتم أنتن لكم' },
  },
  opinion: {
    en: { words: 'think believe feel hope want wish opinion agree disagree love hate guess' },
    fr: { words: 'pense pensons crois croyons espère espérons veux voulons souhaite souhaitons avis aime' },
    de: { words: 'glaube glauben denke denken hoffe hoffen wünsche meinung finde finden' },
    es: { words: 'creo creemos pienso pensamos espero esperamos quiero queremos deseo opinión' },
    ar: { words: 'أعتقد نعتقد أظن أرى نرى آمل نأمل أريد نريد' },
  },
  duty: {
    en: { words: 'should must need needs ought', pattern: /\bhave to\b|\bhas to\b/ },
    fr: { words: 'doit doivent devons devrait devraient faut' },
    de: { words: 'sollte sollten muss müssen müsste' },
    es: {
      words: 'debe deben debemos debería deberían',
      pattern: /(?<!\p{L})(?:hay|tiene|tienen|tenemos) que(?!\p{L})/u,
    },
    ar: { words: 'يجب ينبغي لابد' },
  },
  future: {
    en: { words: 'will would plan plans planned expected', pattern: /\bgoing to\b|\bgonna\b|['’]ll\b/ },
    fr: {
      words:
        'prévoit prévu prévue prochain prochaine sera seront aura auront fera feront pourra pourront devra serait seraient pourrait pourraient',
      // The future's endings; the conditional's (-rait) are left out: "retrait", "portrait".
      pattern: /(?<!\p{L})\p{L}{3,}(?:era|eront|erai|erons|ira|iront)(?!\p{L})|(?<!\p{L})va\s+\p{L}+er(?!\p{L})/u,
    },
    de: { words: 'wird werden soll sollen geplant künftig nächste nächsten' },
    es: {
      words: 'prevé previsto prevista próximo próxima será serán habrá podrá tendrá hará sería serían podría podrían',
      // The future's endings; the conditional's (-ería) are left out: "ganadería", "galería".
      pattern: /(?<!\p{L})\p{L}{3,}(?:ará|erá|irá|arán|erán|irán)(?!\p{L})|(?<!\p{L})van? a(?!\p{L})/u,
    },
    // The prefix سـ marks the future, but so many nouns start with it (سيارة، سياسة، سنوات) that the common verbs are listed.
    ar: {
      words:
        'سوف المقبل المقبلة القادم القادمة سيتم ستتم سيكون ستكون سيبدأ ستبدأ سيعقد ستعقد سيصل ستصل سنعمل سيجري ستجري سيرتفع سترتفع ستشهد سيشهد',
    },
  },
  negation: {
    en: { words: 'not no never nothing none nobody', pattern: /n['’]t\b/ },
    fr: { words: 'ne n pas jamais aucun aucune rien personne' },
    de: { words: 'nicht kein keine keinen keinem keiner nie niemals nichts' },
    es: { words: 'no nunca ningún ninguna nada nadie' },
    ar: { words: 'لا لم لن ليس ليست' },
  },
  courtesy: {
    en: { words: 'thank thanks please welcome ladies gentlemen congratulations evening' },
    fr: { words: 'merci bienvenue mesdames messieurs bonsoir félicitations' },
    de: { words: 'danke bitte willkommen damen herren glückwunsch abend' },
    es: {
      words: 'gracias bienvenidos bienvenidas señoras señores felicidades',
      pattern: /(?<!\p{L})por favor(?!\p{L})/u,
    },
    ar: { words: 'شكرا شكراً مرحبا أهلا' },
  },
  deed: {
    en: {
      words:
        'killed died arrested rose fell increased decreased grew cut lost won voted signed passed approved spent paid created built opened closed raised reduced doubled sold',
    },
    fr: {
      words:
        'tué tués morts mort arrêté arrêtés augmenté baissé diminué perdu gagné voté signé adopté approuvé dépensé payé créé construit ouvert fermé doublé vendu',
    },
    de: {
      words:
        'getötet gestorben festgenommen gestiegen gesunken verloren gewonnen gestimmt unterzeichnet beschlossen verabschiedet ausgegeben bezahlt geschaffen gebaut eröffnet geschlossen verdoppelt verkauft',
    },
    es: {
      words:
        'muertos murió detenido detenidos aumentó subió cayó bajó perdió ganó votó firmó aprobó gastó pagó creó construyó abrió cerró duplicó vendió',
    },
    ar: { words: 'قتل مقتل اعتقال اعتقل ارتفع ارتفعت انخفض انخفضت تراجع خسر صوت وقع أقر أنفق دفع افتتح أغلق' },
  },
  institution: {
    en: {
      words:
        'government law laws tax taxes budget bill jobs economy deficit debt health insurance military troops police court congress parliament ministry',
    },
    fr: {
      words:
        'gouvernement loi lois impôt impôts budget emplois économie déficit dette santé assurance armée police tribunal parlement ministère',
    },
    de: {
      words:
        'regierung gesetz gesetze steuer steuern haushalt arbeitsplätze wirtschaft defizit schulden gesundheit versicherung armee polizei gericht parlament ministerium',
    },
    es: {
      words:
        'gobierno ley leyes impuesto impuestos presupuesto empleos economía déficit deuda salud seguro ejército policía tribunal parlamento ministerio',
    },
    ar: { words: 'حكومة قانون ضريبة ضرائب موازنة ميزانية وظائف اقتصاد عجز دين صحة جيش شرطة محكمة برلمان وزارة' },
  },
  hedge: {
    en: { words: 'maybe perhaps probably some many lot lots' },
    fr: { words: 'peut-être probablement beaucoup certains' },
    de: { words: 'vielleicht wahrscheinlich viele manche' },
    es: { words: 'quizás quizá probablemente muchos algunos', pattern: /(?<!\p{L})tal vez(?!\p{L})/u },
    ar: { words: 'ربما كثير بعض' },
  },
  superlative: {
    en: { words: 'most largest biggest highest lowest first only record worst best' },
    fr: {
      words: 'premier première record pire meilleur seul seule',
      pattern: /(?<!\p{L})(?:le|la|les) plus(?!\p{L})/u,
    },
    de: { words: 'größte größten höchste höchsten niedrigste erste ersten rekord einzige meisten' },
    es: {
      words: 'mayor mayores primero primera récord peor mejor único única',
      pattern: /(?<!\p{L})más alt[oa]s?(?!\p{L})/u,
    },
    ar: { words: 'أكبر أعلى أدنى أول أسوأ أفضل الوحيد' },
  },
  scale: {
    en: { words: 'million millions billion billions trillion thousand thousands hundred hundreds' },
    fr: { words: 'million millions milliard milliards mille centaines milliers' },
    de: { words: 'million millionen milliarde milliarden tausend hunderte tausende' },
    es: { words: 'millón millones mil miles cientos' },
    ar: { words: 'مليون ملايين مليار مليارات ألف آلاف مئات' },
  },
};

type Lists = Record<Concept, Record<ConceptLanguage, { words: Set<string>; pattern?: RegExp }>>;
let lists: Lists | undefined;
/** The word sets, built at the first text read, not at every cold start. */
const LISTS = (): Lists => {
  lists ??= Object.fromEntries(
    Object.entries(LEXICON).map(([concept, byLanguage]) => [
      concept,
      Object.fromEntries(
        Object.entries(byLanguage).map(([lang, lexicon]) => [
          lang,
          { words: new Set(lexicon.words.split(' ')), pattern: lexicon.pattern },
        ]),
      ),
    ]),
  ) as Lists;
  return lists;
};

/** The forms an Arabic word takes with its clitics: و/ف "and", ب/ل/ك "in, for, as", ال "the". */
function arabicForms(word: string): string[] {
  const forms = [word];
  const bare = word.replace(/^[وف](?=\p{L}{2,})/u, '');
  forms.push(bare);
  const unprefixed = bare.replace(/^[بلك](?=\p{L}{3,})/u, '');
  forms.push(unprefixed, unprefixed.replace(/^ال(?=\p{L}{2,})/u, ''), bare.replace(/^ال(?=\p{L}{2,})/u, ''));
  return forms;
}

export const CONCEPTS = Object.keys(LEXICON) as Concept[];

/** The concepts a text holds, read with the lists of `language`. */
export function conceptsOf(text: string, language: ConceptLanguage): Concept[] {
  const lower = text.toLocaleLowerCase(language);
  const words = lower.match(/\p{L}+(?:-\p{L}+)?/gu) ?? [];
  const forms = new Set(language === 'ar' ? words.flatMap(arabicForms) : words);
  const found: Concept[] = [];
  for (const concept of CONCEPTS) {
    const { words: list, pattern } = LISTS()[concept][language];
    if (pattern?.test(lower) || [...forms].some((w) => list.has(w))) found.push(concept);
  }
  return found;
}

/** The lists a language is read with: its own where precis has them, else none (figures and patterns still count). */
export function conceptLanguage(language: string | null | undefined): ConceptLanguage | null {
  const base = (language ?? '').toLowerCase().split('-')[0] ?? '';
  return (['en', 'fr', 'de', 'es', 'ar'] as const).find((l) => l === base) ?? null;
}
