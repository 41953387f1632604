import { describe, expect, it } from 'vitest';
import { checkworthiness, tokens } from '../../../shared/analysis/checkworthiness.js';
import { selectClaims } from '../../../shared/analysis/claim-policy.js';
import { extractClaims, isFragment } from '../../../shared/analysis/claims.js';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { speakersOf } from '../../../shared/analysis/speakers.js';

const sentencesOf = (text: string, language = 'en') => splitSentences(text, language).map((s) => s.text);

describe('sentences and quotations', () => {
  it.each([
    [
      'en',
      '"The quay is full. We cannot keep unloading," said Kadhim. He left.',
      ['"The quay is full. We cannot keep unloading," said Kadhim.', 'He left.'],
    ],
    ['en', '“Stop. Now.” She left.', ['“Stop. Now.”', 'She left.']],
    [
      'de',
      '„Wir können nicht. Das war eine Warnung“, sagte er. Er ging.',
      ['„Wir können nicht. Das war eine Warnung“, sagte er.', 'Er ging.'],
    ],
    ['de', 'Er sagte: »Es reicht. Wir gehen.« Dann ging er.', ['Er sagte: »Es reicht. Wir gehen.«', 'Dann ging er.']],
    [
      'fr',
      '« C’est fini. Nous partons », a-t-il dit. Puis il est parti.',
      ['« C’est fini. Nous partons », a-t-il dit.', 'Puis il est parti.'],
    ],
    [
      'ar',
      'وقال المدير إن "الأرصفة امتلأت. لا يمكننا الاستمرار". وأضاف أن الشركة خسرت.',
      ['وقال المدير إن "الأرصفة امتلأت. لا يمكننا الاستمرار".', 'وأضاف أن الشركة خسرت.'],
    ],
  ])('never ends a sentence inside a quotation (%s: %j)', (language, text, expected) => {
    expect(sentencesOf(text, language)).toEqual(expected);
  });

  it('keeps quotations whole in a paragraph longer than the windows the segmenter reads in', () => {
    const quote = '"The quay is full. We cannot keep unloading. Ships wait 23 days," said Kadhim Jabbar. ';
    const text = quote.repeat(150);
    expect(text.length).toBeGreaterThan(3 * 4096);
    const sentences = sentencesOf(text);
    expect(sentences).toHaveLength(150);
    expect(new Set(sentences)).toEqual(new Set([quote.trim()]));
  });

  it('goes on after a quoted question or exclamation when the sentence does', () => {
    expect(sentencesOf('"Why now?" asked Kadhim. "Stop!" he said.')).toEqual([
      '"Why now?" asked Kadhim.',
      '"Stop!" he said.',
    ]);
  });

  it('reads a German date as a date, not as the end of a sentence', () => {
    expect(sentencesOf('Der Bau beginnt am 12. Oktober 2025. Er dauert zwei Jahre.', 'de')).toEqual([
      'Der Bau beginnt am 12. Oktober 2025.',
      'Er dauert zwei Jahre.',
    ]);
  });

  it('marks the sentences of a quotation that runs on into the next paragraph, and only those', () => {
    const text =
      '"Every ship waits," said Hassan Ali. "Some lines added a surcharge. Others left.\n\n"If nothing changes, they will stop calling."';
    const sentences = splitSentences(text, 'en');
    expect(sentences.map((s) => [s.text, s.partialQuote])).toEqual([
      ['"Every ship waits," said Hassan Ali.', false],
      ['"Some lines added a surcharge.', true],
      ['Others left.', true],
      ['"If nothing changes, they will stop calling."', false],
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});

describe('speakers across sentences', () => {
  const speakers = (text: string, language = 'en') => speakersOf(splitSentences(text, language));

  it('gives a pronoun the last speaker named, within a few sentences', () => {
    expect(
      speakers(
        'Kadhim Jabbar said the port was full. He said 1,200 containers were waiting.\n\nThe weather was hot. Ships waited. Trucks waited. He said it again.',
      ),
    ).toEqual(['Kadhim Jabbar', 'Kadhim Jabbar', null, null, null, null]);
  });

  it('never gives "he" to a woman, "she" to a man, or either to a body, where a title or role tells', () => {
    expect(speakers('"We waited," said Ms. Noor Abbas. He said 14 requests were ignored.')).toEqual([
      'Ms. Noor Abbas',
      null,
    ]);
    expect(
      speakers('„Wir warten“, sagte Herr Jonas Weber. Sie sagte, 14 Anträge seien liegen geblieben.', 'de'),
    ).toEqual(['Herr Jonas Weber', null]);
    expect(speakers('„Wir warten“, sagte Jonas Weber. „Es sind 14 Anträge“, sagte er.', 'de')).toEqual([
      'Jonas Weber',
      'Jonas Weber',
    ]);
    expect(speakers('The Ministry of Transport said a committee would report. He said 300 were cleared.')).toEqual([
      'Ministry of Transport',
      null,
    ]);
    expect(speakers('The Ministry of Transport said a committee would report. It said 300 were cleared.')).toEqual([
      'Ministry of Transport',
      'Ministry of Transport',
    ]);
  });

  it('gives a bare quotation the speaker of the sentence before', () => {
    expect(speakers('Jabbar told reporters the backlog was the worst since 2017. "Ships now wait 23 days."')).toEqual([
      'Jabbar',
      'Jabbar',
    ]);
  });

  it('takes no "between" for a verb of saying in Arabic', () => {
    expect(speakers('وارتفعت الأسعار بين البلدين بنسبة 15% منذ بداية العام.', 'ar')).toEqual([null]);
    expect(speakers('وبيّن المتحدث باسم الوزارة أحمد موسى أن الطلب ارتفع.', 'ar')).toEqual([
      'المتحدث باسم الوزارة أحمد موسى',
    ]);
  });

  it('reads a surname as the full name given before', () => {
    expect(
      speakers(
        '„Es reicht“, sagte Oberbürgermeister Jürgen Dupper. Ein Bürgerentscheid sei nicht geplant, erklärte Dupper.',
        'de',
      ),
    ).toEqual(['Oberbürgermeister Jürgen Dupper', 'Oberbürgermeister Jürgen Dupper']);
  });
});

describe('claims', () => {
  it('takes the items of a list without markers for fragments, after the line that leads into it', () => {
    const text =
      'The inspection found:\nrunning water in half of the shops;\nno working sewer line since 2019.\n\nthe council met on monday and approved 14 new schools for the district.';
    const sentences = splitSentences(text, 'en');
    expect(sentences.map((s, i) => isFragment(s, sentences[i - 1]))).toEqual([true, true, true, false]);
  });

  it.each([
    [{ text: 'running water in half of the shops;', listItem: true }, true],
    [{ text: 'Running water in half of the shops;', listItem: true }, true],
    [{ text: 'fire extinguishers in 38 of the 60 warehouses', listItem: true }, true],
    [{ text: 'The ministry allocated 25 billion dinars.', listItem: true }, false],
    [{ text: 'al-Sudani said 40 schools would open.', listItem: false }, false],
    [{ text: 'iPhone sales rose 12 percent.', listItem: false }, false],
  ])('tells a list fragment from a sentence: %j', (sentence, fragment) => {
    expect(isFragment(sentence)).toBe(fragment);
  });

  it('reads decimal commas and spaced thousands as one figure, with any kind of space', () => {
    for (const figure of ['2,5', '1 200', '1\u00a0200', '1\u202f200', '1\u2009200', '12 500 000']) {
      expect(tokens(`Une prime de ${figure} euros.`), figure).toEqual(['une', 'prime', 'de', '<num>', 'euros']);
    }
    // The same claim with its figure written two ways is one claim; with two figures, two.
    const claim = (text: string, start: number) => ({ text, start, checkworthiness: 0.5 });
    expect(
      selectClaims([claim('La prime atteint 1 200 euros.', 0), claim('La prime atteint 1\u202f200 euros.', 40)]),
    ).toHaveLength(1);
    expect(
      selectClaims([claim('La prime atteint 1 200 euros.', 0), claim('La prime atteint 1 300 euros.', 40)]),
    ).toHaveLength(2);
  });

  it('scores other languages by what they say, not all alike', () => {
    const claim = 'La direction a proposé une augmentation de 2,5 %, assortie d’une prime de 1 200 euros.';
    const smallTalk = 'Merci à tous d’être venus ce soir.';
    expect(checkworthiness(claim, { language: 'fr' })).toBeGreaterThan(
      checkworthiness(smallTalk, { language: 'fr' }) + 0.2,
    );
    expect(extractClaims(`${claim} ${smallTalk}`, 'fr').map((c) => c.text)).toEqual([claim]);
  });
});
