import { describe, expect, it } from 'vitest';
import {
  expectedScripts,
  type LanguageDetector,
  loadLanguageDetector,
  translationProblems,
} from '../../../shared/analysis/checks/translation.js';

const detector: LanguageDetector = await loadLanguageDetector();

const SOURCE = 'Officials said 40 water treatment plants were closed on Sunday after salt levels rose in the river.';

/** Correct translations of SOURCE, in languages a script table of a few languages got wrong. */
const CORRECT: Record<string, string> = {
  ckb: 'بەرپرسان ڕایانگەیاند کە ٤٠ وێستگەی پاڵاوتنی ئاو ڕۆژی یەکشەممە داخران دوای ئەوەی خوێی ڕووبارەکە زیادی کرد.',
  mr: 'नदीतील क्षाराचे प्रमाण वाढल्यानंतर रविवारी 40 जलशुद्धीकरण केंद्रे बंद करण्यात आली, असे अधिकाऱ्यांनी सांगितले.',
  ne: 'नदीमा नुनको मात्रा बढेपछि आइतबार 40 पानी प्रशोधन केन्द्रहरू बन्द गरिएको अधिकारीहरूले बताए।',
  ka: 'ოფიციალურმა პირებმა განაცხადეს, რომ კვირას 40 წყლის გამწმენდი სადგური დაიხურა მდინარეში მარილის დონის მატების შემდეგ.',
  hy: 'Պաշտոնյաները հայտնել են, որ կիրակի օրը փակվել է 40 ջրամաքրման կայան՝ գետում աղի մակարդակի բարձրանալուց հետո։',
  ta: 'ஆற்றில் உப்பு அளவு உயர்ந்ததால் ஞாயிற்றுக்கிழமை 40 நீர் சுத்திகரிப்பு நிலையங்கள் மூடப்பட்டதாக அதிகாரிகள் தெரிவித்தனர்.',
  am: 'በወንዙ ውስጥ የጨው መጠን ከጨመረ በኋላ እሁድ 40 የውሃ ማጣሪያ ጣቢያዎች መዘጋታቸውን ባለስልጣናት ገልጸዋል።',
  sr: 'Званичници су саопштили да је у недељу затворено 40 постројења за пречишћавање воде након што је ниво соли у реци порастао.',
  kk: 'Шенеуніктер өзендегі тұз деңгейі көтерілгеннен кейін жексенбі күні 40 су тазарту станциясы жабылғанын хабарлады.',
  fr: "Les responsables ont déclaré que 40 stations de traitement de l'eau avaient fermé dimanche après la hausse du sel dans le fleuve.",
  ar: 'قال مسؤولون إن 40 محطة لمعالجة المياه أغلقت يوم الأحد بعد ارتفاع مستويات الملوحة في النهر.',
  ja: '当局者によると、川の塩分濃度が上昇したため、日曜日に40か所の浄水場が閉鎖されたという。',
};

describe('a translation checked for its language, not only its script', () => {
  it.each(Object.entries(CORRECT))('accepts a correct translation into %s', (lang, translation) => {
    expect(translationProblems(SOURCE, translation, lang, 'en', detector)).toEqual([]);
  });

  it("knows each language's script from CLDR, Japanese as Han and kana", () => {
    expect(expectedScripts('ckb')?.map(String)).toEqual(['/\\p{Script=Arab}/u']);
    expect(expectedScripts('ja')?.map(String)).toEqual([
      '/\\p{Script=Hani}/u',
      '/\\p{Script=Hira}/u',
      '/\\p{Script=Kana}/u',
    ]);
  });

  it('rejects untranslated English as French, the source unchanged, and Chinese as Japanese', () => {
    const english =
      'Officials said on Sunday that 40 treatment plants closed after the salt in the river rose sharply.';
    expect(translationProblems(SOURCE, english, 'fr', 'en', detector)).toEqual([
      expect.stringMatching(/reads as English, not French/),
    ]);
    expect(translationProblems(SOURCE, SOURCE, 'de', 'en', detector)).toEqual([
      expect.stringMatching(/source text unchanged/),
    ]);
    const chinese =
      '官员表示，由于河水盐度上升，周日有40座水处理厂关闭。当局说，居民用水受到严重影响，政府正在寻找解决办法。';
    expect(translationProblems(SOURCE, chinese, 'ja', 'en', detector)).toEqual([
      expect.stringMatching(/reads as Chinese, not Japanese/),
    ]);
    expect(translationProblems(SOURCE, 'Officials said 40 plants closed.', 'ar', 'en', detector)).toEqual([
      expect.stringMatching(/must be written in Arabic/),
    ]);
  });

  it('names the figures a translation lost or added', () => {
    const changed = CORRECT.fr?.replace('40', '45') ?? '';
    expect(translationProblems(SOURCE, changed, 'fr', 'en', detector)).toEqual([
      expect.stringMatching(/missing 40; not in the source 45/),
    ]);
  });
});
