import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../shared/cleaning/index.js';

/** Sentences of an article, each long enough to be a paragraph on its own. */
const ARTICLE = [
  'The city council voted on Tuesday to close the old bridge to cars from the first of March, after engineers found that two of its supports had cracked during the winter floods.',
  'Buses will cross the river on a temporary lane that the army is building beside the bridge, and the council says the work should be finished within six weeks if the weather holds.',
  'Shop owners on both banks told the meeting that they feared losing customers for the whole spring, and asked the council to waive their market fees until the bridge opens again.',
  'The mayor said that the council would look at the request at its next meeting, and that a new bridge would be designed this year with money the government set aside in the budget.',
];

/** An article long enough that precis reads it on its own, without asking Readability. */
const LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].flatMap((day) =>
  ARTICLE.map((p) => `On ${day}: ${p}`),
);
const body = LONG.map((p) => `<p>${p}</p>`).join('\n');

/** Readers' comments: prose too, and longer than the article. */
const COMMENTS = Array.from(
  { length: 24 },
  (_, i) =>
    `Reader ${i + 1} wrote that they have been crossing that bridge every morning for years and that it is about time somebody in the town hall looked at the state of the thing before it falls into the river with all of us on it.`,
);

const cleaned = (html: string) => cleanDocument(Buffer.from(html), { name: 'page.html' }).text;

describe('precis’s own reading of a page', () => {
  it('leaves out a comments section even when it holds more text than the article', () => {
    const html = `<!doctype html><html><head><title>Bridge to close</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="page"><h1>Bridge to close for repairs</h1>
<div class="story">${body}</div>
<section id="comments" class="comments-area"><h2>8 comments</h2>
<ol>${COMMENTS.map((c, i) => `<li><span>reader${i}</span><p>${c}</p><a href="#reply">Reply</a></li>`).join('\n')}</ol>
</section></div>
<footer>© 2025 The Town Paper</footer></body></html>`;

    const text = cleaned(html);

    for (const p of LONG) expect(text).toContain(p);
    expect(text).not.toContain('Reader 1 wrote');
  });

  it('ends the article where Readability’s ends when it runs on into unnamed comments longer than itself', () => {
    const sections = Array.from(
      { length: 40 },
      (_, i) => `<li><a href="/s${i}">Section number ${i + 1} of the paper</a></li>`,
    );
    const html = `<!doctype html><html><head><title>Bridge to close</title></head><body>
<ul class="top">${sections.join('')}</ul>
<div class="wrap"><article><h1>Bridge to close for repairs</h1><div class="story">${body}</div></article>
<div class="c-list"><h3>Your say</h3>${COMMENTS.map((c, i) => `<div class="c-item"><b>reader${i}</b> <span>2 days ago</span><p>${c}</p><a href="#r${i}">Reply</a></div>`).join('\n')}</div>
</div></body></html>`;

    const text = cleaned(html);

    for (const p of LONG) expect(text).toContain(p);
    expect(text).not.toContain('Reader 1 wrote');
  });

  it('keeps an article whose wrapper is named after its comments when it holds the page’s heading', () => {
    const html = `<!doctype html><html><head><title>Bridge to close</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="post has-comments"><h1>Bridge to close for repairs</h1>${body}</div>
<footer>© 2025 The Town Paper</footer></body></html>`;

    const text = cleaned(html);

    for (const p of LONG) expect(text).toContain(p);
  });

  it('does not take the whole page for a notice printed straight in the body', () => {
    const notice =
      'We use cookies to give you the best experience on our website, and by continuing to read you agree that we may store them on your device for the purposes described in our policy, which you can read in full on the page about your privacy and the choices you have.';
    const links = Array.from({ length: 12 }, (_, i) => `<li><a href="/t${i}">Concert tickets, town ${i + 1}</a></li>`);
    const teasers = Array.from(
      { length: 4 },
      (_, i) =>
        `<div class="box"><p>Other story ${i + 1}: the regional orchestra announced that it will tour the northern towns this summer, with twelve concerts in churches and market halls that have not heard a symphony in decades.</p><ul>${links.join('')}</ul></div>`,
    ).join('\n');
    const html = `<!doctype html><html><head><title>Bridge to close</title></head><body>
<div class="main"><h1>Bridge to close for repairs</h1>${body}</div>
<ul>${links.join('')}</ul>
<div class="more">${teasers}</div>
${notice}
</body></html>`;

    const text = cleaned(html);

    for (const p of LONG) expect(text).toContain(p);
    expect(text).not.toContain('regional orchestra');
    expect(text).not.toContain('We use cookies');
  });

  it('keeps the lead a page names as one, printed above the article past its byline and a photo credit', () => {
    const lead =
      'Engineers found cracks in two supports of the old bridge after the winter floods, and the council now wants it closed to cars before the spring market opens.';
    const html = `<!doctype html><html><head><title>Bridge to close</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<header><h1>Bridge to close for repairs</h1><div class="intro"><p>${lead}</p></div>
<div class="byline"><a href="/staff/jane">By Jane Roe</a> · 4 March 2025, 08:15</div></header>
<div class="photo-credit">Photo: Town Paper archive / Jane Roe</div>
<div class="story">${body}</div>
<footer>© 2025 The Town Paper</footer></body></html>`;

    const text = cleaned(html);

    expect(text.startsWith(lead)).toBe(true);
    for (const p of LONG) expect(text).toContain(p);
    expect(text).not.toContain('By Jane Roe');
  });

  it('leaves out an author’s box that names its text as a body, beside the article’s own named body', () => {
    const bio =
      'Jane Roe studied politics and economics in the capital and has written about the town and its council for the paper since she came back from her years abroad as a correspondent in the south.';
    const html = `<!doctype html><html><head><title>Bridge to close</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div id="primary" class="main-content">
<article class="post tag-bridges"><h1>Bridge to close for repairs</h1><div class="entry-content">${body}</div></article>
<section class="author-box"><h4>Jane Roe</h4><div class="entry-content"><p>${bio}</p></div></section>
</div>
<footer>© 2025 The Town Paper</footer></body></html>`;

    const text = cleaned(html);

    for (const p of LONG) expect(text).toContain(p);
    expect(text).not.toContain('Jane Roe studied');
  });
});

describe('Readability’s reading of a page', () => {
  /** Finnish, whose function words precis's block classes do not know: its own reading finds no article, Readability's does. */
  const FINNISH = [
    'Kaupunginvaltuusto päätti tiistaina sulkea vanhan sillan autoilta maaliskuun alusta, koska insinöörit löysivät halkeamia kahdesta sen tukipilarista talven tulvien jälkeen.',
    'Bussit kulkevat joen yli väliaikaista kaistaa pitkin, jota armeija rakentaa sillan viereen, ja valtuuston mukaan työ valmistuu kuudessa viikossa, jos sää sallii.',
    'Kauppiaat molemmilta rannoilta kertoivat kokouksessa pelkäävänsä asiakkaiden katoavan koko kevääksi ja pyysivät valtuustoa luopumaan torimaksuista siihen asti.',
    'Pormestari sanoi valtuuston käsittelevän pyynnön seuraavassa kokouksessaan ja lupasi, että uusi silta suunnitellaan vielä tänä vuonna valtion budjettirahoilla.',
  ];

  it('does not end on a label either', () => {
    const html = `<!doctype html><html><head><title>Silta suljetaan</title></head><body>
<div class="page"><h1>Silta suljetaan korjausten ajaksi</h1>
<div class="story">${FINNISH.map((p) => `<p>${p}</p>`).join('\n')}<p>Mainos</p></div></div>
</body></html>`;

    const text = cleaned(html);

    for (const p of FINNISH) expect(text).toContain(p);
    expect(text).not.toContain('Mainos');
  });
});
