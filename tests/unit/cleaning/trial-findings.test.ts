/**
 * What a new user's first articles showed the cleaner getting wrong, each
 * with its fixture (tests/fixtures/pages; the pastes are in
 * tests/fixtures/pastes and tests/unit/cleaning/pastes.test.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import { densestContainer } from '../../../shared/cleaning/formats/html.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/pages');
const page = (name: string) => readFileSync(resolve(DIR, name));

describe('HTML fragments', () => {
  it.each(['fragment-paragraphs.html', 'fragment-article.html', 'html-field.json'])(
    '%s is cleaned as an article',
    (name) => {
      const result = cleanDocument(page(name), { name });
      expect(result.text).toMatch(/^The provincial council approved a budget of 3\.2 billion dinars/);
      expect(result.text.split('\n\n')).toHaveLength(3);
      expect(result.language).toBe('en');
    },
  );

  it('takes a fragment heading as the title', () => {
    expect(cleanDocument(page('fragment-article.html'), { name: 'a.html' }).title).toBe('Council approves budget');
  });
});

describe('documents a parser trips on', () => {
  it('reads a page with a server warning before its doctype', () => {
    const result = cleanDocument(page('junk-before-doctype.html'), { name: 'a.html' });
    expect(result.text).toMatch(/^Der Stadtrat hat am Dienstag/);
    expect(result.text).not.toMatch(/Warning|mysql/);
    expect(result.language).toBe('de');
  });

  it('reads a page that leaves out its <html> tag (and has a stray one in a script)', () => {
    const result = cleanDocument(page('no-html-tag.html'), { name: 'a.html' });
    expect(result.text).toMatch(/^The provincial council approved/);
    expect(result.title).toBe('Council approves budget');
  });
});

describe('a page that prints its byline and date', () => {
  it('keeps the name without "By", and reads the visible "Published" line when meta tags have no date', () => {
    const result = cleanDocument(page('visible-byline-date.html'), { name: 'a.html' });
    expect(result).toMatchObject({ byline: 'Jane Arraf', publishedAt: '2024-06-03T10:15:00' });
    expect(result.text).not.toMatch(/Published|By Jane/);
  });
});

describe('a byline element with its date', () => {
  it.each(['byline-element.html', 'byline-element-long.html'])(
    '%s: the byline leaves the text and fills the author and the published date',
    (name) => {
      const result = cleanDocument(page(name), { name });
      expect(result).toMatchObject({ byline: 'Samir Yousif', publishedAt: '2025-02-18T08:15:00' });
      expect(result.text).toMatch(/^Dock workers at Umm Qasr port/);
      expect(result.text).not.toMatch(/Samir Yousif|February 18/);
    },
  );
});

describe('tables and lists', () => {
  it.each(['data-table.html', 'table-and-list.md'])('%s keeps its table as rows of pipes', (name) => {
    const { text } = cleanDocument(page(name), { name });
    expect(text).toMatch(
      /\n\| Province \| Harvest \(tonnes\) \| Change \|\n\| --- \| --- \| --- \|\n\| Wasit \| 1,200,000 \| \+18% \|\n/,
    );
  });

  it('makes no claim or summary sentence of a table row, and no list marker part of a sentence', async () => {
    for (const name of ['data-table.html', 'table-and-list.md']) {
      const cleaned = cleanDocument(page(name), { name });
      const result = await new OfflineEngine().analyze(
        { text: cleaned.text, title: cleaned.title, language: 'en', publishedAt: null, contentHash: 'x' },
        { targetLanguages: [] },
      );
      const sentences = [
        result.summary.headline,
        result.summary.short,
        ...result.summary.bullets,
        ...result.claims.map((c) => c.text),
      ];
      for (const sentence of sentences) {
        expect(sentence, name).not.toMatch(/\|/);
        expect(sentence, name).not.toMatch(/(?:^|\. )[-*•] /);
      }
      for (const claim of result.claims)
        expect(cleaned.text.slice(claim.start ?? 0, claim.end ?? 0)).toBe(claim.evidence);
      expect(result.claims.map((c) => c.text)).toContain('The ministry will buy wheat at 850,000 dinars a tonne.');
    }
  });
});

describe('mostly valid UTF-8', () => {
  it('decodes a few bad bytes as replacement characters, not the whole text as windows-1252', () => {
    const good = Buffer.from(
      'The council’s budget — approved on Tuesday — will fund “14 schools” and 450 teachers, the governor’s office said. '.repeat(
        4,
      ),
    );
    // Two stray bytes, each between words (so no good character is cut).
    const [a, b] = [good.indexOf(0x20, 100), good.indexOf(0x20, 300)];
    const bytes = Buffer.concat([
      good.subarray(0, a),
      Buffer.from([0x92]),
      good.subarray(a, b),
      Buffer.from([0xff]),
      good.subarray(b),
    ]);
    const result = cleanDocument(bytes, { name: 'a.txt' });
    expect(result).toMatchObject({ encoding: 'utf-8', language: 'en' });
    expect(result.text).toContain('The council’s budget — approved on Tuesday');
    expect(result.text).not.toMatch(/â€/);
    expect([...result.text.matchAll(/\uFFFD/g)].length).toBe(2);
    // A legacy file with no valid UTF-8 in it is still read as its legacy encoding.
    const legacy = Buffer.from(
      'Caf\xe9 au lait co\xfbte 3 euros \xe0 Paris, dit le g\xe9rant du caf\xe9.'.repeat(3),
      'latin1',
    );
    expect(cleanDocument(legacy, { name: 'b.txt' }).text).toContain('Café au lait coûte');
  });
});

describe('a paste whose byline sits right under its title', () => {
  it('keeps the byline apart from the title, not joined to it as a wrapped line', () => {
    const paste =
      'Basra reopens its corniche after two years of works\nBy Huda Kareem\n\n' +
      "Basra's corniche on the Shatt al-Arab reopened to the public on Thursday after two years of works.";
    const result = cleanDocument(Buffer.from(paste), { name: 'a.txt' });
    expect(result.title).toBe('Basra reopens its corniche after two years of works');
    expect(result.byline).toBe('Huda Kareem');
    expect(result.text).toMatch(/^Basra's corniche/);
  });
});

describe('a page that builds its article with JavaScript', () => {
  it('reads the article it prints in <noscript> for readers without JavaScript', () => {
    const { text } = cleanDocument(page('noscript-article.html'), { name: 'a.html' });
    expect(text).toMatch(/^Over the past year the browser team/);
    expect(text.split('\n\n')).toHaveLength(3);
  });
});

describe('when Readability finds no article', () => {
  it('takes the element whose own paragraphs hold the most text, and nothing made of links', () => {
    const paragraph = (n: number) =>
      `<p>The council met for the ${n}th time this year and approved repairs to 14 schools, the mayor said on Tuesday evening.</p>`;
    const { document } = parseHTML(
      `<!doctype html><html><body><div id="nav">${'<p><a href="/x">A link to another story on this site</a></p>'.repeat(12)}</div><div id="story"><p>Intro.</p>${[1, 2, 3].map(paragraph).join('')}</div></body></html>`,
    );
    const found = densestContainer(document.body as never) as unknown as { id: string } | null;
    expect(found?.id).toBe('story');
    const { document: menu } = parseHTML(
      `<!doctype html><html><body>${'<p><a href="/x">A link to another story on this site</a></p>'.repeat(20)}</body></html>`,
    );
    expect(densestContainer(menu.body as never)).toBeNull();
  });
});

describe('what follows an article', () => {
  it('drops the headings of related posts, comments, picture credits and sources, in German too', () => {
    const { text } = cleanDocument(page('de-related-headings.html'), { name: 'a.html' });
    expect(text).toMatch(/^Die Stadt Kassel baut bis 2026/);
    expect(text).toMatch(/zwölf mehr als im Jahr davor\.$/);
    for (const line of ['Titelbild', 'Quelle', 'Das könnte Sie', 'Empfohlene', 'Schon gelesen', 'Kommentare']) {
      expect(text).not.toContain(line);
    }
  });

  it('drops English credit, contact, address, newsletter, affiliate and copyright lines, and keeps every paragraph of the story', () => {
    const { text, publishedAt } = cleanDocument(page('en-furniture.html'), { name: 'a.html' });
    expect(text.split('\n\n')).toEqual([
      expect.stringMatching(/^The port of Umm Qasr reopened its second container berth/),
      expect.stringMatching(/^Dredging crews removed 1\.2 million cubic metres/),
      expect.stringMatching(/^Traders in Basra said shipping lines/),
    ]);
    expect(publishedAt).toMatch(/^2019-11-19T08:38/);
  });

  it('keeps the welcome text of a page that is mostly a list of links, and still refuses a page of links alone', () => {
    const { text } = cleanDocument(page('de-blog-front-page.html'), { name: 'a.html' });
    expect(text).toMatch(/^Schön, dass Du diese Seite gefunden hast\./);
    expect(text).not.toContain('Hunderasse Nummer');
    const menu = `<!doctype html><html><body><ul>${'<li><a href="/x">A link to another story on this site</a></li>'.repeat(30)}</ul><p>Welcome!</p></body></html>`;
    expect(() => cleanDocument(Buffer.from(menu), { name: 'b.html' })).toThrow(/only links/);
  });
});
