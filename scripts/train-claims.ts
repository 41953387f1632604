/**
 * `npm run train:claims`: trains the check-worthiness model on all of
 * ClaimBuster's labelled sentences and writes its weights to
 * shared/analysis/checkworthiness-weights.json (checked in). Skips, saying
 * why, without ../shared/eval-data.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { claimBusterFile, readClaimBuster, train } from './lib/claims-model.js';

const OUT = new URL('../shared/analysis/checkworthiness-weights.json', import.meta.url);

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
