import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/** A small soak, as `npm run soak` runs it: faults, a kill, twins; nothing lost, stuck or paid twice. */
describe('the soak', () => {
  it('loses nothing, leaves nothing stuck and pays for nothing twice, through a kill and 20 % faults', async () => {
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
        '120',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeout: 170_000,
      },
    );
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, number>;
    expect(report).toMatchObject({ uploaded: 26, lost: 0, stuck: 0, paidTwice: 0 });
  }, 180_000);
});
