import { spawn } from 'node:child_process';

/** How fast the API answered while the soak ran, as a user polling it would see. */
export interface ProbeReport {
  /** Answers with a 2xx status, and their time in ms. */
  answered: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests that failed (the stack killed and starting again, DynamoDB down) or took over 10 s. */
  failed: number;
}

/**
 * The prober, in a process of its own so that the soak's own work (uploads,
 * the stub LLM) does not delay its clock: every 200 ms it asks for the
 * newest articles, and every second for the reader page, and times the answers.
 */
const PROBER = `
const latencies = { list: [], page: [] };
let failed = 0;
let target = null;
const ask = async (kind, path) => {
  if (!target) return;
  const started = performance.now();
  try {
    const response = await fetch(target.api + path, { headers: { 'x-api-key': target.apiKey }, signal: AbortSignal.timeout(10000) });
    await response.arrayBuffer();
    if (response.ok) latencies[kind].push(performance.now() - started);
    else failed++;
  } catch {
    failed++;
  }
};
const list = setInterval(() => ask('list', '/articles?limit=20'), 200);
const page = setInterval(() => ask('page', '/'), 1000);
process.on('message', (message) => {
  if (message.target) target = message.target;
  if (message.stop) {
    clearInterval(list);
    clearInterval(page);
    process.send({ latencies: [...latencies.list, ...latencies.page], failed }, () => process.exit(0));
  }
});
`;

export function startApiProbe() {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROBER], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    /** Where the API is now (after each start of the stack). */
    target(api: string, apiKey: string): void {
      child.send({ target: { api, apiKey } });
    },
    /** Ends the prober without its report (the soak failed). */
    kill(): void {
      if (child.exitCode === null) child.kill();
    },
    async stop(): Promise<ProbeReport> {
      const result = new Promise<{ latencies: number[]; failed: number }>((resolve) => child.once('message', resolve));
      child.send({ stop: true });
      const { latencies, failed } = await result;
      const sorted = latencies.sort((a, b) => a - b);
      const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
      return { answered: sorted.length, p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0), failed };
    },
  };
}
