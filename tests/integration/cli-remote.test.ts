import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { runPrecis } from '../helpers/cli.js';
import { SAMPLES_DIR, sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let close: () => Promise<void>;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'precis-cli-files-'));
  ({ stack, close } = await startTestStack({ PRECIS_SWEEP_INTERVAL_MS: '0', TARGET_LANGUAGES: 'ar' }));
});

afterAll(async () => {
  await close?.();
  rmSync(work, { recursive: true, force: true });
});

/** `precis …` against the stack, found as a user finds the local one: its port and data folder. */
const precis = (...args: string[]) =>
  runPrecis({ PRECIS_API_PORT: new URL(stack.endpoints.api).port, PRECIS_DATA_DIR: stack.dataDir }, ...args);

describe('precis against a running API', () => {
  it('uploads a folder and a file named twice once each, waits for each to end, and says how each ended', async () => {
    writeFileSync(join(work, 'scan.txt'), '%PDF-1.7 not an article');
    const basra = join(SAMPLES_DIR, 'basra-water.html');
    const { code, lines, stderr } = await precis('upload', '--wait', SAMPLES_DIR, basra, join(work, 'scan.txt'));
    expect(stderr).toBe('');
    expect(code).toBe(1); // the PDF ends FAILED
    expect(lines).toHaveLength(5);
    for (const line of lines.filter((l) => !l.file.endsWith('scan.txt'))) {
      expect(line).toMatchObject({ id: expect.stringMatching(/^[a-f0-9]{24}$/), status: 'DONE' });
    }
    expect(lines.find((l) => l.file.endsWith('scan.txt'))).toMatchObject({
      status: 'FAILED',
      error: { code: 'BINARY_CONTENT' },
    });
  });

  it('lists, gets and shows claims as JSON lines when piped, Markdown and text on request', async () => {
    const listed = await precis('list', '--status', 'done', '--limit', '2', '--all');
    expect(listed.code).toBe(0);
    expect(listed.lines.length).toBeGreaterThanOrEqual(4);
    expect(listed.lines.every((a) => a.status === 'DONE')).toBe(true);
    const basra = listed.lines.find((a) => a.title?.startsWith('Basra water shortage'));

    const got = await precis('get', basra.id);
    expect(got.lines[0]).toMatchObject({ id: basra.id, status: 'DONE', summary: { bullets: expect.any(Array) } });
    const md = await precis('get', basra.id, '--format', 'md');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Basra water shortage.*\n\n_.*· en · DONE · offline_\n\n## .+\n\n.+\n\n- /);
    expect(md.stdout).toContain('\n## Claims\n\n- **statistic**, check-worthiness 0.');
    const plain = await precis('get', basra.id, '--format', 'text');
    expect(plain.stdout).toMatch(/^Basra water shortage.*\n.*· DONE · offline\n\n/);
    expect(plain.stdout).not.toContain('\u001b['); // no colour when not on a terminal
    const translated = await precis('get', basra.id, '--lang', 'AR');
    expect(translated.lines[0]).toMatchObject({ lang: 'ar', original: false, status: 'unavailable' });

    const claims = await precis('claims', basra.id);
    expect(claims.lines.length).toBeGreaterThan(3);
    const text = sample('basra-water.html').toString('utf8');
    for (const claim of claims.lines) {
      expect(claim).toMatchObject({ kind: expect.any(String), checkworthiness: expect.any(Number) });
      // The evidence is the article's own words.
      expect(text.replace(/\s+/g, ' ')).toContain(claim.evidence.replace(/\s+/g, ' ').slice(0, 40));
    }
  });

  it('refuses what it cannot do with a clear message and exit 2, and a missing article with exit 1', async () => {
    mkdirSync(join(work, 'empty'));
    const cases: [string[], RegExp][] = [
      [['upload', join(work, 'empty')], /holds no article file/],
      [['get', 'not-an-id'], /is not an article id/],
      [['list', '--status', 'SOMETIMES'], /--status must be one of/],
      [['list', '--limit', '1e1'], /--limit must be a whole number/],
      [['get', 'a'.repeat(24), '--format', 'pdf'], /--format must be json, text, md/],
      [['claims', 'a'.repeat(24), '--wait'], /claims does not take --wait/],
    ];
    for (const [args, message] of cases) {
      const result = await precis(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const missing = await precis('get', 'a'.repeat(24));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ARTICLE_NOT_FOUND/);
    const wrongKey = await runPrecis({ PRECIS_API_URL: stack.endpoints.api, PRECIS_API_KEY: 'wrong' }, 'list');
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/refused the key/);
  });
});
