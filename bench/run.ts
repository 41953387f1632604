/**
 * Where precis spends time, each figure next to an anchor measured in the
 * same run (timings on a shared machine drift; ratios do not):
 *
 *   npm run bench [-- --only cleaning,worker,scaling,starts,uploads] [--rounds 5] [--write-docs]
 *
 * cleaning: CPU per page on the extraction benchmark's 181 pages against
 * plain Readability on linkedom (skipped without ../shared/eval-data).
 * worker: wall time per page in the ingest function's warm cleaning worker
 * against in process, on the same pages.
 * scaling: time per word at 80k words against 5k, for cleaning, the offline
 * engine and chunking. starts: each function's bundle, built as CDK builds
 * it, imported in a fresh process against a spike bundle of the bare
 * clients; `precis --help` against `node -e 0`. uploads: 20 uploads at once
 * through the local stack with a zero-latency LLM.
 *
 * It reports and never fails on a missed goal: the table says which are met.
 */
// The local stack's settings, before anything loads the SDK or Powertools (as `npm start` has them).
import '../local/process-env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable, measuredHere, writeFiguresAndSay } from '../scripts/lib/doc-figures.js';
import { benchCleaning } from './cleaning.js';
import { figureTable, type Row } from './lib/report.js';
import { benchScaling } from './scaling.js';
import { benchStarts } from './starts.js';
import { benchUploads } from './uploads.js';
import { benchWorker } from './worker.js';

const PARTS = ['cleaning', 'worker', 'scaling', 'starts', 'uploads'] as const;
const { values } = parseArgs({
  options: { only: { type: 'string' }, rounds: { type: 'string', default: '5' }, 'write-docs': { type: 'boolean' } },
});
const only = values.only ? values.only.split(',') : [...PARTS];
const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0) {
  console.error(`--only takes ${PARTS.join(', ')}; not ${unknown.join(', ')}`);
  process.exit(2);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('--rounds must be a whole number of at least 1');
  process.exit(2);
}
if (values['write-docs'] && values.only) {
  console.error('--write-docs writes the whole table: leave --only out');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// The local stack's handlers log and publish metrics as in Lambda: not in the bench's output.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const rows: Row[] = [];
const outDir = mkdtempSync(join(tmpdir(), 'precis-bench-'));
try {
  if (only.includes('cleaning')) rows.push(...(await benchCleaning(rounds, log)));
  if (only.includes('worker')) rows.push(...(await benchWorker(rounds, log)));
  if (only.includes('scaling')) rows.push(...(await benchScaling(Math.max(1, Math.ceil(rounds / 2)), log)));
  // An import's CPU varies by ±10–30 ms from one fresh process to the next, as much as a goal's margin:
  // at least 15 interleaved rounds, so the median says which side of the goal a bundle is on.
  if (only.includes('starts')) rows.push(...(await benchStarts(Math.max(15, rounds + 2), outDir, log)));
  if (only.includes('uploads')) rows.push(...(await benchUploads(log)));
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(
  `npm run bench, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}, ${rounds} rounds\n`,
);
console.log(markdownTable(figureTable(rows)));
const missed = rows.filter((r) => !r.met).length;
console.log(`\n${rows.length - missed} of ${rows.length} goals met.`);
if (values['write-docs']) {
  writeFiguresAndSay({
    name: 'bench',
    command: `npm run bench -- --rounds ${rounds}`,
    measured: measuredHere(),
    tables: { rows: figureTable(rows) },
  });
}
