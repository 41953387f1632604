/**
 * The headline of the offline summary, and the clipping of a sentence to a
 * word budget that the short summary also uses.
 */
import { once } from '../lazily.js';
import { ellipsized } from '../truncate.js';
import { unicodePattern } from '../unicode-pattern.js';
import { OPENING_MARK, quotations } from './quotes.js';
import type { RankedSentence } from './summarize.js';

/** A sentence that opens with "and he said" or "said": the rest of a report, never a headline ("وقال…", "Añadió…"). */
const SAID_FIRST = once(() =>
  unicodePattern(
    String.raw`^(?:[وف](?:قال|أضاف|تابع|أوضح|أكد|أشار|لفت|بيّن|اعتبر)ت?(?!\p{L})|(?:añadió|agregó|dijo|aseguró|sagte|ajoute|a ajouté)(?!\p{L}))`,
    'iu',
  ),
);

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * "BASRA — ", "MOSUL, March 3 — ": a dateline, which a headline does without.
 * This and SAID_FIRST are built on first use: the analyze function imports
 * this module for `clip`, and makes an offline headline only when a
 * summary's figures are still wrong after its repair.
 */
const DATELINE = once(() =>
  unicodePattern(String.raw`^\p{Lu}{3,}(?:[ -]\p{Lu}{2,})*(?:,[^—–]{1,30})?\s+[—–-]{1,2}\s+`, 'u'),
);

/**
 * A headline that is a sentence, never a cut one, and one that stands
 * alone: no quotation, no sentence that leans on the one before or opens
 * with "and he said" ("وقال…"). The best such sentence if it is short
 * enough, else its main clause (up to its first comma or dash past eight
 * words) with a full stop, else the best short one among the next best.
 * Only when none of these is there is the best sentence clipped.
 */
export function headlineOf(byScore: RankedSentence[], maxWords = 30): string {
  const standalone = byScore.filter(
    (s) => !s.dependent && !s.partialQuote && !OPENING_MARK.test(s.text) && !SAID_FIRST().test(s.text),
  );
  const pool = standalone.length > 0 ? standalone : byScore;
  const top = pool[0] as RankedSentence;
  const bare = (s: RankedSentence) => s.text.replace(DATELINE(), '');
  const fits = (s: RankedSentence) => wordCount(bare(s)) <= maxWords;
  const text = bare(top);
  if (fits(top)) return text;
  const words = text.split(/\s+/);
  let offset = 0;
  for (const [i, word] of words.entries()) {
    offset += word.length + 1;
    if (i + 1 >= 8 && i + 1 <= maxWords && /[,;:]$|^[—–]$/u.test(word)) {
      const clause = text.slice(0, offset - 1).replace(/[\s,;:—–]+$/u, '');
      // Never a clause that ends inside a quotation.
      if (quotations(clause).unclosed.length === 0) return `${clause}.`;
    }
  }
  const whole = pool.slice(1, 3).find(fits);
  return whole ? bare(whole) : clip(text, maxWords);
}

/** Cuts a sentence to a word budget at a clause boundary if one is near, else at a word. */
export function clip(text: string, maxWords: number): string {
  const words = text.split(/\s+/);
  if (words.length <= maxWords) return text;
  const head = words.slice(0, maxWords).join(' ');
  const clause = head.search(/[,;:—–](?!.*[,;:—–])/u);
  const cut = clause > head.length * 0.5 ? head.slice(0, clause) : head;
  return ellipsized(cut.replace(/[\s,;:—–]+$/u, ''));
}
