import { Worker } from 'node:worker_threads';

/** A server a module's start function brought up: where it listens, and how it stops. */
export interface Service {
  endpoint: string;
  close(): Promise<void>;
}

/** A service running in a worker thread of its own. */
export interface WorkerService extends Service {
  /** Closes the service, keeping its thread: it refuses connections until `resume`. */
  pause(): Promise<void>;
  /** Starts it again on the same port. */
  resume(): Promise<void>;
  /** Paused for `ms`, then resumed: an outage, for soaks. */
  outage(ms: number): Promise<void>;
}

/** Functions of this thread the service may call, by name; each call crosses the thread as a message. */
export type Callbacks = Record<string, (...args: never[]) => unknown>;

export interface WorkerSpec {
  /** The module (a file URL) and its export that starts the service: `(options) => Promise<Service>`. */
  module: URL;
  start: string;
  /** Its name in messages ("S3", "DynamoDB"). */
  name: string;
}

type FromWorker =
  | { type: 'ready'; endpoint: string }
  | { type: 'failed'; message: string; code?: string; port?: number }
  | { type: 'call'; id: number; name: string; args: unknown[] }
  | { type: 'done'; of: Order };

type Order = 'close' | 'pause' | 'resume';

/**
 * Runs a module's start function in a worker thread, so that the server it
 * starts has an event loop (and a core) of its own, and what it does never
 * holds up this thread. `options` are copied to the worker (plain data);
 * each of `callbacks` becomes a function of the same name in the options the
 * worker's start function gets, which sends its arguments here as a message
 * and resolves with what the callback returned. The worker runs the module
 * as TypeScript (see worker-entry.mjs). Resolves once the service listens;
 * rejects with its error (EADDRINUSE keeps its code and port).
 */
export async function startInWorker(
  spec: WorkerSpec,
  options: Record<string, unknown>,
  callbacks: Callbacks = {},
  onExit: (why: string) => void = () => undefined,
): Promise<WorkerService> {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    workerData: {
      module: spec.module.href,
      start: spec.start,
      name: spec.name,
      options,
      callbacks: Object.keys(callbacks),
    },
    execArgv: profilingFlags(process.execArgv),
  });
  let stopping = false;
  const waiting = new Map<Order, () => void>();
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') resolve(message.endpoint);
      else if (message.type === 'failed') {
        reject(Object.assign(new Error(message.message), { code: message.code, port: message.port }));
      } else if (message.type === 'done') waiting.get(message.of)?.();
      else if (message.type === 'call') answer(worker, callbacks, message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`The ${spec.name} worker exited (${code}) before it listened.`));
      if (!stopping) onExit(`The ${spec.name} worker stopped (exit code ${code}).`);
    });
  });
  const order = (type: Order) =>
    new Promise<void>((resolve) => {
      waiting.set(type, resolve);
      worker.postMessage({ type });
    });
  return {
    endpoint,
    pause: () => order('pause'),
    resume: () => order('resume'),
    outage: async (ms) => {
      await order('pause');
      await new Promise((resolve) => setTimeout(resolve, ms));
      await order('resume');
    },
    close: async () => {
      if (stopping) return;
      stopping = true;
      await order('close');
      await worker.terminate();
    },
  };
}

/** Runs a callback the worker called, and sends back its result or its error's message. */
async function answer(worker: Worker, callbacks: Callbacks, call: { id: number; name: string; args: unknown[] }) {
  try {
    const callback = callbacks[call.name] as (...args: unknown[]) => unknown;
    worker.postMessage({ type: 'result', id: call.id, value: await callback(...call.args) });
  } catch (error) {
    worker.postMessage({ type: 'result', id: call.id, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * The parent's profiling flags (`--cpu-prof`, `--heap-prof` and their options), so a profiled stack profiles
 * every thread. No other flag is passed on: the entry loads TypeScript itself, and flags that are the
 * process's (`--max-old-space-size`, `--expose-gc`) are refused by a worker.
 */
function profilingFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (!/^--(cpu|heap)-prof/.test(arg)) continue;
    kept.push(arg);
    const takesValue = /^--(cpu|heap)-prof-(dir|name|interval)$/.test(arg);
    if (takesValue && i + 1 < execArgv.length) kept.push(execArgv[++i] as string);
  }
  return kept;
}
