/**
 * Tables of measured figures in docs/, written by the scripts that measure
 * them. A script given `--write-docs` keeps what it measured in
 * `docs/figures/<name>.json` (its command, the machine, the date, its tables)
 * and writes each table into the docs between the markers
 *
 *   <!-- figures <name>/<table>: written by `<command> -- --write-docs` -->
 *   …
 *   <!-- figures end -->
 *
 * `tests/unit/doc-figures.test.ts` renders every record again and fails when
 * a block in the docs says anything else (a table edited by hand, or a run
 * whose figures were not written), or when a record's table has no block.
 * Figures vary from run to run, so the test checks the docs against the
 * record, never against a new run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const DOCS_DIR = resolve(import.meta.dirname, '../../docs');

export interface FigureTable {
  head: string[];
  rows: string[][];
}

export interface FigureRecord {
  /** The record's file (`docs/figures/<name>.json`) and the first part of its blocks' names. */
  name: string;
  /** The command that measured it, as a reader would type it. */
  command: string;
  /** Where and when: the date (UTC), Node, the processors, the load average at the end. */
  measured: { date: string; node: string; cpus: string; load: string };
  /** Each table by its block name. */
  tables: Record<string, FigureTable>;
}

/** The machine and the moment, for a record's `measured`. */
export function measuredHere(now = new Date()): FigureRecord['measured'] {
  return {
    date: now.toISOString().slice(0, 10),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    load: loadavg()[0]?.toFixed(1) ?? '?',
  };
}

/** A markdown table with its columns padded as the formatter prints them. */
export function markdownTable({ head, rows }: FigureTable): string {
  const cells = [head, ...rows].map((r) => head.map((_, i) => (r[i] ?? '').replaceAll('|', '\\|')));
  const width = head.map((_, i) => Math.max(3, ...cells.map((r) => [...(r[i] as string)].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c + ' '.repeat((width[i] as number) - [...c].length)).join(' | ')} |`;
  const [first, ...rest] = cells;
  return [line(first as string[]), `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rest.map(line)].join('\n');
}

/** The command with --write-docs added to its options. */
const writing = (command: string) => `${command}${command.includes(' -- ') ? '' : ' --'} --write-docs`;
const begin = (record: Pick<FigureRecord, 'name' | 'command'>, table: string) =>
  `<!-- figures ${record.name}/${table}: written by \`${writing(record.command)}\` -->`;
const END = '<!-- figures end -->';
const BEGIN_PATTERN = /<!-- figures ([\w.-]+)\/([\w.-]+): written by `[^`]*` -->/g;

/** What a block holds: the line saying where and when, then the table. */
export function renderBlock(record: FigureRecord, table: string): string {
  const t = record.tables[table];
  if (!t) throw new Error(`${record.name} has no table ${table}`);
  const m = record.measured;
  return [
    begin(record, table),
    `Measured on ${m.date} (Node ${m.node}, ${m.cpus}, load ${m.load}) with \`${record.command}\`:`,
    '',
    markdownTable(t),
    END,
  ].join('\n');
}

export interface DocBlock {
  file: string;
  name: string;
  table: string;
  /** The block as the doc holds it, markers included. */
  text: string;
}

/** Every figures block in the docs' markdown files. */
export function blocksInDocs(docsDir = DOCS_DIR): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of markdownFiles(docsDir)) {
    const doc = readFileSync(file, 'utf8');
    for (const m of doc.matchAll(BEGIN_PATTERN)) {
      const end = doc.indexOf(END, m.index);
      if (end < 0) throw new Error(`${file}: the block ${m[1]}/${m[2]} has no ${END}`);
      blocks.push({ file, name: m[1] as string, table: m[2] as string, text: doc.slice(m.index, end + END.length) });
    }
  }
  return blocks;
}

function markdownFiles(docsDir: string): string[] {
  const files = readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(docsDir, f));
  const readme = resolve(docsDir, '../README.md');
  return existsSync(readme) ? [readme, ...files] : files;
}

/** The records kept in docs/figures. */
export function readRecords(docsDir = DOCS_DIR): FigureRecord[] {
  const dir = join(docsDir, 'figures');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FigureRecord);
}

/** Text of a block made comparable: the formatter may pad a table's cells differently. */
export const comparable = (block: string) =>
  block
    .split('\n')
    .map((l) => (l.startsWith('|') ? l.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---') : l.trimEnd()))
    .join('\n');

/**
 * Keeps `record` in docs/figures and writes each of its tables into the
 * block that names it. A table with no block is named in the answer (add the
 * two marker lines where it belongs, then run again); nothing else in the
 * docs changes.
 */
export function writeFigures(record: FigureRecord, docsDir = DOCS_DIR): { written: string[]; missing: string[] } {
  mkdirSync(join(docsDir, 'figures'), { recursive: true });
  writeFileSync(join(docsDir, 'figures', `${record.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  const written = new Set<string>();
  const found = new Set<string>();
  const blocks = blocksInDocs(docsDir).filter((b) => b.name === record.name && record.tables[b.table]);
  for (const file of new Set(blocks.map((b) => b.file))) {
    const doc = readFileSync(file, 'utf8');
    let next = doc;
    for (const block of blocks.filter((b) => b.file === file)) {
      found.add(block.table);
      next = next.replace(block.text, renderBlock(record, block.table));
    }
    if (next !== doc) {
      writeFileSync(file, next);
      written.add(file);
    }
  }
  return { written: [...written], missing: Object.keys(record.tables).filter((t) => !found.has(t)) };
}

/** `writeFigures` as a script's last step, saying what it wrote. */
export function writeFiguresAndSay(record: FigureRecord, log: (line: string) => void = console.log): void {
  const { written, missing } = writeFigures(record);
  log(
    `\nKept in docs/figures/${record.name}.json; wrote ${written.length ? written.map((f) => relative(process.cwd(), f)).join(', ') : 'no doc'}.`,
  );
  for (const table of missing)
    log(`No block for ${record.name}/${table} in docs/: add\n  ${begin(record, table)}\n  ${END}\nwhere it belongs.`);
}
