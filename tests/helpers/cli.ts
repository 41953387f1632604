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
  // JSON lines parsed; a command that printed text (get --format md) has its stdout as it is.
  // biome-ignore lint/suspicious/noExplicitAny: the lines are whatever JSON the command printed.
  let lines: any[] = [];
  try {
    lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {}
  return { code, lines, stderr, stdout };
}
