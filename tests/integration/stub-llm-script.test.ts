/**
 * `npm run stub:llm`, as a user runs it to try batch mode with no key: the
 * batches it is given move on by themselves (the test helpers move them by
 * hand), so a batch-mode article ends instead of waiting for ever.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
});

/**
 * Starts the script on a free port with `args`, and resolves with its base URL
 * once it prints it. Its output is read to the end, not left once the URL is
 * found: a pipe closed under it would fail the script's next line (EPIPE).
 */
async function startScript(args: string[]): Promise<string> {
  const started = spawn(TSX, [resolve(ROOT, 'scripts/stub-llm.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, PRECIS_STUB_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = started;
  return new Promise((found, failed) => {
    let out = '';
    started.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const url = /on (http:\/\/\S+\/v1)/.exec(out)?.[1];
      if (url) found(url);
    });
    started.once('exit', () => failed(new Error(`the stub printed no URL: ${out}`)));
  });
}

describe('npm run stub:llm', () => {
  it('moves a batch it was given on to completed by itself, its lines answered', async () => {
    const baseURL = await startScript(['--batch-step', '0.2']);
    const client = new OpenAI({ baseURL, apiKey: 'sk-stub' });
    const line = {
      custom_id: 'a-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Say hello.' }] },
    };
    const file = await client.files.create({
      file: await toFile(Buffer.from(`${JSON.stringify(line)}\n`), 'calls.jsonl'),
      purpose: 'batch',
    });
    let batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    // A passing run ends at the batch's end; the loop's bound is for a stub that never moves it.
    for (let i = 0; i < 600 && batch.status !== 'completed'; i++) {
      await new Promise((done) => setTimeout(done, 200));
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe('completed');
    expect(batch.request_counts?.completed).toBe(1);
  });
});
