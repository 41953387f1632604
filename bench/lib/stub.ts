import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The stub LLM in a process of its own, as a provider is: its work is not precis's. */
export async function startStub(): Promise<{ baseURL: string; pid: number | undefined; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, '../../scripts/stub-llm.ts')],
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
  return { baseURL, pid: child.pid, stop: () => child.kill() };
}
