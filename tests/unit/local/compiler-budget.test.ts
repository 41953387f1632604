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
const { localCompilerFlag } = await import('../../../local/compiler-budget.js');

const moduleUrl = pathToFileURL(join(import.meta.dirname, '../../../local/compiler-budget.ts')).href;

/**
 * After how many calls V8 marks a small function for its optimising compiler
 * (to the nearest 500), in a fresh process that first sets the local stack's
 * budget (`tuned`) or not; null if not within 64,000 calls.
 */
function callsBeforeOptimising(tuned: boolean): number | null {
  const script = `
    if (${tuned}) (await import(${JSON.stringify(moduleUrl)})).setLocalCompilerBudget();
    function budgetProbe(x) { return (x * 2 + 1) | 0; }
    let sum = 0;
    for (let chunk = 1; chunk <= 128; chunk++) {
      for (let i = 0; i < 500; i++) sum = (sum + budgetProbe(i)) | 0;
      console.log('calls ' + chunk * 500);
    }
  `;
  const child = spawnSync(
    process.execPath,
    ['--trace-opt', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  expect(child.status, child.stderr).toBe(0);
  // Flags V8 does not know are only printed, not thrown.
  expect(child.stderr).not.toMatch(/unrecognized flag/);
  let calls = 0;
  for (const line of child.stdout.split('\n')) {
    const counted = /^calls (\d+)$/.exec(line);
    if (counted) calls = Number(counted[1]);
    else if (/budgetProbe.*TURBOFAN/i.test(line)) return calls + 500;
  }
  return null;
}

describe("the local stack's compiler budget", () => {
  it('lets a function run about four times as long before V8 optimises it, and still optimises what stays hot', () => {
    // Node 20's V8 marks the probe after about 6,000 calls, Node 22's after 3,000.
    const plain = callsBeforeOptimising(false);
    const tuned = callsBeforeOptimising(true);
    expect(plain).not.toBeNull();
    expect(tuned).not.toBeNull();
    expect(tuned as number).toBeGreaterThanOrEqual(3 * (plain as number));
  });

  it('names the flag each V8 has', () => {
    expect(localCompilerFlag('11.3.244.8-node.38')).toBe('--interrupt-budget=270336');
    expect(localCompilerFlag('12.4.254.21-node.57')).toBe('--invocation-count-for-turbofan=12000');
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
