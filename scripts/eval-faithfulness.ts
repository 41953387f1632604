/**
 * The summary verifier on FRANK's human factuality judgements of 500 system
 * summaries of CNN/DailyMail articles: precision and recall at flagging the
 * summaries people found unfaithful (factuality < 1), with the anchors
 * computed in the same run. The articles are split by a hash of their id:
 * about 60 % tune the thresholds (a grid, the best recall at precision ≥ 0.85
 * there), and the other 40 %, never looked at for that choice, report.
 *
 *   npm run eval:faithfulness [-- --data DIR]
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { unsupportedFigures } from '../shared/analysis/checks/numbers.js';
import { DEFAULT_VERIFY, type VerifyOptions, verifySummary } from '../shared/analysis/checks/verify.js';

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const dir = values.data ?? resolve(import.meta.dirname, '../../shared/eval-data/summarization');
const judgements = resolve(dir, 'frank-cnndm-dev.jsonl');
const articlesFile = resolve(dir, 'cnndm-dev.jsonl');
if (!existsSync(judgements) || !existsSync(articlesFile)) {
  console.log(
    `Skipped: ${dir} has no frank-cnndm-dev.jsonl and cnndm-dev.jsonl (the evaluation data sits beside the project, in ../shared/eval-data).`,
  );
  process.exit(0);
}

const read = <T>(path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
// FRANK's summaries are lower-cased and tokenised; the article is read the same way.
const articles = new Map(
  read<{ id: string; article: string }>(articlesFile).map((a) => [a.id, a.article.toLowerCase()]),
);
const rows = read<{ article_id: string; summary: string; factuality: number }>(judgements).filter((r) =>
  articles.has(r.article_id),
);
const heldOut = (id: string) => (createHash('sha256').update(id).digest()[0] as number) < 102;
const tune = rows.filter((r) => !heldOut(r.article_id));
const report = rows.filter((r) => heldOut(r.article_id));

type Flag = (article: string, summary: string) => boolean;
function score(set: typeof rows, flag: Flag) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of set) {
    const flagged = flag(articles.get(r.article_id) ?? '', r.summary);
    const unfaithful = r.factuality < 1;
    if (flagged && unfaithful) tp++;
    else if (flagged) fp++;
    else if (unfaithful) fn++;
  }
  return { precision: tp / (tp + fp || 1), recall: tp / (tp + fn || 1), flagged: tp + fp };
}
const verifier =
  (options: VerifyOptions): Flag =>
  (article, summary) =>
    !verifySummary(article, summary, options).supported;

// The anchors of the data's README, measured here on the same rows.
const STOP =
  /^(?:a|an|the|and|or|of|to|in|on|at|for|with|by|is|was|are|were|be|has|have|had|it|its|he|she|they|his|her|their|that|this|as|from|said|s)$/;
const contentAbsent: Flag = (article, summary) => {
  const vocab = new Set(article.match(/[\p{L}\p{N}]+/gu) ?? []);
  const words = (summary.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.test(w));
  return words.length > 0 && words.filter((w) => !vocab.has(w)).length / words.length > 0.1;
};
const figureAbsent: Flag = (article, summary) => unsupportedFigures(summary, article).length > 0;

// The thresholds, chosen on the tuning part only.
const grid: VerifyOptions[] = [];
for (const maxAbsent of [0.1, 0.15, 0.2, 1]) {
  for (const maxNovelPairs of [0.2, 0.3, 0.4, 0.5, 0.6, 1]) grid.push({ maxAbsent, maxNovelPairs });
}
const tuned = grid
  .map((options) => ({ options, ...score(tune, verifier(options)) }))
  .filter((s) => s.precision >= 0.85)
  .sort((a, b) => b.recall - a.recall)[0];

const pct = (x: number) => x.toFixed(2);
const line = (name: string, s: ReturnType<typeof score>) =>
  console.log(`${name.padEnd(44)} P ${pct(s.precision)}  R ${pct(s.recall)}  (${s.flagged} flagged)`);
const unfaithful = (set: typeof rows) => set.filter((r) => r.factuality < 1).length;
console.log(
  `FRANK (CNN/DM): ${rows.length} summaries; tuning ${tune.length} (${unfaithful(tune)} unfaithful), held out ${report.length} (${unfaithful(report)} unfaithful)`,
);
console.log(
  `Thresholds chosen on the tuning part: ${JSON.stringify(tuned?.options)}; the shipped ones: ${JSON.stringify(DEFAULT_VERIFY)}\n`,
);
console.log('Held out (not used to choose):');
line('  precis verify', score(report, verifier(DEFAULT_VERIFY)));
line('  any figure absent from the article', score(report, figureAbsent));
line('  > 10 % of content words absent', score(report, contentAbsent));
console.log('All 500:');
line('  precis verify', score(rows, verifier(DEFAULT_VERIFY)));
line('  any figure absent from the article', score(rows, figureAbsent));
line('  > 10 % of content words absent', score(rows, contentAbsent));
