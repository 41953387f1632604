import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface LocalProcess {
  child: ChildProcess;
  /** The endpoints and key `npm start` printed. */
  s3: string;
  api: string;
  apiKey: string;
  /** What it printed up to running, and the last 64 KB after. */
  output: () => string;
}

/**
 * Starts the local stack as a user does (`npm start`, a child process that can
 * be killed), with these variables on top of this process's; resolves once it
 * says it is running, rejects with its output if it exits first. Another
 * `entry` that prints what `npm start` prints runs with an IPC channel, for
 * the orders it takes; `nodeArgs` go to Node (`--cpu-prof`).
 */
export function startLocalProcess(
  env: Record<string, string>,
  { entry, nodeArgs = [] }: { entry?: string; nodeArgs?: string[] } = {},
): Promise<LocalProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, entry ?? 'local/start.ts')], {
    cwd: ROOT,
    env: { ...process.env, PRECIS_S3_PORT: '0', PRECIS_DYNAMODB_PORT: '0', PRECIS_API_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(entry ? ['ipc' as const] : [])],
  });
  let output = '';
  let after = '';
  let up = false;
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      // Keep reading (a full pipe would block the child), but only the recent output once it is up.
      if (up) {
        after = `${after}${chunk.toString()}`.slice(-65_536);
        return;
      }
      output += chunk.toString();
      const s3 = /S3 API\s+(\S+)/.exec(output)?.[1];
      const api = /HTTP API\s+(\S+)/.exec(output)?.[1];
      const apiKey = /API key\s+(\S+)/.exec(output)?.[1];
      if (s3 && api && apiKey) {
        up = true;
        resolvePromise({ child, s3, api, apiKey, output: () => output + after });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the stack exited (${code}): ${(output + after).slice(-2000)}`)));
  });
}

/** SIGKILL, and wait for the process to be gone. */
export async function killLocalProcess(stack: Pick<LocalProcess, 'child'>): Promise<void> {
  if (stack.child.exitCode !== null) return;
  const exited = new Promise((r) => stack.child.once('exit', r));
  stack.child.kill('SIGKILL');
  await exited;
}
