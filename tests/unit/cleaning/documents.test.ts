import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { encodeLegacy } from '../../helpers/encode.js';
import { codeOf } from '../../helpers/errors.js';
import { sample, sharedFile } from '../../helpers/samples.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('cleanDocument on the samples', () => {
  it('keeps only the article of an HTML page with navigation, ads, share bar, related stories and comments', () => {
    const result = cleanDocument(sample('basra-water.html'), { name: 'basra-water.html' });
    expect(result).toMatchObject({
      format: 'html',
      title: 'Basra water shortage: salinity forces 40 treatment plants offline',
      byline: 'Layla Hassan',
      publishedAt: '2024-07-14T09:30:00+03:00',
      site: 'Gulf Ledger',
      url: 'https://gulfledger.example/iraq/basra-water-shortage-salinity',
      language: 'en',
    });
    // A page's dateline belongs to its body (a paste's source tag does not).
    expect(result.text.startsWith('BASRA — Rising salinity in the Shatt al-Arab')).toBe(true);
    expect(result.text.endsWith('no funds have been allocated in the 2024 budget.')).toBe(true);
    for (const leak of [
      'Advertisement',
      'Most read',
      'Related stories',
      'Subscribe',
      'abu_ali',
      'Facebook',
      'Photo:',
      'All rights',
    ]) {
      expect(result.text).not.toContain(leak);
    }
    expect(result.text.split('\n\n')).toHaveLength(8);
  });

  it('removes the furniture Readability keeps inside the article container, and keeps embedded quotes', () => {
    const paragraph = (n: number) =>
      `<p>Paragraph ${n} of the report says the council approved 14 new schools and 450 jobs for the district this year.</p>`;
    const page = `<html><head><title>Schools reopen</title></head><body><article class="story">
      ${[1, 2, 3].map(paragraph).join('')}
      <div class="newsletter-promo"><p>The morning briefing brings the local headlines to you at seven.</p><p>It is free.</p></div>
      <div class="photo-caption"><p>A worker carries bricks outside the new school in the district.</p><p>Archive picture.</p></div>
      ${[4, 5].map(paragraph).join('')}
      <div class="embed-quote"><blockquote>We will open every school by spring, the mayor wrote.</blockquote></div>
      ${[6, 7].map(paragraph).join('')}
    </article></body></html>`;
    const { text } = cleanDocument(bytes(page), { name: 'page.html' });
    expect(text).not.toContain('The morning briefing');
    expect(text).not.toContain('A worker carries bricks');
    expect(text).toContain('We will open every school by spring');
    expect(text.split('\n\n').filter((p) => p.startsWith('Paragraph'))).toHaveLength(7);
  });

  it('reads JSON-LD whole even when its text looks like markup, and drops scripts, SVG and comments', () => {
    const paragraph = (n: number) =>
      `<p>Paragraph ${n} of the report says the council approved 14 new schools and 450 jobs for the district this year.</p>`;
    const page = `<html><head>
      <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Schools <!-- reopen", "author": {"name": "Layla Hassan"}}</script>
      <script>window.track("Tracking text that is not the article");</script>
      </head><body><article>${[1, 2, 3, 4, 5].map(paragraph).join('')}
      <svg><title>Icon text that is not the article</title></svg></article>
      <!-- end of the article --></body></html>`;
    const result = cleanDocument(bytes(page), { name: 'page.html' });
    expect(result.title).toBe('Schools <!-- reopen');
    expect(result.byline).toBe('Layla Hassan');
    expect(result.text).not.toContain('not the article');
    expect(result.text.split('\n\n')).toHaveLength(5);
  });

  it('cleans the pasted text sample and takes its date and source from the artifacts', () => {
    const result = cleanDocument(sample('kirkuk-checkpoints.txt'), { name: 'kirkuk-checkpoints.txt' });
    expect(result).toMatchObject({
      format: 'text',
      publishedAt: '2024-05-06T11:20:00',
      site: 'Tigris Wire',
      language: 'en',
    });
    expect(result.text.startsWith('Kirkuk police have opened 12 new checkpoints')).toBe(true);
    expect(result.text).not.toMatch(/Read more|Share on|tigriswire\.example|2024-05-06 11:20/);
  });

  it('reads Markdown with front matter: title, author, date; images and link targets dropped; lists kept', () => {
    const result = cleanDocument(sample('mosul-old-city.md'), { name: 'mosul-old-city.md' });
    expect(result).toMatchObject({
      format: 'markdown',
      title: "Mosul's Old City reopens its first rebuilt market",
      byline: 'Omar Faris',
      publishedAt: '2024-09-02',
      url: 'https://riverdesk.example/mosul-old-city-market',
    });
    expect(result.text).not.toMatch(/!\[|\]\(|undp\.example|\*\*|^#/m);
    expect(result.text).toContain('- running water in half of the shops;');
    expect(result.text.startsWith('The Bab al-Saray market')).toBe(true);
  });

  it('reads the Arabic JSON article: its fields win, the "بغداد/" source tag goes, the language is Arabic', () => {
    const result = cleanDocument(sample('baghdad-electricity-ar.json'), { name: 'baghdad-electricity-ar.json' });
    expect(result).toMatchObject({
      format: 'json',
      language: 'ar',
      publishedAt: '2024-08-11T14:05:00+03:00',
      url: 'https://dijlapress.example/ar/electricity-28000-mw',
    });
    expect(result.title).toContain('28 ألف ميغاواط');
    expect(result.text.startsWith('أعلنت وزارة الكهرباء')).toBe(true);
  });

  it('cleans the same article the same way whatever its encoding, and hashes the text', () => {
    const text = readFileSync(new URL('../../../samples/baghdad-electricity-ar.json', import.meta.url), 'utf8');
    const body = JSON.parse(text).body as string;
    const utf8 = cleanDocument(bytes(body), { name: 'a.txt' });
    const legacy = cleanDocument(encodeLegacy(body.replace(/\n/g, '\r\n'), 'windows-1256'), { name: 'a.txt' });
    expect(legacy.encoding).toBe('windows-1256');
    expect(legacy.text).toBe(utf8.text);
    expect(legacy.contentHash).toBe(utf8.contentHash);
    expect(utf8.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(!sharedFile('samples/shafaq-2024-03-30.txt'))('cleans a real pasted article (../shared/samples)', () => {
    const path = sharedFile('samples/shafaq-2024-03-30.txt') as string;
    const result = cleanDocument(readFileSync(path), { name: path });
    expect(result.title).toMatch(/^Before Al-Sudani’s visit to Washington/);
    expect(result.publishedAt).toBe('2024-03-30T04:53:00');
    expect(result.site).toBe('Shafaq News');
    expect(result.text.startsWith('Deputy Commander of Joint Operations')).toBe(true);
    expect(result.text).not.toMatch(/shafaq\.com\s*$|Shafaq News\//);
  });
});

describe('cleanDocument formats and refusals', () => {
  it('tells the format from the content when the name has no known extension', () => {
    expect(
      cleanDocument(bytes(`<html><body><article><p>${'Words in a page. '.repeat(40)}</p></article></body></html>`), {
        name: 'incoming/page',
      }).format,
    ).toBe('html');
    expect(
      cleanDocument(bytes(`{"body": "${'A sentence of the body. '.repeat(5)}"}`), { name: 'incoming/doc' }).format,
    ).toBe('json');
    expect(cleanDocument(bytes('Just some words of a note, written plainly.'), { name: 'incoming/note' }).format).toBe(
      'text',
    );
  });

  it.each([
    ['empty.txt', new Uint8Array(), 'EMPTY_OBJECT'],
    ['bad.json', bytes('{"title": "x", "body": '), 'INVALID_JSON'],
    ['nobody.json', bytes('{"title": "Only a title"}'), 'INVALID_JSON'],
    [
      'nav.html',
      bytes('<html><body><nav><a href="/a">Home</a> <a href="/b">World</a> <a href="/c">Sport</a></nav></body></html>'),
      'NO_ARTICLE_TEXT',
    ],
    ['blank.html', bytes('<html><head><title>x</title></head><body>   </body></html>'), 'NO_ARTICLE_TEXT'],
    ['image.txt', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'BINARY_CONTENT'],
    ['spaces.txt', bytes(' \n\n \t \n'), 'NO_ARTICLE_TEXT'],
  ])('refuses %s with %s', (name, input, code) => {
    expect(codeOf(() => cleanDocument(input, { name }))).toBe(code);
  });
});

describe('cleanDocument limits', () => {
  const paragraph = 'Kirkuk police opened 12 new checkpoints on Monday, the police chief said after three attacks.';

  it('ends a text over the word limit TOO_LONG, by its length when that alone is too much', () => {
    const text = Array.from({ length: 200 }, () => paragraph).join('\n\n');
    expect(cleanDocument(bytes(text), { name: 'a.txt', maxWords: 3000 }).wordCount).toBeGreaterThan(2000);
    expect(codeOf(() => cleanDocument(bytes(text), { name: 'a.txt', maxWords: 2000 }))).toBe('TOO_LONG');
    expect(() => cleanDocument(bytes(text), { name: 'a.txt', maxWords: 2000 })).toThrow(
      /has 3,000 words, more than the limit of 2,000/,
    );
    // A plain text by its letters and digits, before it is cleaned; another format by the cleaned text's length.
    expect(() => cleanDocument(bytes(text), { name: 'a.txt', maxWords: 10 })).toThrow(
      /has 15,400 letters and digits, more than the 160 \(16 a word\) that the limit of 10 words allows\.$/,
    );
    expect(() => cleanDocument(bytes(text), { name: 'a.md', maxWords: 10 })).toThrow(
      /has 18,998 characters, more than the 160 \(16 a word\) that the limit of 10 words allows\.$/,
    );
  });

  it('says a text of one endless word is too long in characters, not in words', () => {
    // Prepare: one "word" past the limit's characters (a trial uploaded 4.9 MB of one against 100,000 words).
    const word = 'a'.repeat(490_000);
    // Act
    const run = () => cleanDocument(bytes(word), { name: 'a.txt', maxWords: 10_000 });
    // Assess
    expect(codeOf(run)).toBe('TOO_LONG');
    expect(run).toThrow(
      'The article text has 490,000 letters and digits, more than the 160,000 (16 a word) that the limit of 10,000 words allows; 490,000 of them run without a space, a single "word" longer than the whole limit.',
    );
    expect(run).not.toThrow(/words, more than|far more than/);
  });

  it('ends STAGE_TIMEOUT when the cleaning is past its deadline, naming the step', () => {
    const run = () => cleanDocument(bytes(paragraph.repeat(5)), { name: 'a.txt', deadline: Date.now() - 1 });
    expect(codeOf(run)).toBe('STAGE_TIMEOUT');
    expect(run).toThrow(/at parsing/);
  });
});
