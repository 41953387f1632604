import { figures } from '../../shared/analysis/checks/numbers.js';

/**
 * Variants of a cleaned article, as syndication makes them and as it does
 * not: the same story republished (another byline, dateline and page
 * furniture; one paragraph rewritten) must reuse the original's analysis;
 * a story with one figure changed, or another story, must never.
 */

const BYLINES = ['By Staff Reporter', 'By Our Correspondent, Wire Service', 'From wire reports', 'By News Desk'];
const FOOTERS = [
  'Copyright 2026. All rights reserved.\nThis material may not be published, broadcast, rewritten or redistributed.',
  'Share this article: Facebook, X, WhatsApp, Email. Sign up for our morning newsletter.',
  'Additional reporting by the wire service. Editing by the news desk.',
  'Read more: the latest news from the region, every morning in your inbox.',
];

const paragraphsOf = (text: string) => text.split(/\n{2,}/);

/** The same story under another byline and dateline, with another outlet's footer. */
export function refurnished(text: string, i: number): string {
  return `${BYLINES[i % BYLINES.length]}\n\nUpdated ${1 + (i % 12)}:${10 + (i % 50)} GMT\n\n${text}\n\n${FOOTERS[i % FOOTERS.length]}`;
}

/**
 * The same story with one paragraph rewritten: one without figures, nearest
 * the middle. A text in fewer than four paragraphs (a wire text in one
 * block) has a sentence rewritten instead.
 */
export function oneParagraphChanged(text: string): string | null {
  const paragraphs = paragraphsOf(text);
  const [units, separator] = paragraphs.length >= 4 ? [paragraphs, '\n\n'] : [text.split(/(?<=[.!?])\s+/), ' '];
  if (units.length < 4) return null;
  const middle = Math.floor(units.length / 2);
  const order = [...units.keys()].sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  const at = order.find((k) => k > 0 && figures(units[k] as string).length === 0);
  if (at === undefined) return null;
  units[at] =
    'Officials did not respond to requests for comment before publication, and the agency declined to say when it would say more.';
  return units.join(separator);
}

/** The same story with one figure changed (the first one stated, raised by one). */
export function oneFigureChanged(text: string): string | null {
  const match = /\d+/.exec(text);
  if (!match) return null;
  const changed = String(Number(match[0]) + 1);
  return text.slice(0, match.index) + changed + text.slice(match.index + match[0].length);
}
