/**
 * Every code the `precis` command prints in an error line, beside those of
 * the error catalogue, is one docs/api.md lists: a script that reads
 * `error.code` from the JSON lines must find what each one means.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.js';

const ROOT = join(import.meta.dirname, '../..');
const source = readdirSync(join(ROOT, 'cli'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => readFileSync(join(ROOT, 'cli', name), 'utf8'))
  .join('\n');
const docs = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');

/** Codes the command makes itself: `new ApiCallError('X', …` and `code: 'X'`. */
const cliCodes = [
  ...new Set([...source.matchAll(/(?:ApiCallError\(\s*|\bcode: )'([A-Z][A-Z_]+)'/g)].map((m) => m[1] as string)),
].filter((code) => !(code in ERROR_CODES));

describe('the command’s own error codes', () => {
  it('are found in the sources', () => {
    expect(cliCodes).toContain('API_UNREACHABLE');
    expect(cliCodes).toContain('WAIT_TIMEOUT');
  });

  it.each(cliCodes)('%s is in docs/api.md’s table of error codes', (code) => {
    expect(docs).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
  });
});
