import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.js';

/** The command's main() in this process, with its output captured: what a shell would see, JSON lines parsed. */
export async function runPrecis(env: Record<string, string | undefined>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const errors = new PassThrough();
  errors.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await main(args, {
    env,
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    stderr: errors,
  });
  const lines = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { code, lines, stderr };
}
