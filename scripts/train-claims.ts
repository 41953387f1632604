/**
 * `npm run train:claims`: trains the check-worthiness models on all of
 * ClaimBuster's labelled sentences and writes their weights (checked in):
 * the English words model to shared/analysis/checkworthiness-weights.json,
 * the word classes model for other languages to
 * shared/analysis/checkworthiness-concepts-weights.json. Skips, saying why,
 * without ../shared/eval-data.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { claimBusterFile, conceptFeatures, readClaimBuster, train } from './lib/claims-model.js';

const OUT = new URL('../shared/analysis/checkworthiness-weights.json', import.meta.url);
const OUT_CLASSES = new URL('../shared/analysis/checkworthiness-concepts-weights.json', import.meta.url);

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const FILE = claimBusterFile(values.data);
if (!existsSync(FILE)) {
  console.log(`Skipped: ${FILE} is absent (the evaluation data sits beside the project, in ../shared/eval-data).`);
  process.exit(0);
}
const data = readClaimBuster(FILE);
const model = train(data);
writeFileSync(OUT, `${JSON.stringify(model)}\n`);
const size = Buffer.byteLength(JSON.stringify(model));
console.log(
  `Trained on ${data.length} sentences (${data.filter((d) => d.label === 1).length} check-worthy): ${Object.keys(model.weights).length} weights, ${Math.round(size / 1024)} KB, threshold ${model.threshold}. Wrote ${OUT.pathname}.`,
);
const classes = train(data, 7, conceptFeatures);
writeFileSync(OUT_CLASSES, `${JSON.stringify(classes, null, 2)}\n`);
console.log(
  `Word classes model: ${Object.keys(classes.weights).length} weights, threshold ${classes.threshold}. Wrote ${OUT_CLASSES.pathname}.`,
);
