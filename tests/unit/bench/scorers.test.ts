import { describe, expect, it } from 'vitest';
import { rouge, rougeTokens } from '../../../bench/lib/rouge.js';
import { scorePage, summarise } from '../../../bench/lib/shingles.js';

// Expected values are worked out by hand in the comments, not taken from the code.

describe('ROUGE (the scorer behind npm run eval:summary)', () => {
  it('counts unigram, bigram and longest-common-subsequence overlap as F1', () => {
    // the cat sat on the mat / the cat lay on the mat: 5 of 6 unigrams shared (the×2, cat, on, mat);
    // bigrams: the cat, on the, the mat of 5; LCS "the cat on the mat" is 5 of 6.
    const scores = rouge('The cat sat on the mat.', 'the cat lay on the mat');
    expect(scores.rouge1).toBeCloseTo(5 / 6, 10);
    expect(scores.rouge2).toBeCloseTo(3 / 5, 10);
    expect(scores.rougeL).toBeCloseTo(5 / 6, 10);
  });

  it('stems, lower-cases and drops punctuation as rouge-score does', () => {
    expect(rougeTokens('Officials REPORTED: U.S. troops')).toEqual(['offici', 'report', 'u', 's', 'troop']);
    expect(rouge('officials reported', 'Official reports').rouge1).toBe(1);
  });

  it('scores an empty or unrelated prediction 0', () => {
    expect(rouge('', 'the reference').rouge1).toBe(0);
    expect(rouge('entirely different words', 'the reference text').rougeL).toBe(0);
  });

  it('uses precision and recall of different sizes', () => {
    // prediction "a b" (2 tokens) inside reference "a b c d" (4 tokens): P = 1, R = 1/2, F1 = 2/3.
    expect(rouge('alpha beta', 'alpha beta gamma delta').rouge1).toBeCloseTo(2 / 3, 10);
  });
});

describe('4-token shingles (the scorer behind npm run eval:extraction)', () => {
  it('scores an exact extraction 1 and 1', () => {
    expect(scorePage('one two three four five', 'one two three four five')).toEqual({ precision: 1, recall: 1 });
  });

  it('counts a changed last word as one shingle wrong each way', () => {
    // truth: [one two three four], [two three four five]; prediction: [one two three four], [two three four six].
    expect(scorePage('one two three four five', 'one two three four six')).toEqual({ precision: 0.5, recall: 0.5 });
  });

  it('counts extra text against precision only', () => {
    // 3 predicted shingles, 1 of them true; the 1 true shingle is found.
    expect(scorePage('one two three four', 'one two three four five six')).toEqual({ precision: 1 / 3, recall: 1 });
  });

  it('treats a text shorter than a shingle as one shingle, and nothing extracted as 0', () => {
    expect(scorePage('one two', 'one two')).toEqual({ precision: 1, recall: 1 });
    expect(scorePage('one two', '')).toEqual({ precision: 0, recall: 0 });
  });

  it('averages precision and recall over pages before taking their harmonic mean', () => {
    // P = (1 + 0.5) / 2 = 0.75, R = (1 + 0.25) / 2 = 0.625, F1 = 2·0.75·0.625 / 1.375.
    const total = summarise([
      { precision: 1, recall: 1 },
      { precision: 0.5, recall: 0.25 },
    ]);
    expect(total.precision).toBe(0.75);
    expect(total.recall).toBe(0.625);
    expect(total.f1).toBeCloseTo(0.9375 / 1.375, 12);
  });
});
