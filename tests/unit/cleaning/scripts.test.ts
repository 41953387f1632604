import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../shared/cleaning/index.js';

/** A news page around paragraphs, with the furniture pages carry. */
function page(options: {
  lang: string;
  dir?: string;
  charset?: string;
  title: string;
  paragraphs: string[];
  nav: string[];
}) {
  const meta = options.charset
    ? `<meta http-equiv="Content-Type" content="text/html; charset=${options.charset}">`
    : '';
  return `<!DOCTYPE html><html lang="${options.lang}"${options.dir ? ` dir="${options.dir}"` : ''}><head>${meta}<title>${options.title}</title></head>
<body><nav><ul>${options.nav.map((n) => `<li><a href="/${encodeURIComponent(n)}">${n}</a></li>`).join('')}</ul></nav>
<article><h1>${options.title}</h1>${options.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article>
<aside class="related"><h3>${options.nav[0]}</h3><ul>${options.nav.map((n) => `<li><a href="/r">${n} ${n}</a></li>`).join('')}</ul></aside>
<footer>© 2025</footer></body></html>`;
}

const ARABIC = [
  'أعلنت وزارة الموارد المائية العراقية، اليوم الأحد، أن مخزون السدود ارتفع إلى 12 مليار متر مكعب بعد موجة الأمطار الأخيرة، وهو أعلى مستوى منذ ثلاث سنوات.',
  'وقال المتحدث باسم الوزارة إن الإطلاقات المائية نحو محافظات الوسط والجنوب ستزداد خلال الأسابيع المقبلة لتأمين الخطة الزراعية الصيفية.',
  'وأضاف أن الوزارة تعمل على صيانة 40 محطة ضخ في محافظة البصرة لضمان وصول المياه إلى الأقضية والنواحي البعيدة عن مجرى شط العرب.',
];
const JAPANESE = [
  '気象庁は二十日、関東地方で記録的な大雨が降る恐れがあるとして、土砂災害や河川の氾濫に厳重な警戒を呼びかけた。',
  '東京都内では午後から雨が強まり、一時間に五十ミリ以上の非常に激しい雨が降った地域もあった。',
  '鉄道各社は一部の路線で運転を見合わせており、帰宅時間帯の混雑が予想されている。',
];
const CHINESE = [
  '国家统计局二十日发布数据显示，今年前十个月全国规模以上工业增加值同比增长百分之五点八，增速比前三季度加快零点一个百分点。',
  '分行业看，高技术制造业增加值增长较快，其中集成电路和新能源汽车产量分别增长百分之二十和百分之三十。',
  '专家表示，随着一系列稳增长政策持续发力，工业经济有望继续保持平稳运行。',
];

describe('right-to-left and CJK pages in their legacy encodings', () => {
  it('cleans an Arabic page declared as windows-1256', () => {
    const html = page({
      lang: 'ar',
      dir: 'rtl',
      charset: 'windows-1256',
      title: 'ارتفاع مخزون السدود',
      paragraphs: ARABIC,
      nav: ['الرئيسية', 'سياسة', 'اقتصاد', 'رياضة'],
    });
    const result = cleanDocument(iconv.encode(html, 'windows-1256'), { name: 'page.html' });
    expect(result).toMatchObject({ encoding: 'windows-1256', language: 'ar', title: 'ارتفاع مخزون السدود' });
    expect(result.text).toBe(ARABIC.join('\n\n'));
  });

  it('detects windows-1256 when an Arabic page declares nothing', () => {
    const html = page({
      lang: 'ar',
      dir: 'rtl',
      title: 'ارتفاع مخزون السدود',
      paragraphs: ARABIC,
      nav: ['الرئيسية', 'سياسة'],
    });
    const result = cleanDocument(iconv.encode(html, 'windows-1256'), { name: 'page.html' });
    expect(result.encoding).toBe('windows-1256');
    expect(result.text).toBe(ARABIC.join('\n\n'));
  });

  it('cleans a Japanese page declared as Shift_JIS', () => {
    const html = page({
      lang: 'ja',
      charset: 'Shift_JIS',
      title: '関東で記録的大雨の恐れ',
      paragraphs: JAPANESE,
      nav: ['ニュース', '天気', 'スポーツ'],
    });
    const result = cleanDocument(iconv.encode(html, 'Shift_JIS'), { name: 'page.html' });
    expect(result).toMatchObject({ encoding: 'shift_jis', language: 'ja' });
    expect(result.text).toBe(JAPANESE.join('\n\n'));
  });

  it('cleans a Chinese page declared as GBK', () => {
    const html = page({
      lang: 'zh-CN',
      charset: 'gbk',
      title: '前十个月工业增加值增长5.8%',
      paragraphs: CHINESE,
      nav: ['首页', '财经', '科技'],
    });
    const result = cleanDocument(iconv.encode(html, 'gbk'), { name: 'page.html' });
    expect(result).toMatchObject({ encoding: 'gbk', language: 'zh' });
    expect(result.text).toBe(CHINESE.join('\n\n'));
  });

  it('trusts the text over a lang attribute that disagrees with it', () => {
    const html = page({ lang: 'en', dir: 'rtl', title: 'ارتفاع مخزون السدود', paragraphs: ARABIC, nav: ['Home'] });
    expect(cleanDocument(Buffer.from(html), { name: 'page.html' }).language).toBe('ar');
  });

  it('falls back to the lang attribute when the text is too short to tell', () => {
    const html = '<html lang="fr"><body><article><p>OK.</p></article></body></html>';
    expect(cleanDocument(Buffer.from(html), { name: 'page.html' }).language).toBe('fr');
  });
});
