import { describe, expect, it } from 'vitest';
import { type Labelled, prf, train } from '../../../scripts/lib/claims-model.js';
import { checkworthiness, checkworthyFrom, featuresOf } from '../../../shared/analysis/checkworthiness.js';
import { scoreSentences } from '../../../shared/analysis/claims.js';

/** The probability from which the model of English words calls a sentence check-worthy. */
const CHECKWORTHY = checkworthyFrom('en');

describe('the check-worthiness model', () => {
  it('scores sentences a fact-checker would check over small talk and opinion', () => {
    const checkable = [
      'Unemployment rose to 6.2 percent last year, the highest level since 2009.',
      'The city spent 3.2 billion dinars on 14 new schools in 2023.',
      'We have cut the deficit in half over the last four years.',
    ];
    const not = [
      'Good evening and thank you all for coming tonight.',
      'I think the people of this country deserve better than that.',
      'Let me finish, please.',
    ];
    for (const sentence of checkable) expect(checkworthiness(sentence), sentence).toBeGreaterThanOrEqual(CHECKWORTHY);
    for (const sentence of not) expect(checkworthiness(sentence), sentence).toBeLessThan(CHECKWORTHY);
    expect(CHECKWORTHY).toBeGreaterThan(0.2);
    expect(CHECKWORTHY).toBeLessThan(0.8);
  });

  it('gives every sentence a score with offsets into the text, in order', () => {
    const text = 'Thank you. Prices rose 12 percent in March.\n\nThat is all I will say.';
    const scored = scoreSentences(text, 'en');
    expect(scored.map((s) => text.slice(s.start, s.end))).toEqual(scored.map((s) => s.text));
    expect(scored).toHaveLength(3);
    expect(scored.map((s) => s.checkworthy)).toEqual([false, true, false]);
  });

  it('reads figures, years and word pairs as features', () => {
    expect(featuresOf('In 2019 we lost 700,000 jobs.')).toEqual(
      expect.arrayContaining(['w:<year>', 'w:<num>', 'b:lost <num>', 'f:digits', 'f:number', 'f:date']),
    );
  });

  it('reads figures, dates, sources and comparisons in Spanish and German, and ranks them over small talk', () => {
    const pairs = [
      [
        'El desempleo aumentó un 3 por ciento en marzo, según el instituto de estadística.',
        'Muchas gracias a todos por venir esta noche.',
      ],
      [
        'Die Arbeitslosigkeit ist im März um drei Prozent gestiegen, sagte die Ministerin am Montag.',
        'Vielen Dank, dass Sie heute Abend gekommen sind.',
      ],
    ] as const;
    for (const [claim, smallTalk] of pairs) {
      expect(featuresOf(claim)).toEqual(
        expect.arrayContaining(['f:number', 'f:measure', 'f:date', 'f:attribution', 'f:comparison']),
      );
      expect(featuresOf(smallTalk)).not.toEqual(expect.arrayContaining(['f:attribution']));
      expect(checkworthiness(claim), claim).toBeGreaterThan(checkworthiness(smallTalk));
      expect(checkworthiness(claim), claim).toBeGreaterThanOrEqual(CHECKWORTHY);
    }
  });

  it('trains the same model from the same data, and learns what separates the classes', () => {
    const data: Labelled[] = [];
    for (let i = 0; i < 60; i++) {
      data.push({ id: i, text: `Exports grew ${i + 3} percent in the quarter to ${i + 10} billion.`, label: 1 });
      data.push({
        id: 1000 + i,
        text: `Well, I appreciate the question and I hope you ${i % 2 ? 'agree' : 'see'}.`,
        label: 0,
      });
    }
    const first = train(data);
    expect(train(data)).toEqual(first);
    const guesses = data.map((d) => checkworthiness(d.text, { model: first }) >= first.threshold);
    expect(
      prf(
        guesses,
        data.map((d) => d.label),
      ).f1,
    ).toBe(1);
    expect(first.weights['w:percent']).toBeGreaterThan(0);
    expect(first.weights['w:appreciate']).toBeLessThan(0);
  });
});
