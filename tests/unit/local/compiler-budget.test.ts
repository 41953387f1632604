import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const budget = vi.hoisted(() => ({ set: 0 }));
vi.mock('../../../local/compiler-budget.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../local/compiler-budget.js')>()),
  setLocalCompilerBudget: () => {
    budget.set++;
  },
}));

const { localOptions, startLocalStack } = await import('../../../local/stack.js');

const moduleUrl = pathToFileURL(join(import.meta.dirname, '../../../local/compiler-budget.ts')).href;

/**
 * Whether V8 marks a small function for optimisation after `calls` calls, in a
 * fresh process that first sets the local stack's budget (`tuned`) or not.
 */
function optimised(calls: number, tuned: boolean): boolean {
  const script = `
    if (${tuned}) (await import(${JSON.stringify(moduleUrl)})).setLocalCompilerBudget();
    function budgetProbe(x) { return (x * 2 + 1) | 0; }
    let sum = 0;
    for (let i = 0; i < ${calls}; i++) sum = (sum + budgetProbe(i)) | 0;
    console.log('sum', sum);
  `;
  const child = spawnSync(
    process.execPath,
    ['--trace-opt', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  expect(child.status, child.stderr).toBe(0);
  expect(child.stdout).toMatch(/^sum /m);
  return /budgetProbe/.test(child.stdout);
}

describe("the local stack's compiler budget", () => {
  it('lets a function run four times as long before V8 optimises it, and still optimises what stays hot', () => {
    // Node 20's budget marks the probe after about 7,000 calls; four times it, after about 27,000.
    expect(optimised(15_000, false)).toBe(true);
    expect(optimised(15_000, true)).toBe(false);
    expect(optimised(60_000, true)).toBe(true);
  });

  it('is set as the stack starts, before anything else', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'precis-budget-'));
    try {
      // The folder held by a live process (this one's parent): the start stops at once, after the budget.
      writeFileSync(join(dataDir, 'stack.pid'), String(process.ppid));
      const options = localOptions({ PRECIS_DATA_DIR: dataDir });
      await expect(startLocalStack(options)).rejects.toThrow(/in use by another precis stack/);
      expect(budget.set).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
