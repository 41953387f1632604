/**
 * `npm run eval:claims`: the check-worthiness model in 4-fold
 * cross-validation on ClaimBuster (each fold scored by a model trained on the
 * other three, its threshold chosen on those three), against two anchors
 * scored on the same folds: the rule "a sentence with a digit is
 * check-worthy", and the hand-weighted score precis used before the model.
 * The model for text other than English (word classes, no words) is scored
 * the same way, reading ClaimBuster's English through the English lists.
 * Goal: F1 ≥ 0.72 on the positive class, judged on the lower end of its 95 %
 * bootstrap interval over the sentences. Skips without ../shared/eval-data.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bootstrap, formatInterval } from '../bench/lib/cv.js';
import { seeded } from '../bench/lib/random.js';
import { featuresOf, probability, signals } from '../shared/analysis/checkworthiness.js';
import { claimBusterFile, conceptFeatures, prf, readClaimBuster, shuffle, train } from './lib/claims-model.js';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';

const FOLDS = 4;
const GOAL = 0.72;

const { values } = parseArgs({ options: { data: { type: 'string' }, 'write-docs': { type: 'boolean' } } });
const FILE = claimBusterFile(values.data);
if (!existsSync(FILE)) {
  console.log(`Skipped: ${FILE} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}

/** The score precis gave before the model: fixed weights on the patterns, 0.4 to count. */
function handWeighted(text: string): boolean {
  const s = signals(text);
  let score = 0;
  if (s.number) score += 0.3;
  if (s.measure) score += 0.15;
  if (s.attribution) score += 0.2;
  if (s.quote) score += 0.1;
  if (s.date) score += 0.1;
  if (s.entity) score += 0.1;
  if (s.words >= 8 && s.words <= 60) score += 0.05;
  return score >= 0.4;
}

const data = readClaimBuster(FILE);
// Stratified: each fold has its share of check-worthy sentences.
const random = seeded(2026);
const positives = shuffle(
  data.filter((d) => d.label === 1),
  random,
);
const negatives = shuffle(
  data.filter((d) => d.label === 0),
  random,
);
const fold = new Map<number, number>();
for (const [i, d] of [...positives, ...negatives].entries()) fold.set(d.id, i % FOLDS);

const predicted = {
  model: new Map<number, boolean>(),
  classes: new Map<number, boolean>(),
  digit: new Map<number, boolean>(),
  hand: new Map<number, boolean>(),
};
const perFold: string[] = [];
for (let k = 0; k < FOLDS; k++) {
  const trainSet = data.filter((d) => fold.get(d.id) !== k);
  const testSet = data.filter((d) => fold.get(d.id) === k);
  const model = train(trainSet);
  const guesses = testSet.map((d) => probability(model, featuresOf(d.text)) >= model.threshold);
  for (const [i, d] of testSet.entries()) predicted.model.set(d.id, guesses[i] as boolean);
  const { f1 } = prf(
    guesses,
    testSet.map((d) => d.label),
  );
  const classes = train(trainSet, 7, conceptFeatures);
  const byClasses = testSet.map((d) => probability(classes, conceptFeatures(d.text)) >= classes.threshold);
  for (const [i, d] of testSet.entries()) predicted.classes.set(d.id, byClasses[i] as boolean);
  const f1Classes = prf(
    byClasses,
    testSet.map((d) => d.label),
  ).f1;
  perFold.push(
    `fold ${k + 1}: F1 ${f1.toFixed(3)} (threshold ${model.threshold}, ${Object.keys(model.weights).length} weights); word classes ${f1Classes.toFixed(3)} (threshold ${classes.threshold})`,
  );
}
for (const d of data) {
  predicted.digit.set(d.id, /\p{Nd}/u.test(d.text));
  predicted.hand.set(d.id, handWeighted(d.text));
}

/** F1 over some sentences' guesses, and its 95 % bootstrap interval over the sentences. */
const f1Of = (p: Map<number, boolean>) =>
  bootstrap(
    data.map((d) => [{ guess: p.get(d.id) as boolean, label: d.label }]),
    (items) =>
      prf(
        items.map((i) => i.guess),
        items.map((i) => i.label),
      ).f1,
    { rounds: 1000 },
  );
const labels = data.map((d) => d.label);
const row = (name: string, p: Map<number, boolean>) => {
  const { precision, recall } = prf(
    data.map((d) => p.get(d.id) as boolean),
    labels,
  );
  return [name, precision.toFixed(3), recall.toFixed(3), formatInterval(f1Of(p), { digits: 3 })];
};
const model = f1Of(predicted.model);
const scorers: FigureTable = {
  head: [`scorer (ClaimBuster, ${FOLDS}-fold CV)`, 'precision', 'recall', 'F1 [95 % interval]'],
  rows: [
    row('precis model', predicted.model),
    row('precis model for other languages (word classes)', predicted.classes),
    row('a digit in the sentence', predicted.digit),
    row('hand-weighted patterns (precis before)', predicted.hand),
  ],
};
console.log(
  `ClaimBuster, ${data.length} sentences (${positives.length} check-worthy), ${FOLDS}-fold cross-validation:\n`,
);
console.log(markdownTable(scorers));
console.log(`\n${perFold.join('\n')}`);
console.log(
  model.low >= GOAL
    ? `\nGoal met: F1 ${model.value.toFixed(3)}, its interval's lower end ${model.low.toFixed(3)} ≥ ${GOAL}.`
    : `\nGoal missed: F1 ${model.value.toFixed(3)}, its interval's lower end ${model.low.toFixed(3)} < ${GOAL}.`,
);
if (values['write-docs'])
  writeFiguresAndSay({
    name: 'eval-claims',
    command: 'npm run eval:claims',
    measured: measuredHere(),
    tables: { scorers },
  });
