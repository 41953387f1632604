/**
 * A news article of any length, the same every time: paragraphs of
 * reported speech, figures, dates and named people and places, so that each
 * stage (cleaning, the offline engine, chunking) does on it what it does on
 * real news. Used to see how a stage's time grows with the article's length.
 */

import { seeded } from './random.js';

const PEOPLE = ['Maria Okafor', 'Jonas Berg', 'Aisha Rahman', 'Tomás Vidal', 'Li Wei', 'Sarah Cohen', 'Ahmed Saleh'];
const ROLES = ['the finance minister', 'a city official', 'the company’s chief executive', 'a union leader'];
const PLACES = ['Lagos', 'Bergen', 'Dhaka', 'Valencia', 'Chengdu', 'Haifa', 'Basra', 'Ottawa'];
const THINGS = ['the budget', 'the new port', 'the water plan', 'the rail line', 'the wage deal', 'the clinic network'];
const VERBS = ['approved', 'delayed', 'questioned', 'expanded', 'cut', 'reviewed', 'defended'];
const MONTHS = ['January', 'March', 'May', 'July', 'September', 'November'];

export interface LongArticle {
  title: string;
  /** Paragraphs separated by blank lines. */
  text: string;
  /** The same article as a web page, with a menu and a footer around it. */
  html: string;
  words: number;
}

export function longArticle(words: number, seed = 7): LongArticle {
  const next = seeded(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const sentence = (): string => {
    const n = Math.floor(next() * 5);
    const figure = `${Math.floor(next() * 900) + 10}`;
    switch (n) {
      case 0:
        return `${pick(PEOPLE)}, ${pick(ROLES)}, said on ${pick(MONTHS)} ${Math.floor(next() * 27) + 1} that ${pick(THINGS)} would cost ${figure} million dollars.`;
      case 1:
        return `“We have ${pick(VERBS)} ${pick(THINGS)} because the people of ${pick(PLACES)} asked for it,” ${pick(PEOPLE)} told reporters.`;
      case 2:
        return `Officials in ${pick(PLACES)} ${pick(VERBS)} ${pick(THINGS)} after ${figure} residents signed a petition.`;
      case 3:
        return `The number of workers on ${pick(THINGS)} rose by ${Math.floor(next() * 40) + 2} percent last year, according to figures from ${pick(PLACES)}.`;
      default:
        return `Critics say ${pick(THINGS)} leaves ${pick(PLACES)} behind, and they plan to raise it again next month.`;
    }
  };
  const paragraphs: string[] = [];
  let count = 0;
  while (count < words) {
    const sentences: string[] = [];
    const size = 2 + Math.floor(next() * 4);
    for (let i = 0; i < size && count < words; i++) {
      const s = sentence();
      sentences.push(s);
      count += s.split(/\s+/).length;
    }
    paragraphs.push(sentences.join(' '));
  }
  const title = `${pick(PLACES)} ${pick(VERBS)} ${pick(THINGS)} as costs grow`;
  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title><meta property="og:site_name" content="The Daily Record"></head><body>`,
    '<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li></ul></nav>',
    `<main><article><h1>${escapeHtml(title)}</h1><p class="byline">By ${PEOPLE[0]}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</article></main><footer><p>© The Daily Record. All rights reserved.</p></footer></body></html>',
  ].join('\n');
  return { title, text: paragraphs.join('\n\n'), html, words: count };
}
