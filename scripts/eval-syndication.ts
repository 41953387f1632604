/**
 * How well near copies are told from other stories (shared/analysis/syndication.ts):
 *
 *   npm run eval:syndication [-- --limit 100]
 *
 * Each dev CNN/DM article (../shared/eval-data) is cleaned and analysed by
 * the offline engine (the reuse checks read only the text, the summary's
 * figures and the claims' evidence), then put beside variants of it
 * (tests/helpers/syndication-variants.ts): republished under another byline,
 * dateline and footer, and with one paragraph rewritten, which must reuse
 * its analysis; with one figure changed, and the most similar other dev
 * article (a different story, the nearest in topic), which never must. For
 * each threshold: the share of reuses that were right (precision) and of
 * the copies that were reused (recall).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { articleSupport } from '../shared/analysis/checks/grounding.js';
import { figures } from '../shared/analysis/checks/numbers.js';
import { OfflineEngine } from '../shared/analysis/offline-engine.js';
import type { SyndicationEntry } from '../shared/analysis/ports.js';
import { similarity, sketchOf } from '../shared/analysis/sketch.js';
import { reuseFor } from '../shared/analysis/syndication.js';
import { cleanDocument, loadLanguageModels } from '../shared/cleaning/index.js';
import { oneFigureChanged, oneParagraphChanged, refurnished } from '../tests/helpers/syndication-variants.js';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';

const { values } = parseArgs({
  options: { limit: { type: 'string', default: '100' }, 'write-docs': { type: 'boolean' } },
});
const CNNDM = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');
if (!existsSync(CNNDM)) {
  console.log(`${CNNDM} is not here: nothing to evaluate.`);
  process.exit(0);
}
const rows = readFileSync(CNNDM, 'utf8')
  .trim()
  .split('\n')
  .slice(0, Number(values.limit))
  .map((line) => JSON.parse(line) as { id: string; article: string });

await loadLanguageModels();
const engine = new OfflineEngine();
const originals: { text: string; language: string | null; entry: SyndicationEntry }[] = [];
for (const row of rows) {
  const input = cleanDocument(Buffer.from(row.article), { name: `${row.id}.txt` });
  const result = await engine.analyze(input, { targetLanguages: [] });
  originals.push({
    text: input.text,
    language: input.language,
    entry: {
      contentHash: createHash('sha256').update(input.text).digest('hex'),
      sketch: sketchOf(input.text),
      figures: figures(input.text).map((f) => f.text),
      language: input.language,
      publishedDay: null,
      result,
    },
  });
}

type Kind = 'refurnished' | 'paragraph' | 'figure' | 'other story';
const cases: { kind: Kind; copy: boolean; text: string; language: string | null; of: SyndicationEntry }[] = [];
originals.forEach(({ text, language, entry }, i) => {
  cases.push({ kind: 'refurnished', copy: true, text: refurnished(text, i), language, of: entry });
  const paragraph = oneParagraphChanged(text);
  if (paragraph) cases.push({ kind: 'paragraph', copy: true, text: paragraph, language, of: entry });
  const figure = oneFigureChanged(text);
  if (figure) cases.push({ kind: 'figure', copy: false, text: figure, language, of: entry });
  // The nearest other story: the hardest one to tell apart.
  const nearest = originals
    .filter((_, j) => j !== i)
    .map((o) => ({ o, score: similarity(entry.sketch, o.entry.sketch) }))
    .sort((a, b) => b.score - a.score)[0];
  if (nearest) {
    cases.push({ kind: 'other story', copy: false, text: nearest.o.text, language: nearest.o.language, of: entry });
  }
});
const scored = await Promise.all(
  cases.map(async (c) => {
    const input = { text: c.text, language: c.language, publishedAt: null };
    return { ...c, input, support: await articleSupport(input), score: similarity(sketchOf(c.text), c.of.sketch) };
  }),
);

console.log(`${originals.length} dev articles, ${cases.length} variants\n`);
const kinds: Kind[] = ['refurnished', 'paragraph', 'figure', 'other story'];
const thresholds: FigureTable = {
  head: ['threshold', 'precision', 'recall', ...kinds.map((k) => `${k} reused`)],
  rows: [],
};
for (let t = 0.3; t <= 0.951; t += 0.05) {
  const reused = scored.map((c) => ({
    ...c,
    reused: c.score >= t && reuseFor(c.input, c.of, c.score, c.support) !== null,
  }));
  const right = reused.filter((c) => c.reused && c.copy).length;
  const all = reused.filter((c) => c.reused).length;
  const copies = reused.filter((c) => c.copy).length;
  const share = (k: Kind) => {
    const of = reused.filter((c) => c.kind === k);
    return `${of.filter((c) => c.reused).length}/${of.length}`;
  };
  thresholds.rows.push([
    t.toFixed(2),
    all === 0 ? '—' : (right / all).toFixed(3),
    (right / copies).toFixed(3),
    ...kinds.map(share),
  ]);
}
console.log(markdownTable(thresholds));
const lowest = (k: Kind) => Math.min(...scored.filter((c) => c.kind === k).map((c) => c.score));
const highest = (k: Kind) => Math.max(...scored.filter((c) => c.kind === k).map((c) => c.score));
const similarities: FigureTable = {
  head: ['variant', 'should be reused', 'similarity, lowest', 'similarity, highest'],
  rows: kinds.map((k) => [
    k,
    k === 'refurnished' || k === 'paragraph' ? 'yes' : 'no',
    lowest(k).toFixed(3),
    highest(k).toFixed(3),
  ]),
};
console.log(`\n${markdownTable(similarities)}`);
if (values['write-docs']) {
  const limit = Number(values.limit);
  writeFiguresAndSay({
    name: 'eval-syndication',
    command: `npm run eval:syndication${limit === 100 ? '' : ` -- --limit ${limit}`}`,
    measured: measuredHere(),
    tables: { thresholds, similarities },
  });
}
