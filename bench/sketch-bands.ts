/**
 * How often the near-copy index's bands (shared/analysis/sketch.ts) make a
 * copy a candidate, against another banding of the same sketches:
 *
 *   npx tsx bench/sketch-bands.ts [--bands 16 --rows 4] [--limit 100]
 *
 * The dev CNN/DM articles (../shared/eval-data) are cleaned, and each is put
 * beside copies with a share of its sentences (5 to 40 %) swapped for
 * another article's, three a share: for each band of similarity (the whole
 * sketch's estimate, which the reuse is judged by), the share of copies
 * whose bands meet the original's, under the bands as they are and under
 * `--bands` × `--rows`; then the same for the syndication eval's
 * republished and rewritten copies, and the pairs of different articles.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BANDS,
  bandKeys,
  candidateChance,
  ROWS,
  type Sketch,
  similarity,
  sketchOf,
} from '../shared/analysis/sketch.js';
import { SYNDICATION_THRESHOLD } from '../shared/analysis/syndication.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { oneParagraphChanged, refurnished } from '../tests/helpers/syndication-variants.js';

const { values } = parseArgs({
  options: {
    bands: { type: 'string', default: '16' },
    rows: { type: 'string', default: '4' },
    limit: { type: 'string', default: '100' },
  },
});
const CNNDM = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');
if (!existsSync(CNNDM)) {
  console.log(`${CNNDM} is not here: nothing to measure.`);
  process.exit(0);
}
const other = { bands: Number(values.bands), rows: Number(values.rows) };
/** The other banding's keys, made as bandKeys makes them. */
const otherKeys = (sketch: Sketch) =>
  Array.from({ length: other.bands }, (_, band) =>
    createHash('sha256')
      .update(`scope\n${band}\n${sketch.slice(band * other.rows, (band + 1) * other.rows).join(',')}`)
      .digest('hex'),
  );
const meet = (keys: (s: Sketch) => string[], a: Sketch, b: Sketch) => {
  const of = new Set(keys(a));
  return keys(b).some((k) => of.has(k));
};
const ours = (s: Sketch) => bandKeys(s, 'scope');

await loadLanguageModels();
const texts = readFileSync(CNNDM, 'utf8')
  .trim()
  .split('\n')
  .slice(0, Number(values.limit))
  .map((line) => JSON.parse(line) as { id: string; article: string })
  .map((row) => cleanDocument(Buffer.from(row.article), { name: `${row.id}.txt` }).text);
const sketches = texts.map(sketchOf);

const bins = new Map<string, { copies: number; ours: number; other: number }>();
texts.forEach((text, i) => {
  const sentences = text.split(/(?<=[.!?])\s+/);
  const donor = (texts[(i + 37) % texts.length] as string).split(/(?<=[.!?])\s+/);
  for (const share of [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4]) {
    for (let seed = 0; seed < 3; seed++) {
      const copy = sentences.map((s, k) =>
        ((k * 7919 + seed * 104729 + i) % 1000) / 1000 < share ? (donor[k % donor.length] as string) : s,
      );
      const a = sketches[i] as Sketch;
      const b = sketchOf(copy.join(' '));
      const bin = (Math.floor(similarity(a, b) * 20) / 20).toFixed(2);
      const e = bins.get(bin) ?? { copies: 0, ours: 0, other: 0 };
      e.copies++;
      if (meet(ours, a, b)) e.ours++;
      if (meet(otherKeys, a, b)) e.other++;
      bins.set(bin, e);
    }
  }
});
const ratio = (n: number, of: number) => `${n}/${of} (${(n / of).toFixed(3)})`;
console.log(`similarity | copies | met by ${BANDS}×${ROWS} | met by ${other.bands}×${other.rows} | S-curve, both`);
for (const [bin, e] of [...bins].sort()) {
  const s = Number(bin) + 0.025;
  console.log(
    `${bin}–${(Number(bin) + 0.05).toFixed(2)} | ${e.copies} | ${ratio(e.ours, e.copies)} | ${ratio(e.other, e.copies)} | ${candidateChance(s).toFixed(3)}, ${candidateChance(s, other.bands, other.rows).toFixed(3)}`,
  );
}
const at = [...bins].filter(([bin]) => Number(bin) >= SYNDICATION_THRESHOLD).map(([, e]) => e);
const sum = (k: 'copies' | 'ours' | 'other') => at.reduce((n, e) => n + e[k], 0);
console.log(
  `at or above ${SYNDICATION_THRESHOLD}: ${ratio(sum('ours'), sum('copies'))} against ${ratio(sum('other'), sum('copies'))}`,
);
const variants = texts.flatMap((text, i) =>
  [refurnished(text, i), oneParagraphChanged(text)]
    .filter((c): c is string => c !== null)
    .map((c) => [sketches[i] as Sketch, sketchOf(c)] as const),
);
console.log(
  `the syndication eval's copies: ${ratio(variants.filter(([a, b]) => meet(ours, a, b)).length, variants.length)} against ${ratio(variants.filter(([a, b]) => meet(otherKeys, a, b)).length, variants.length)}`,
);
let pairs = 0;
let byOurs = 0;
let byOther = 0;
for (let i = 0; i < sketches.length; i++) {
  for (let j = i + 1; j < sketches.length; j++) {
    pairs++;
    if (meet(ours, sketches[i] as Sketch, sketches[j] as Sketch)) byOurs++;
    if (meet(otherKeys, sketches[i] as Sketch, sketches[j] as Sketch)) byOther++;
  }
}
console.log(`pairs of different articles made candidates: ${ratio(byOurs, pairs)} against ${ratio(byOther, pairs)}`);
