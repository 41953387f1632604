import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import {
  apart,
  cutAtAgreement,
  defaultChoice,
  type OwnReading,
  speaksOf,
  statedChoice,
  statedWords,
} from '../../../shared/cleaning/formats/agreement.js';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { pageMetadata } from '../../../shared/cleaning/page-metadata.js';

/** A short article about a bridge, as one reading of a page finds it. */
const BRIDGE = [
  'The city council voted on Tuesday to close the old river bridge to cars from March, after engineers found cracks in two of its supports.',
  'Buses will cross on a temporary lane beside the bridge while the supports are repaired, and the council expects the work to take six weeks.',
  'Shop owners on both banks asked the council to waive their market fees until the bridge opens again to traffic.',
];
/** What the page prints beside it: a rail of other stories, as the other reading finds it. */
const RAIL = [
  'Local football club signs a new goalkeeper from the second division for the rest of the season, the manager said on Monday.',
  'The annual flower show returns to the park in May with more growers than ever before and a new tent for the children.',
  'Weather: a cold week ahead with frost at night across the valley and a little snow on the hills by Thursday morning.',
];

const own = (paragraphs: string[]): OwnReading => {
  const chars = paragraphs.join('').replace(/\s+/g, '').length;
  return {
    paragraphs,
    chars,
    allChars: chars * 3,
    pageChars: chars,
    inDense: paragraphs.map(() => true),
    probabilities: paragraphs.map(() => Number.NaN),
  };
};

const STATED = 'Council closes the old river bridge to cars. Cracked supports: buses get a temporary lane.';

describe('the choice between two readings of different parts of a page', () => {
  it('tells readings of different parts from longer and shorter readings of one article', () => {
    expect(apart(BRIDGE, RAIL)).toBe(true);
    expect(apart(BRIDGE, [...BRIDGE.slice(0, 2), ...RAIL])).toBe(false);
  });

  it('takes the reading that speaks of what the page says it is about, whichever the rules would take', () => {
    // Short and untrusted, the own reading gives way to Readability's under the rules alone.
    expect(defaultChoice({ own: own(BRIDGE), theirs: RAIL, long: false })).toBeNull();
    expect(defaultChoice({ own: own(BRIDGE), theirs: RAIL, long: false, stated: STATED })).toEqual(BRIDGE);
    // And the other way round: the own reading is the rail, Readability's the article.
    expect(defaultChoice({ own: own(RAIL), theirs: BRIDGE, long: true, stated: STATED })).toBeNull();
    expect(defaultChoice({ own: own(RAIL), theirs: BRIDGE, long: true })).toEqual(RAIL);
  });

  it('leaves the choice to the rules when the readings share text or the page says too little of itself', () => {
    const overlapping = [...BRIDGE.slice(0, 2), ...RAIL];
    expect(statedChoice(RAIL, overlapping, statedWords(STATED))).toBeNull();
    // The site's name is printed all over the page: it says nothing of which reading is the article.
    expect(statedWords('The Valley Courier', 'The Valley Courier')).toBeNull();
    expect(statedWords('Bridge closes | The Valley Courier', 'The Valley Courier')).toBeNull();
    expect(
      statedChoice(BRIDGE, RAIL, statedWords('Bridge closes | The Valley Courier', 'The Valley Courier')),
    ).toBeNull();
    // A tie says nothing either.
    const words = statedWords('bridge council goalkeeper flower') as Set<string>;
    expect(speaksOf(words, BRIDGE)).toBe(speaksOf(words, RAIL));
    expect(statedChoice(BRIDGE, RAIL, words)).toBeNull();
  });

  it('reads what the page says it is about from its description meta tag, else its JSON-LD', () => {
    const meta = parseHTML(
      '<html><head><meta property="og:description" content="Cracked supports close the bridge"></head><body></body></html>',
    ).document;
    expect(pageMetadata(meta).description).toBe('Cracked supports close the bridge');
    const ld = parseHTML(
      `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'NewsArticle', description: 'Buses get a lane' })}</script></head><body></body></html>`,
    ).document;
    expect(pageMetadata(ld).description).toBe('Buses get a lane');
  });
});

describe('a page whose two readings are of different parts of it', () => {
  /** Short paragraphs, each followed by a gallery link: the block classes find too little prose in them. */
  const ARTICLE = [
    'The council voted to close the old river bridge to cars from March, after engineers found cracks in two of its supports.',
    'Buses will cross on a temporary lane beside the bridge, and the council expects the work to take about six weeks.',
    'Shop owners on both banks asked the council to waive their market fees, and the council said it would look at it.',
    'The mayor said the decision had not been easy, and that a new bridge would be designed this year with money from the budget.',
  ];
  /** Readers' letters in a box Readability scores down and the block classes do not: longer prose than the article. */
  const LETTERS = Array.from(
    { length: 9 },
    (_, i) =>
      `Reader ${i + 1} from the valley wrote in to tell us about the garden they have kept for years and the vegetables that grow in it in the spring and the summer when the weather is kind to them and the rain comes at the right time of the year`,
  );
  const page = (head: string) => `<!doctype html><html><head>${head}</head><body>
<div class="story">${ARTICLE.map((p, i) => `<p>${p}</p><p><a href="/gallery/${i}">Pictures of the bridge</a></p>`).join('\n')}</div>
<div class="shoutbox">${LETTERS.map((p) => `<p>${p}</p>`).join('\n')}</div>
</body></html>`;
  const cleaned = (html: string) => cleanDocument(Buffer.from(html), { name: 'page.html' }).text;

  it('takes the one about what the page’s title and description say', () => {
    const text = cleaned(
      page(
        '<title>Bridge to close</title><meta name="description" content="Cracked supports close the old river bridge to cars; buses get a temporary lane.">',
      ),
    );

    for (const p of ARTICLE) expect(text).toContain(p);
    expect(text).not.toContain('Reader 1 from the valley');
  });

  it('leaves the choice to the lengths when the page says nothing of itself', () => {
    // The letters are the longer reading by far: without a title to go by, the rules take them.
    const text = cleaned(page(''));

    expect(text).toContain(LETTERS[0]);
    expect(text).not.toContain(ARTICLE[0]);
  });
});

describe('the cut where a reading runs past Readability’s', () => {
  const ARTICLE = Array.from(
    { length: 12 },
    (_, i) =>
      `Paragraph ${i + 1} of the article: the council met again on the bridge and heard the engineers, the shop owners and the bus company, and it will decide in the spring what is to be done.`,
  );

  it('cuts what runs on past the last paragraph both readings keep', () => {
    const comments = Array.from(
      { length: 30 },
      (_, i) => `Comment ${i + 1}: the readers had a good deal to say about the bridge, the council and the buses.`,
    );
    expect(cutAtAgreement([...ARTICLE, ...comments], ARTICLE)).toEqual(ARTICLE);
  });

  it('is not made when it would leave less than an article: the readings agree on a lead, not on an end', () => {
    const lead = 'The bridge closes in March.';
    expect(cutAtAgreement([lead, ...ARTICLE], [lead, 'Pictures of the bridge'])).toEqual([lead, ...ARTICLE]);
  });
});
