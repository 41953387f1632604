import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A small soak, as `npm run soak` runs it: faults, a kill, twins. Nothing may
 * be lost or stuck, and every upload must end. Paying twice is measured by the
 * longer runs in the README's Guarantees (0 in the last ones) and pinned by the
 * pay-once tests (twins, restart, kept answers); this run does not gate on it,
 * as a kill's timing is not under its control.
 */
describe('the soak', () => {
  it('loses nothing and leaves nothing stuck, through a kill and 20 % faults', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/soak.ts',
        '--articles',
        '24',
        '--fault-rate',
        '0.2',
        '--crash',
        '1',
        '--timeout',
        '300',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeout: 360_000,
      },
    );
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, number>;
    expect(report).toMatchObject({ uploaded: 26, lost: 0, stuck: 0 });
    expect(Object.values(report.terminal as unknown as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(26);
  }, 400_000);
});
