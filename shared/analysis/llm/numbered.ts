import { type Sentence, splitSentences, withinSentenceBound } from '../sentences.js';
import { estimateTokens } from './tokens.js';

/**
 * The article as the model reads it: each sentence with its number before
 * it (`[12] `), everything else (paragraph breaks, list markers, table rows)
 * as it is. The model points at evidence by these numbers and precis takes
 * the span and its offsets from its own sentences: the evidence is exact by
 * construction, and it is not paid for twice.
 */

/** The article's sentences, numbered from 1 in reading order. */
export interface NumberedArticle {
  text: string;
  sentences: Sentence[];
}

/** A stretch of the article, by character offsets: the whole of it, or one part of a long one. */
export interface TextRange {
  start: number;
  end: number;
}

export function numberArticle(text: string, language: string | null): NumberedArticle {
  return { text, sentences: splitSentences(text, language) };
}

export const sentenceMark = (n: number) => `[${n}] `;

/** The range of the article with each sentence that starts in it numbered. */
export function numberedText(article: NumberedArticle, range: TextRange): string {
  let out = '';
  let at = range.start;
  article.sentences.forEach((sentence, i) => {
    if (sentence.start < range.start || sentence.start >= range.end) return;
    out += article.text.slice(at, sentence.start) + sentenceMark(i + 1);
    at = sentence.start;
  });
  return out + article.text.slice(at, range.end);
}

/** Sentences (their numbers) a claim may cite at most: "the sentence or two that state it". */
export const MAX_EVIDENCE_SENTENCES = 3;

/**
 * The span of the article that sentence numbers point at: from the first
 * to the last, when they are real sentences no more than
 * MAX_EVIDENCE_SENTENCES apart and the span stays within
 * MAX_SENTENCE_BYTES; else from the first to the last that keeps it so.
 * Null when none of them is a sentence of the article within the bound.
 *
 * The span is the claim's evidence, copied into the record: a cited
 * "sentence" of 400 KB (a run of abbreviations or words with no full stop)
 * would take the record past DynamoDB's item limit. It is left out rather
 * than cut: the evidence stays the article's words verbatim (the reuse of a
 * syndicated copy and the reader's highlight find it by them), and a head cut
 * off such a run is not what states the claim. Real spans stay far below
 * (three sentences of the evaluation sets' longest are 3 KB).
 */
export function spanOf(article: NumberedArticle, numbers: readonly number[]): TextRange | null {
  const sentence = (n: number) => article.sentences[n - 1] as Sentence;
  const within = (from: Sentence, to: Sentence) => withinSentenceBound(article.text.slice(from.start, to.end));
  const valid = [...new Set(numbers)]
    .filter((n) => Number.isInteger(n) && n >= 1 && n <= article.sentences.length)
    .filter((n) => within(sentence(n), sentence(n)))
    .sort((a, b) => a - b);
  const first = valid[0];
  if (first === undefined) return null;
  const from = sentence(first);
  const last = valid.filter((n) => n - first < MAX_EVIDENCE_SENTENCES && within(from, sentence(n))).at(-1) ?? first;
  return { start: from.start, end: sentence(last).end };
}

/**
 * The range split into parts of at most `maxTokens` (as the model reads
 * them, numbers included), between paragraphs where it can and between
 * sentences where a paragraph is too long; a single sentence longer than
 * that stays whole. No text is left out: the parts follow one another. Each
 * sentence is counted once (the estimate is additive), so this is linear.
 */
export function splitRange(article: NumberedArticle, range: TextRange, maxTokens: number): TextRange[] {
  const inside = article.sentences
    .map((sentence, i) => ({ sentence, n: i + 1 }))
    .filter(({ sentence }) => sentence.start >= range.start && sentence.start < range.end);
  if (inside.length < 2) return [range];
  // Each sentence's stretch runs to the next one's start; the first takes what comes before it.
  const starts = inside.map(({ sentence }, k) => (k === 0 ? range.start : sentence.start));
  const ends = [...starts.slice(1), range.end];
  const sizes = inside.map(({ n }, k) =>
    estimateTokens(sentenceMark(n) + article.text.slice(starts[k] as number, ends[k] as number)),
  );
  if (sizes.reduce((a, b) => a + b, 0) <= maxTokens) return [range];
  const opensParagraph = (k: number) => inside[k]?.sentence.paragraph !== inside[k - 1]?.sentence.paragraph;
  const parts: TextRange[] = [];
  let first = 0;
  while (first < inside.length) {
    let size = 0;
    let next = first;
    let paragraph = -1;
    while (next < inside.length && (next === first || size + (sizes[next] as number) <= maxTokens)) {
      if (next > first && opensParagraph(next)) paragraph = next;
      size += sizes[next] as number;
      next++;
    }
    const cut = next < inside.length && paragraph > first ? paragraph : next;
    parts.push({ start: starts[first] as number, end: cut < inside.length ? (starts[cut] as number) : range.end });
    first = cut;
  }
  return parts;
}
