import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPrecis } from '../helpers/cli.js';
import { SAMPLES_DIR } from '../helpers/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'precis-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const precis = (...args: string[]) => runPrecis({ TARGET_LANGUAGES: '' }, ...args);

describe('precis command', () => {
  it('cleans a folder: one JSON line per article file, an error line for a bad one, exit 0', async () => {
    writeFileSync(join(dir, 'scan.html'), Buffer.from('%PDF-1.4\n'));
    const { code, lines } = await precis('clean', SAMPLES_DIR, join(dir, 'scan.html'));
    expect(code).toBe(0);
    expect(lines.map((l) => l.file.split('/').at(-1))).toEqual([
      'baghdad-electricity-ar.json',
      'basra-water.html',
      'kirkuk-checkpoints.txt',
      'mosul-old-city.md',
      'scan.html',
    ]);
    expect(lines[1]).toMatchObject({ format: 'html', language: 'en', title: expect.stringContaining('Basra') });
    expect(lines[1].text).toMatch(/^BASRA — Rising salinity/);
    expect(lines[4]).toEqual({
      file: join(dir, 'scan.html'),
      error: { code: 'BINARY_CONTENT', message: expect.any(String) },
    });
  });

  it('analyzes offline into the article record shape, with translations per --target language', async () => {
    const { code, lines } = await precis(
      'analyze',
      '--offline',
      '--target',
      'ar,fr',
      join(SAMPLES_DIR, 'kirkuk-checkpoints.txt'),
    );
    expect(code).toBe(0);
    const [record] = lines;
    expect(Object.keys(record)).toEqual(
      expect.arrayContaining([
        'file',
        'title',
        'language',
        'publishedAt',
        'summary',
        'claims',
        'translations',
        'provenance',
      ]),
    );
    expect(record.summary.bullets.length).toBeGreaterThanOrEqual(3);
    expect(record.translations).toEqual({
      ar: { status: 'unavailable', reason: expect.any(String) },
      fr: { status: 'unavailable', reason: expect.any(String) },
    });
    expect(record.provenance).toMatchObject({ engine: 'offline', cleanerVersion: expect.any(String) });
  });

  it('exits 1 when a file cannot be read, still printing the others, and 2 on a usage error', async () => {
    const missing = await precis('clean', join(dir, 'nope.txt'), join(SAMPLES_DIR, 'mosul-old-city.md'));
    expect(missing.code).toBe(1);
    expect(missing.lines[0]).toEqual({
      file: join(dir, 'nope.txt'),
      error: { code: 'FILE_UNREADABLE', message: 'No such file.' },
    });
    expect(missing.lines[1].title).toContain('Mosul');
    const usage = await precis('summarise', 'x');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command');
  });

  it('refuses a reprocess window that ends before it starts as a usage error, before asking any API', async () => {
    // Act
    const reversed = await precis('reprocess', '--status', 'DONE', '--since', '2026-12-06', '--until', '2026-12-01');

    // Assess
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/^precis: --until \(2026-12-01\) must be later than --since \(2026-12-06\)\n/);
  });

  it('names the code when reprocess ID cannot reach the API, as every other command does', async () => {
    // Act: nothing listens on port 1.
    const down = await precis('reprocess', '--api', 'http://127.0.0.1:1', '--key', 'k', 'fa1158ebb5302dd8b6aad752');

    // Assess
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^precis: API_UNREACHABLE: The API at http:\/\/127\.0\.0\.1:1 could not be reached/);
  });

  it('answers a usage error with its one line and the command’s own usage, not the whole help, and exit 2', async () => {
    // Act
    const unknown = await precis('nosuchcommand');
    const none = await precis();
    const missing = await precis('clean');
    const remote = await precis('get');
    // Assess
    expect([unknown.code, none.code, missing.code, remote.code]).toEqual([2, 2, 2, 2]);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      'precis: unknown command "nosuchcommand"',
      'Commands: clean, analyze, claims, models, verify, upload, list, get, reprocess, redrive.',
      '(precis --help shows every command and option.)',
    ]);
    expect(none.stderr).toMatch(/^precis: no command given\nCommands: /);
    expect(missing.stderr.trim().split('\n')).toEqual([
      'precis: clean needs at least one FILE or FOLDER',
      'Usage:',
      expect.stringMatching(/^ {2}precis clean \[options\] FILE\|FOLDER\.\.\. +cleaned text/),
      '(precis --help shows every command and option.)',
    ]);
    expect(remote.stderr).toMatch(/^precis: get takes one article id\nUsage:\n {2}precis get /);
    expect(remote.stderr).not.toContain('precis upload');
  });

  it('names a bad flag as the flag, and reads --offline and --target as their variables', async () => {
    const bad = await precis('clean', '--max-bytes', 'lots', SAMPLES_DIR);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-bytes is invalid/);
    const small = await precis('clean', '--max-bytes', '100', join(SAMPLES_DIR, 'mosul-old-city.md'));
    expect(small.lines[0].error.code).toBe('TOO_LARGE');
  });
});

describe('precis claims --all', () => {
  it('scores every sentence of a file, in order, with offsets into its cleaned text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precis-claims-all-'));
    const file = join(dir, 'debate.txt');
    writeFileSync(
      file,
      'MODERATOR: Good evening and welcome.\n\nSMITH: Unemployment rose to 6.2 percent last year, and we lost 700,000 jobs.\n\nJONES: I simply do not agree with that.\n',
    );
    const { code, lines } = await precis('claims', '--all', file);
    expect(code).toBe(0);
    expect(lines.map((l) => l.checkworthy)).toEqual([false, true, false]);
    for (const line of lines) expect(line).toMatchObject({ file, language: 'en', checkworthiness: expect.any(Number) });
    const ranked = [...lines].sort((a, b) => b.checkworthiness - a.checkworthiness);
    expect(ranked[0].text).toMatch(/^SMITH: Unemployment rose/);
    const wrong = await precis('clean', '--all', file);
    expect(wrong.code).toBe(2);
    rmSync(dir, { recursive: true, force: true });
  });
});
