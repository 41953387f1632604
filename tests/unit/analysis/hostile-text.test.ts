/**
 * Cleaned texts built to hurt the offline engine: the work it does on them
 * grows with their length, never with its square, and nothing overflows the
 * stack. Work is counted in characters handed to regular expressions, not
 * timed: the machine that runs the tests is busy.
 */
import { describe, expect, it } from 'vitest';
import { findSpeaker } from '../../../shared/analysis/claims.js';
import { quotations } from '../../../shared/analysis/quotes.js';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { summarize } from '../../../shared/analysis/summarize.js';

/** Characters handed to RegExp test and exec while `run` runs. */
function regexpCharsRead(run: () => void): number {
  let chars = 0;
  const count = (input: unknown) => {
    chars += String(input).length;
  };
  const realTest = RegExp.prototype.test;
  const realExec = RegExp.prototype.exec;
  RegExp.prototype.test = function (this: RegExp, input: string) {
    count(input);
    return realTest.call(this, input);
  };
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    count(input);
    return realExec.call(this, input);
  };
  try {
    run();
  } finally {
    RegExp.prototype.test = realTest;
    RegExp.prototype.exec = realExec;
  }
  return chars;
}

describe('a hostile text in the offline engine', () => {
  it('marks 300,000 opening marks left open on one line, without overflowing the stack', () => {
    // Prepare: a line of « that never close (600 KB, well inside the word limit's 1.6 MB).
    const text = `The council met. ${'« '.repeat(300_000)}`;
    // Act
    const found = quotations(text);
    // Assess: each is an unclosed mark (they were passed to one call as arguments, and overflowed the stack).
    expect(found.unclosed).toHaveLength(300_000);
    expect(found.spans).toHaveLength(0);
  });

  it('splits a sentence of thousands of abbreviations in work that grows with its length, not its square', () => {
    // Prepare: "Dr. " repeated is one sentence, joined at each of its abbreviations.
    const work = (n: number) => {
      let sentences = 0;
      const read = regexpCharsRead(() => {
        sentences = splitSentences('Dr. '.repeat(n), 'en').length;
      });
      return { sentences, read };
    };
    // Act
    const [half, whole] = [work(2_000), work(4_000)];
    // Assess: one sentence each; twice the text, about twice the reading (it was four times: the
    // whole sentence so far was read again at each joint).
    expect([half.sentences, whole.sentences]).toEqual([1, 1]);
    expect(whole.read / half.read).toBeLessThan(2.5);
  });
});

describe('a hostile sentence for the speaker patterns', () => {
  it('reads at most eight titles before a name, whatever the run of them (each place read all of it)', () => {
    // Prepare: 3,000 titles before a name.
    const sentence = `${'Dr. '.repeat(3_000)}Ali Saleh said the water would last.`;
    // Act
    const speaker = findSpeaker(sentence);
    // Assess: the name with the eight titles nearest it, not all 3,000.
    expect(speaker).toBe(`${'Dr. '.repeat(8)}Ali Saleh`);
  });

  it('still names a speaker with several titles', () => {
    expect(findSpeaker('Deputy Prime Minister Major General Dr. Ali Saleh said the water would last.')).toBe(
      'Deputy Prime Minister Major General Dr. Ali Saleh',
    );
  });
});

describe('a text of many short sentences', () => {
  it('makes one segmenter for them all, not one a sentence', () => {
    // Prepare: count the segmenters made while 2,000 one-word list items are summarised.
    const Real = Intl.Segmenter;
    const intl = Intl as { Segmenter: typeof Intl.Segmenter };
    let made = 0;
    intl.Segmenter = class extends Real {
      constructor(...args: ConstructorParameters<typeof Intl.Segmenter>) {
        super(...args);
        made++;
      }
    };
    try {
      // Act
      const summary = summarize('- a\n'.repeat(2_000), 'en');
      // Assess: at most one for words and one for sentences (each cost ICU 0.1 ms and memory outside the heap).
      expect(summary.bullets.length).toBeGreaterThan(0);
      expect(made).toBeLessThanOrEqual(2);
    } finally {
      intl.Segmenter = Real;
    }
  });
});
