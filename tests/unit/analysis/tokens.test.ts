import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { numberArticle, numberedText, splitRange } from '../../../shared/analysis/llm/numbered.js';
import { estimateTokens } from '../../../shared/analysis/llm/tokens.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { sample } from '../../helpers/samples.js';

// News text in the scripts the estimate was fitted on, written for this test (not the fitting texts).
const TEXTS: Record<string, string> = {
  en: 'The provincial council said on Tuesday that 14 schools would reopen next month after repairs costing 3.2 billion dinars. Officials said the work had taken eleven months and employed 450 workers from the district, and parents welcomed the news.',
  fr: 'Le conseil provincial a annoncé mardi la réouverture de 14 écoles le mois prochain, après des travaux d’un coût de 3,2 milliards de dinars. Les parents ont salué la nouvelle, mais réclament toujours des bus.',
  pl: 'Rada prowincji ogłosiła we wtorek, że 14 szkół zostanie ponownie otwartych w przyszłym miesiącu po remontach kosztujących 3,2 mld dinarów. Rodzice przyjęli tę wiadomość z zadowoleniem.',
  ru: 'Совет провинции объявил во вторник, что 14 школ откроются в следующем месяце после ремонта стоимостью 3,2 миллиарда динаров. Родители приветствовали эту новость, но по-прежнему просят автобусы.',
  ar: 'قال مجلس المحافظة يوم الثلاثاء إن 14 مدرسة ستعيد فتح أبوابها الشهر المقبل بعد أعمال ترميم كلفت 3.2 مليار دينار، ورحب الأهالي بالخبر لكنهم ما زالوا يطالبون بالحافلات.',
  el: 'Το επαρχιακό συμβούλιο ανακοίνωσε την Τρίτη ότι 14 σχολεία θα ανοίξουν ξανά τον επόμενο μήνα μετά από επισκευές κόστους 3,2 δισεκατομμυρίων δηναρίων.',
  hi: 'प्रांतीय परिषद ने मंगलवार को कहा कि मरम्मत के बाद 14 स्कूल अगले महीने फिर से खुलेंगे, जिस पर 3.2 अरब दीनार खर्च हुए। अभिभावकों ने इस खबर का स्वागत किया।',
  zh: '省议会周二表示，经过耗资32亿第纳尔的维修后，14所学校将于下月重新开放。家长们对这一消息表示欢迎，但仍然要求提供校车。',
  ja: '州議会は火曜日、32億ディナールをかけた修理の後、14校が来月再開すると発表した。保護者はこの知らせを歓迎したが、スクールバスを求めている。',
  ko: '주 의회는 화요일 32억 디나르가 든 보수 공사 후 14개 학교가 다음 달 다시 문을 연다고 밝혔다. 학부모들은 이 소식을 환영했다.',
};

describe('estimateTokens (the token count that decides splitting, without the 2.7 MB tokenizer)', () => {
  it.each(Object.entries(TEXTS))('is within 0.85–1.5× of o200k on %s news text', (_lang, text) => {
    const ratio = estimateTokens(text) / countTokens(text);
    expect(ratio).toBeGreaterThanOrEqual(0.85);
    expect(ratio).toBeLessThanOrEqual(1.5);
  });

  it('is within 0.9–1.5× of o200k on whole articles, and rarely below it', () => {
    for (const [name, file] of [
      ['basra-water.html', 'page.html'],
      ['kirkuk-checkpoints.txt', 'paste.txt'],
      ['mosul-old-city.md', 'post.md'],
      ['baghdad-electricity-ar.json', 'article.json'],
    ]) {
      const { text } = cleanDocument(sample(name as string), { name: file as string });
      const ratio = estimateTokens(text) / countTokens(text);
      expect(ratio, name).toBeGreaterThanOrEqual(0.9);
      expect(ratio, name).toBeLessThanOrEqual(1.5);
    }
  });

  it('adds up: a text counts what its paragraphs count, give or take rounding', () => {
    const paragraphs = Object.values(TEXTS);
    const whole = estimateTokens(paragraphs.join('\n\n'));
    const parts = paragraphs.reduce((sum, p) => sum + estimateTokens(p), 0);
    expect(whole).toBeLessThanOrEqual(parts);
    expect(whole).toBeGreaterThanOrEqual(parts - paragraphs.length);
  });

  it('keeps splitting linear: each sentence is counted once, and every part stays within the budget', () => {
    const text = Array.from({ length: 400 }, (_, i) => `${TEXTS.en} (${i})`).join('\n\n');
    const article = numberArticle(text, 'en');
    const parts = splitRange(article, { start: 0, end: text.length }, 1000);
    expect(parts.map((p) => text.slice(p.start, p.end)).join('')).toBe(text);
    for (const part of parts) expect(estimateTokens(numberedText(article, part))).toBeLessThanOrEqual(1000);
    expect(parts.length).toBeLessThanOrEqual(
      Math.ceil(estimateTokens(numberedText(article, { start: 0, end: text.length })) / 1000) + 2,
    );
  });
});
