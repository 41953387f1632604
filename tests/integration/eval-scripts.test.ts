import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

describe('evaluation scripts without the evaluation data', () => {
  it.each([
    'eval-extraction',
    'eval-language',
    'eval-summarization',
    'eval-faithfulness',
    'eval-claims',
    'train-claims',
    'compare-extraction',
  ])('%s says it skipped and exits 0', async (script) => {
    const { stdout } = await run(TSX, [resolve(ROOT, `scripts/${script}.ts`), '--data', '/nonexistent/eval-data'], {
      cwd: ROOT,
    });
    expect(stdout).toMatch(/^Skipped: .*(absent|has no)/);
  });
});
