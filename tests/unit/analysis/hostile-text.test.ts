/**
 * Cleaned texts built to hurt the offline engine: the work it does on them
 * grows with their length, never with its square, and nothing overflows the
 * stack. Work is counted in characters handed to regular expressions, not
 * timed: the machine that runs the tests is busy.
 */
import { describe, expect, it } from 'vitest';
import { findSpeaker } from '../../../shared/analysis/claims.js';
import { OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import { quotations } from '../../../shared/analysis/quotes.js';
import { MAX_SENTENCE_BYTES, splitSentences, wordTokens, wordTokensOf } from '../../../shared/analysis/sentences.js';
import { summarize } from '../../../shared/analysis/summarize.js';
import { failure } from '../../helpers/errors.js';

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

  it('segments the text into words once, not each sentence apart', () => {
    // Prepare: count the segmentations (each an iterator over a string) while 10,000 one-word list items are summarised.
    const realSegment = Intl.Segmenter.prototype.segment;
    let segmented = 0;
    Intl.Segmenter.prototype.segment = function (this: Intl.Segmenter, input: string) {
      segmented++;
      return realSegment.call(this, input);
    };
    try {
      // Act
      const summary = summarize('- a\n'.repeat(10_000), 'en');
      // Assess: one a window of 2 to 4 KB of the 40 KB, for sentences and for words (it was one more a sentence).
      expect(summary.bullets.length).toBeGreaterThan(0);
      expect(segmented).toBeLessThanOrEqual(2 * Math.ceil(40_000 / 2_048));
    } finally {
      Intl.Segmenter.prototype.segment = realSegment;
    }
  });

  it('gives each sentence the words it has alone, where sentences touch or a word crosses their edge too', () => {
    // Prepare: sentences apart, Chinese ones with no space between them, one glued to the next by a dot.
    const text =
      '- Kirkuk police opened 12 checkpoints.\n- Drones patrol at night.\n\n他说了。她也说了。\n\nThe end.Next one.';
    const sentences = splitSentences(text, 'en');
    // Act
    const together = wordTokensOf(text, sentences, 'en');
    // Assess
    expect(together).toEqual(sentences.map((s) => wordTokens(s.text, 'en')));
    expect(together[0]).toEqual(['kirkuk', 'police', 'opened', '12', 'checkpoints']);
  });
});

describe('a sentence past the bound a bullet or a claim has', () => {
  const analyze = (text: string) =>
    new OfflineEngine().analyze(
      { text, title: null, language: 'en', publishedAt: null, contentHash: 'h' },
      { targetLanguages: ['ar'] },
    );

  it('ends a text that is one such sentence NO_ARTICLE_TEXT, with nothing to store', async () => {
    // Prepare: "Dr. " × 100,000 is one 400 KB sentence within the word limit (it was one 400 KB bullet,
    // and the record past DynamoDB's 400 KB item once its claims or a translation joined it).
    const text = 'Dr. '.repeat(100_000);
    // Act
    const error = await failure(analyze(text));
    // Assess
    expect(error).toMatchObject({ code: 'NO_ARTICLE_TEXT', permanent: true });
  });

  it('takes the other sentences of the article for its bullets and claims', async () => {
    // Prepare: an article whose first sentence, full of figures, runs on for 2,000 words (16 KB).
    const long = `The ministry said 14 schools and 2,300 homes in Basra lost water on 3 March ${'and the next day '.repeat(500)}again.`;
    const prose = [
      'The council approved 14 new schools on Monday, the mayor said, and work starts in March.',
      'Officials said the budget of 25 billion dinars would cover the first six of them this year.',
      'Residents of the southern districts have waited for new classrooms since the floods of 2019.',
      'The education ministry said 3,000 pupils now study in shifts in buildings meant for half as many.',
    ].join(' ');
    const text = `${long}\n\n${prose}\n\n${prose}`;
    // Act
    const result = await analyze(text);
    // Assess: bullets and claims from the bounded sentences; the long one is none of them.
    expect(result.summary.bullets.length).toBeGreaterThanOrEqual(3);
    expect(result.claims.length).toBeGreaterThan(0);
    const stored = [result.summary.headline, result.summary.short, ...result.summary.bullets];
    stored.push(...result.claims.flatMap((c) => [c.text, c.evidence ?? '']));
    expect(stored.filter((field) => field.includes('and the next day and the next day'))).toEqual([]);
    for (const field of stored) expect(Buffer.byteLength(field)).toBeLessThanOrEqual(MAX_SENTENCE_BYTES);
  });
});
