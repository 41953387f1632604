import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../helpers/samples.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/precis.js');

/** The installed command as a shell runs it: the bin, its exit status and its streams. */
describe('the precis executable', () => {
  it('prints one JSON line per file on stdout and exits 0', async () => {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'clean', join(SAMPLES_DIR, 'kirkuk-checkpoints.txt')]);
    const [line] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({ format: 'text', language: 'en' });
    expect(stderr).toBe('');
  });

  it('exits 2 on a usage error, with the usage on stderr', async () => {
    const failure = await run(process.execPath, [BIN, 'summarise']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('Usage:');
  });
});
