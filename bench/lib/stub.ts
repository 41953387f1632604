import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The stub LLM in a process of its own, as a provider is: its work is not
 * precis's. A bench run under `node --cpu-prof` (and its `--cpu-prof-*`
 * options) profiles the stub's process too, into a profile of its own.
 */
export async function startStub(): Promise<{ baseURL: string; pid: number | undefined; stop: () => void }> {
  const profiling = process.execArgv.filter((arg) => arg.startsWith('--cpu-prof'));
  const child = spawn(
    process.execPath,
    [...profiling, '--import', 'tsx', resolve(import.meta.dirname, '../../scripts/stub-llm.ts')],
    {
      env: { ...process.env, PRECIS_STUB_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const baseURL = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /OPENAI_BASE_URL=(\S+)/.exec(out)?.[1];
      if (url) done(url);
    });
    child.on('exit', (code) => fail(new Error(`the stub LLM exited ${code}`)));
  });
  // A profiled process writes its profile as it exits, which the stub does on SIGINT (SIGTERM ends it at once).
  return { baseURL, pid: child.pid, stop: () => child.kill(profiling.length > 0 ? 'SIGINT' : 'SIGTERM') };
}
