import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  blocksInDocs,
  comparable,
  DOCS_DIR,
  type FigureRecord,
  markdownTable,
  readRecords,
  renderBlock,
  writeFigures,
} from '../../scripts/lib/doc-figures.js';

describe('the docs’ tables of figures', () => {
  const records = new Map(readRecords().map((r) => [r.name, r]));
  const blocks = blocksInDocs();

  it('are each the rendering of the record its script kept', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const record = records.get(block.name);
      expect(
        record,
        `${block.file}: no docs/figures/${block.name}.json for ${block.name}/${block.table}`,
      ).toBeDefined();
      expect(record?.tables[block.table], `${block.name} has no table ${block.table}`).toBeDefined();
      expect(comparable(block.text), `${block.file}: ${block.name}/${block.table} differs from its record`).toBe(
        comparable(renderBlock(record as FigureRecord, block.table)),
      );
    }
  });

  it('leave no table of measured figures typed by hand (marked as measured, not written by its command)', () => {
    for (const file of [
      resolve(DOCS_DIR, '../README.md'),
      ...readdirSync(DOCS_DIR)
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(DOCS_DIR, f)),
    ])
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/<!-- measured:/);
  });

  it("leave the extractor's time per page to the bench's table: docs/api.md types no milliseconds outside a written block", () => {
    // Prepare
    const api = readFileSync(join(DOCS_DIR, 'api.md'), 'utf8');

    // Act
    const prose = api.replace(/<!-- figures [^>]*-->[\s\S]*?<!-- figures end -->/g, '');

    // Assess
    expect(prose.match(/\b\d+(?:\.\d+)? ?ms\b/g) ?? []).toEqual([]);
  });

  it('leave no kept table out of the docs', () => {
    const shown = new Set(blocks.map((b) => `${b.name}/${b.table}`));
    for (const record of records.values())
      for (const table of Object.keys(record.tables))
        expect(shown, `${record.name}/${table}`).toContain(`${record.name}/${table}`);
  });
});

describe('writeFigures', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record: FigureRecord = {
    name: 'eval-x',
    command: 'npm run eval:x',
    measured: { date: '2026-12-05', node: 'v20.20.2', cpus: '2 × CPU', load: '1.0' },
    tables: { main: { head: ['system', 'F1'], rows: [['precis', '0.975']] } },
  };

  it('writes a table into its block, keeps the record and leaves the rest of the doc as it was', () => {
    // Prepare
    dir = mkdtempSync(join(tmpdir(), 'precis-figures-'));
    mkdirSync(join(dir, 'docs'));
    const doc = [
      '# Figures',
      '',
      'Before.',
      '',
      '<!-- figures eval-x/main: written by `npm run eval:x -- --write-docs` -->',
      '| system | F1 |',
      '| --- | --- |',
      '| precis | 0.500 |',
      '<!-- figures end -->',
      '',
      'After.',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'docs', 'quality.md'), doc);

    // Act
    const result = writeFigures(
      { ...record, tables: { ...record.tables, other: { head: ['a'], rows: [] } } },
      join(dir, 'docs'),
    );

    // Assess
    const written = readFileSync(join(dir, 'docs', 'quality.md'), 'utf8');
    expect(written).toContain('| precis | 0.975 |');
    expect(written).not.toContain('0.500');
    expect(written.startsWith('# Figures\n\nBefore.\n\n')).toBe(true);
    expect(written.endsWith('<!-- figures end -->\n\nAfter.\n')).toBe(true);
    expect(written).toContain('Measured on 2026-12-05 (Node v20.20.2, 2 × CPU, load 1.0) with `npm run eval:x`:');
    expect(result.missing).toEqual(['other']);
    expect(readRecords(join(dir, 'docs'))[0]?.tables.main?.rows).toEqual([['precis', '0.975']]);
  });

  it('pads every column to its widest cell and escapes a bar inside a cell', () => {
    expect(markdownTable({ head: ['a', 'longer'], rows: [['x | y', '1']] })).toBe(
      ['| a      | longer |', '| ------ | ------ |', '| x \\| y | 1      |'].join('\n'),
    );
  });
});
