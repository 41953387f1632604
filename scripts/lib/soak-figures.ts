/**
 * The soak's row in docs/operations.md's Guarantees table. Each run given
 * `--write-docs` adds its row to docs/figures/soak.json, in place of an
 * earlier run with the same options, and the table is written again from all
 * the rows kept (scripts/lib/doc-figures.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_DIR, type FigureRecord, measuredHere, writeFiguresAndSay } from './doc-figures.js';

/** What the soak prints at its end, as far as the row needs it. */
export interface SoakReport {
  uploaded: number;
  terminal: Record<string, number>;
  lost: number;
  stuck: number;
  paidTwice: number;
  askedAgainAfterKillMidCall: number;
  throughput: { articlesPerSecond: number };
  uploadToEndSeconds: { p50: number; p95: number; max: number };
  memoryMB: { after200: number | null; afterAll: number | null };
  apiMs: { p99?: number } | null;
  loadAverage: { start: number; end: number };
  wallSeconds: number;
}

const HEAD = [
  'run (date, load)',
  'uploads',
  'lost',
  'stuck',
  'DONE / PARTIAL / FAILED',
  'paid twice',
  'asked again after a kill mid-call',
  'p50 / p95 / max upload→end',
  'articles / s',
  'memory at 200 → at the end',
  'API p99',
  'wall',
];

const count = (n: number) => n.toLocaleString('en');
const ended = (report: SoakReport, status: string) =>
  Object.entries(report.terminal)
    .filter(([what]) => what === status || what.startsWith(`${status} `))
    .reduce((sum, [, n]) => sum + n, 0);

/** Options that say where a run's output went, not what it did: left out of its row's name. */
const OUTPUT_OPTIONS = new Set(['--write-docs', '--stack-log', '--cpu-prof', '--heap-prof']);

/** The options a run was typed with after `npm run soak --`, less those of OUTPUT_OPTIONS (and their values). */
export function runOptions(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name] = arg.split('=');
    if (arg === '--') continue;
    if (OUTPUT_OPTIONS.has(name as string)) {
      // A value given apart (`--stack-log FILE`) goes with its option; `--write-docs` takes none.
      if (name !== '--write-docs' && !arg.includes('=') && !(argv[i + 1] ?? '--').startsWith('--')) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept.join(' ');
}

/** The row of one run: `options` as typed after `npm run soak --`. */
export function soakRow(options: string, report: SoakReport, date: string): string[] {
  const { p50, p95, max } = report.uploadToEndSeconds;
  const memory = report.memoryMB;
  return [
    `\`${options}\` (${date}, load ${report.loadAverage.start.toFixed(0)} → ${report.loadAverage.end.toFixed(0)})`,
    count(report.uploaded),
    count(report.lost),
    count(report.stuck),
    `${count(ended(report, 'DONE'))} / ${count(ended(report, 'PARTIAL'))} / ${count(ended(report, 'FAILED'))}`,
    count(report.paidTwice),
    count(report.askedAgainAfterKillMidCall),
    `${Math.round(p50)} s / ${Math.round(p95)} s / ${Math.round(max)} s`,
    report.throughput.articlesPerSecond.toFixed(2),
    memory.after200 === null ? `— → ${memory.afterAll ?? '—'} MB` : `${memory.after200} → ${memory.afterAll ?? '—'} MB`,
    report.apiMs?.p99 === undefined ? '—' : `${Math.round(report.apiMs.p99)} ms`,
    `${report.wallSeconds} s`,
  ];
}

/** Keeps this run's row beside the others kept (one per set of options) and writes the table. */
export function writeSoakFigures(options: string, report: SoakReport): void {
  const file = join(DOCS_DIR, 'figures', 'soak.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FigureRecord) : null;
  const measured = measuredHere();
  const row = soakRow(options, report, measured.date);
  const others = (kept?.tables.runs?.rows ?? []).filter((r) => !r[0]?.startsWith(`\`${options}\` (`));
  writeFiguresAndSay({
    name: 'soak',
    command: 'npm run soak',
    measured,
    tables: { runs: { head: HEAD, rows: [...others, row] } },
  });
}
