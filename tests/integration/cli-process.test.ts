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

  it('exits 2 on a usage error, with the error and where to look on stderr', async () => {
    const failure = await run(process.execPath, [BIN, 'summarise']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/^precis: unknown command "summarise"\nCommands: .*\n\(precis --help/);
  });

  it.each([['upload', join(SAMPLES_DIR, 'kirkuk-checkpoints.txt')], ['list']])(
    '%s names the code when no API answers, as every command does',
    async (...args) => {
      // Port 9 (discard) has no API on it: the connection is refused at once.
      const failure = await run(process.execPath, [BIN, ...args, '--api', 'http://127.0.0.1:9', '--key', 'k']).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure.code).toBe(1);
      expect(failure.stderr).toMatch(
        /^precis: API_UNREACHABLE: The API at http:\/\/127\.0\.0\.1:9 could not be reached/,
      );
    },
  );
});
