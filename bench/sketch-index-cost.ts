/**
 * What the near-copy index costs an article against the local DynamoDB
 * (client and emulator together, this process's CPU): its look-up (one
 * BatchGetItem) and its add (one UpdateItem a band), for the bench's
 * 700-word articles (bench/lib/long-article.ts, new seeds each round), under
 * the bands as they are (shared/analysis/sketch.ts) and under another
 * banding of the same sketches, in turns so that a busy machine falls on
 * both. The entries are kept in memory: only the table's requests are timed,
 * and the candidates read (what the look-up judged near enough to read) are
 * counted.
 *
 *   npx tsx bench/sketch-index-cost.ts [--bands 16 --rows 4] [--articles 60] [--rounds 6]
 */
import '../local/process-env.js';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { documentClient } from '../lambdas/runtime.js';
import type { SyndicationEntry } from '../shared/analysis/ports.js';
import { BANDS, bandKeys, ROWS, type Sketch, sketchOf } from '../shared/analysis/sketch.js';
import { SYNDICATION_THRESHOLD } from '../shared/analysis/syndication.js';
import type { BlobStore } from '../shared/ports.js';
import { DynamoSketchIndex } from '../shared/storage/dynamo-sketch-index.js';
import { startLocalTable } from '../tests/helpers/local-table.js';
import { longArticle } from './lib/long-article.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    bands: { type: 'string', default: '16' },
    rows: { type: 'string', default: '4' },
    articles: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '6' },
  },
});
const other = { bands: Number(values.bands), rows: Number(values.rows) };
const articles = Number(values.articles);
const rounds = Number(values.rounds);
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const TABLE = 'precis-articles';
const table = await startLocalTable(TABLE, 'precis-sketch-cost-');
const objects = new Map<string, Uint8Array>();
let reads = 0;
const blobs: BlobStore = {
  async get(_bucket, key) {
    reads++;
    const body = objects.get(key);
    if (!body) throw new Error(`no object ${key}`);
    return body;
  },
  async put(_bucket, key, body) {
    objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  },
  async *list() {},
};
const index = new DynamoSketchIndex(documentClient(table.client), TABLE, blobs, 'b', { retentionDays: 90 });
const otherKeys = (sketch: Sketch, scope: string) =>
  Array.from({ length: other.bands }, (_, band) =>
    createHash('sha256')
      .update(`${scope}\n${band}\n${sketch.slice(band * other.rows, (band + 1) * other.rows).join(',')}`)
      .digest('hex')
      .slice(0, 32),
  );
const variants = [
  { name: `${BANDS}×${ROWS}`, keys: bandKeys },
  { name: `${other.bands}×${other.rows}`, keys: otherKeys },
];
const cpu: Record<string, number[]> = {};
const candidateReads: Record<string, number> = {};
let seed = 1000;
for (let round = -1; round < rounds; round++) {
  for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
    // Each round its own articles and scope, so every round indexes into bands of its own as a new stack would.
    const texts = Array.from({ length: articles }, () => longArticle(700, seed++).text);
    const scope = `round-${round}-${variant.name}`;
    reads = 0;
    const start = process.cpuUsage();
    for (const text of texts) {
      const sketch = sketchOf(text);
      const bands = variant.keys(sketch, scope);
      await index.candidates(bands, { sketch, threshold: SYNDICATION_THRESHOLD });
      const hash = createHash('sha256').update(text).digest('hex');
      await index.add(bands, { contentHash: hash, sketch } as unknown as SyndicationEntry);
    }
    const used = process.cpuUsage(start);
    // The first round warms the code up.
    if (round < 0) continue;
    cpu[variant.name] = [...(cpu[variant.name] ?? []), (used.user + used.system) / 1000 / articles];
    candidateReads[variant.name] = (candidateReads[variant.name] ?? 0) + reads;
  }
}
for (const { name } of variants) {
  const ms = cpu[name] ?? [];
  console.log(
    `${name}: ${median(ms).toFixed(1)} ms of CPU an article (rounds ${ms.map((m) => m.toFixed(1)).join(', ')}), ${((candidateReads[name] ?? 0) / (rounds * articles)).toFixed(2)} candidates read an article`,
  );
}
await table.close();
