import { describe, expect, it } from 'vitest';
import { extractClaims, findSpeaker, isFurniture } from '../../../shared/analysis/claims.js';
import { OFFLINE_TRANSLATION_REASON, OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { SHORT_MAX_WORDS, summarize } from '../../../shared/analysis/summarize.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { sample } from '../../helpers/samples.js';

const cleaned = (name: string) => cleanDocument(sample(name), { name });
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('splitSentences', () => {
  it('does not end sentences at titles, initials, acronyms or abbreviated months', () => {
    const text =
      'Dr. Zainab Karim said 1,430 cases. The U.S. Army left in Jan. 2012. Lt. Gen. Qais al-Muhammadawi spoke.\n\nAttacks on the road';
    expect(splitSentences(text, 'en').map((s) => s.text)).toEqual([
      'Dr. Zainab Karim said 1,430 cases.',
      'The U.S. Army left in Jan. 2012.',
      'Lt. Gen. Qais al-Muhammadawi spoke.',
      'Attacks on the road',
    ]);
  });

  it('gives offsets into the text and counts paragraphs', () => {
    const text = 'First one. Second one.\n\nThird one.';
    const sentences = splitSentences(text, 'en');
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(sentences.map((s) => s.paragraph)).toEqual([0, 0, 1]);
  });
});

describe('summarize', () => {
  it.each(['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md', 'baghdad-electricity-ar.json'])(
    'gives %s a headline, a short summary within the word budget and 3–5 bullets taken from the text',
    (name) => {
      const article = cleaned(name);
      const summary = summarize(article.text, article.language);
      expect(summary.headline.length).toBeGreaterThan(20);
      expect(words(summary.short)).toBeLessThanOrEqual(SHORT_MAX_WORDS + 5);
      expect(summary.bullets.length).toBeGreaterThanOrEqual(3);
      expect(summary.bullets.length).toBeLessThanOrEqual(5);
      for (const bullet of summary.bullets) expect(article.text).toContain(bullet);
    },
  );

  it('leads with what the article is about', () => {
    const article = cleaned('kirkuk-checkpoints.txt');
    const summary = summarize(article.text, article.language);
    expect(summary.short).toContain('Kirkuk police have opened 12 new checkpoints');
    expect(summary.bullets[0]).toContain('Kirkuk police have opened 12 new checkpoints');
  });
});

describe('extractClaims', () => {
  it('finds check-worthy sentences with exact evidence offsets', () => {
    const article = cleaned('basra-water.html');
    const claims = extractClaims(article.text, article.language);
    expect(claims.length).toBeGreaterThanOrEqual(5);
    for (const claim of claims) {
      expect(article.text.slice(claim.start ?? Number.NaN, claim.end ?? Number.NaN)).toBe(claim.evidence);
      expect(claim.grounded).toBe(true);
      expect(claim.checkworthiness).toBeGreaterThan(0);
      expect(claim.checkworthiness).toBeLessThanOrEqual(1);
    }
    expect(claims.map((c) => c.id)).toEqual(claims.map((_, i) => `c${i + 1}`));
    const salt = claims.find((c) => c.evidence.includes('8,200 parts per million'));
    expect(salt?.kind).toBe('statistic');
    const tanker = claims.find((c) => c.evidence.includes('15,000 dinars a week'));
    expect(tanker).toMatchObject({ kind: 'quote', speaker: 'Haider Abbas' });
  });

  it('skips sentences with nothing to check', () => {
    const claims = extractClaims(
      'The weather was pleasant. People walked in the park and enjoyed the afternoon sun.',
      'en',
    );
    expect(claims).toEqual([]);
  });

  it.each([
    ['"We will not let that happen," said Ahmed Jassim, the director of the directorate.', 'Ahmed Jassim'],
    ['Major General Kawa Gharib told reporters that 400 officers would be deployed.', 'Major General Kawa Gharib'],
    [
      'Governor Asaad al-Eidani announced on Sunday that the province would spend 25 billion dinars.',
      'Governor Asaad al-Eidani',
    ],
    [
      'A spokesman for the Joint Operations Command, Brigadier General Tahsin al-Khafaji, said four suspects were arrested.',
      'Brigadier General Tahsin al-Khafaji',
    ],
    ['Output fell by 30,000 barrels a day, according to the North Oil Company.', 'North Oil Company'],
    ['The Ministry of Water Resources said releases would increase.', 'Ministry of Water Resources'],
    ['وقال المتحدث باسم الوزارة أحمد موسى في بيان إن الطلب يبلغ 40 ألف ميغاواط.', 'المتحدث باسم الوزارة أحمد موسى'],
    ['The river rose by two metres overnight.', null],
    // What was said is not who said it.
    ['Minister Aoun Diab said Baghdad had asked for 3 new stations.', 'Minister Aoun Diab'],
    ['Officials estimated the damage at 40 million dollars.', 'Officials'],
    ['Theocharakis said Greece would be close to the end on April 9.', 'Theocharakis'],
    ["The Duchess' second pregnancy was announced on September 8.", null],
    ['NASA said Tuesday that the vehicle had entered a slow spin.', 'NASA'],
    ['The agency estimated that 12,000 families had left.', 'agency'],
    // French, as news French writes it.
    [
      '« Nous reconstruirons le marché », a déclaré le gouverneur de Ninive Abdulqader al-Dakhil.',
      'gouverneur de Ninive Abdulqader al-Dakhil',
    ],
    ['Ali Saleh a affirmé que 40 stations étaient fermées.', 'Ali Saleh'],
    ["Selon le ministère de l'Électricité, la demande atteint 40 000 mégawatts.", "ministère de l'Électricité"],
    // "صرّح" (declared) reports too.
    ['وصرح المتحدث باسم الوزارة أحمد موسى، إن الطلب يبلغ 40 ألف ميغاواط.', 'المتحدث باسم الوزارة أحمد موسى'],
    // German, Spanish and Arabic, with the speaker before or after the verb.
    [
      '„Das war eine Warnung“, sagte Oberbürgermeister Jürgen Dupper (SPD) am Mittwoch.',
      'Oberbürgermeister Jürgen Dupper',
    ],
    ['Am Montag sagte Dupper, die Stadt brauche 3 neue Pumpen.', 'Dupper'],
    ['Dupper kritisierte die Pläne des Freistaats.', 'Dupper'],
    ['Laut Polizei wurden 14 Menschen verletzt.', 'Polizei'],
    ['Der Bau soll im März 2026 beginnen, teilte das Landratsamt mit.', 'Landratsamt'],
    ['Dem Bund Naturschutz zufolge sind drei Brutplätze bedroht.', 'Bund Naturschutz'],
    [
      '"No hay agua", dijo el presidente de la Confederación, Ramón Villaescusa, en rueda de prensa.',
      'Ramón Villaescusa',
    ],
    ['Según el Ministerio de Agricultura, la cosecha cayó un 20 %.', 'Ministerio de Agricultura'],
    ['Un train sur deux circulera jeudi, a annoncé mercredi la SNCF.', 'SNCF'],
    ['« Nous ne céderons pas », explique Marie Durand, porte-parole du syndicat.', 'Marie Durand'],
    ['"إن الأرصفة امتلأت"، قال مدير الميناء كاظم جبار.', 'مدير الميناء كاظم جبار'],
    // A pronoun names no one on its own: the sentences around it do (speakersOf).
    ['„Die Mauer kostet 60 Prozent mehr“, sagte sie.', null],
    ['« Les usagers ne peuvent pas être pris en otage », a-t-il déclaré.', null],
    ['"Vamos a defender cada explotación", aseguró.', null],
    ['وأضاف أن الشركة خسرت نحو 4,5 مليار دينار.', null],
  ])('names the speaker of %j', (sentence, speaker) => {
    expect(findSpeaker(sentence)).toBe(speaker);
  });

  it.each([
    'Publié le 12/03/2025 à 14h05',
    '12 mars 2025 à 10h30',
    'Updated 10:45 GMT, 4 June 2025',
    'By Jane Arraf and Sura Ali',
    'Par Jean Dupont, à Bagdad',
    'Year | Output | Share',
    '2.',
    '•',
  ])('never makes a claim of the furniture line %j', (line) => {
    expect(isFurniture(line)).toBe(true);
    expect(
      extractClaims(`${line}\n\nThe council approved 14 new schools on Monday, the mayor said.`, 'en').map(
        (c) => c.text,
      ),
    ).toEqual(['The council approved 14 new schools on Monday, the mayor said.']);
  });

  it('keeps sentences that only start like furniture', () => {
    expect(isFurniture('By 2025 the plant will produce 40 megawatts, the ministry said.')).toBe(false);
    expect(isFurniture('On 12 March 2025, 40 families returned to the old city.')).toBe(false);
  });

  it('gives "he said" the last named speaker', () => {
    const text =
      'Nineveh governor Abdulqader al-Dakhil said the market had reopened after seven years. He said that 70 percent of the houses had been rebuilt.';
    const claims = extractClaims(text, 'en');
    expect(claims.at(-1)?.speaker).toBe('Abdulqader al-Dakhil');
  });
});

describe('OfflineEngine', () => {
  it('returns summary, claims, and an "unavailable" translation for each target language', async () => {
    const article = cleaned('mosul-old-city.md');
    const result = await new OfflineEngine().analyze(article, { targetLanguages: ['ar', 'fr'] });
    expect(result.status).toBe('DONE');
    expect(result.provenance).toEqual({ engine: 'offline', model: null, promptVersion: null });
    expect(result.translations).toEqual({
      ar: { status: 'unavailable', reason: OFFLINE_TRANSLATION_REASON },
      fr: { status: 'unavailable', reason: OFFLINE_TRANSLATION_REASON },
    });
    expect(result.claims.length).toBeGreaterThan(0);
  });
});

describe('the offline summary as a reader meets it', () => {
  const BASRA =
    "BASRA — Rising salinity in the Shatt al-Arab has forced 40 of Basra's 112 water treatment plants to stop pumping, the provincial water directorate said on Sunday, leaving roughly 600,000 residents without reliable tap water as summer temperatures pass 50 degrees Celsius.\n\n" +
    'Salt levels at the main intake reached 8,200 parts per million on Saturday, four times the limit the plants were designed for, according to the directorate.\n\n' +
    'Engineers said a permanent fix, a barrier at the mouth of the river, would take at least two years to build.\n\n' +
    'Residents say they cannot wait that long.\n\n' +
    'The governor announced 25 billion dinars for emergency desalination units on Sunday, the first of which would run before the end of August.';

  it('heads it with a whole sentence, never a cut one, and without its dateline', () => {
    const { headline } = summarize(BASRA, 'en');
    expect(headline).toBe(
      "Rising salinity in the Shatt al-Arab has forced 40 of Basra's 112 water treatment plants to stop pumping.",
    );
    expect(headline).not.toMatch(/…$/);
  });

  it('leaves out a sentence that leans on the one before, unless that one is in too', () => {
    const { short, bullets } = summarize(BASRA, 'en');
    for (const part of [short, ...bullets]) {
      if (part.includes('cannot wait that long')) expect(part).toContain('would take at least two years');
    }
  });

  it('makes the short summary of the leading bullets that fit, not of a lesser sentence that would', () => {
    for (const name of ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md']) {
      const article = cleaned(name);
      const { short, bullets } = summarize(article.text, article.language);
      const taken = bullets.filter((_, i) => short.startsWith(bullets.slice(0, i + 1).join(' ')));
      expect(taken.length).toBeGreaterThan(0);
      expect(short).toBe(taken.join(' '));
      const next = bullets[taken.length];
      if (next) expect(words(short) + words(next)).toBeGreaterThan(SHORT_MAX_WORDS);
    }
  });

  it('still summarises a text whose every sentence leans on the one before', () => {
    const quote = '"We will not leave our homes while the water is still salty," residents told the council on Sunday.';
    expect(summarize(quote, 'en')).toEqual({ headline: quote, short: quote, bullets: [quote] });
  });

  it('takes no caption run together with the text as a bullet', () => {
    // Picture captions without full stops, flattened into the text and run into the next sentence:
    // one "sentence" of 90 words that shares the article's words, and so would look central.
    const caption =
      'Scroll down for video Salt water: Basra residents queue for water at a treatment plant on the Shatt al-Arab on Sunday Basra water treatment plants have stopped pumping as salinity rises Residents of Basra carry water from an emergency desalination unit the governor announced on Sunday as temperatures pass 50 degrees Celsius in Basra and the salinity of the Shatt al-Arab keeps rising for a third week';
    const text = BASRA.replace('\n\nSalt levels', `\n\n${caption} Salt levels`);
    const { bullets, short } = summarize(text, 'en');
    expect(words(caption)).toBeGreaterThan(60);
    for (const part of [short, ...bullets]) expect(part).not.toContain('Scroll down for video');
  });

  it('never gives two bullets or two claims that say the same thing', async () => {
    const figures =
      'Salt levels at the main intake reached 8,200 parts per million on Saturday, four times the limit the plants were designed for, according to the directorate.';
    // The same paragraph three times, once lightly edited: pasted twice, quoted again.
    const text = `${BASRA}\n\n${figures}\n\n${figures.replace('main intake', 'intake')}`;
    const result = await new OfflineEngine().analyze(
      { text, title: null, language: 'en', publishedAt: null, contentHash: 'x' },
      { targetLanguages: [] },
    );
    expect(result.claims.filter((c) => c.text.includes('8,200 parts per million'))).toHaveLength(1);
    expect(result.summary.bullets.filter((b) => b.includes('8,200 parts per million')).length).toBeLessThanOrEqual(1);
  });
});
