import { Worker } from 'node:worker_threads';

/** A server a module's start function brought up: where it listens, and how it stops. */
export interface Service {
  endpoint: string;
  close(): Promise<void>;
  /** Functions the starting thread may call by name (`WorkerService.invoke`): a function's handler, say. */
  calls?: Record<string, (...args: never[]) => unknown>;
}

/** A service running in a worker thread of its own. */
export interface WorkerService extends Service {
  /** Closes the service, keeping its thread: it refuses connections until `resume`. */
  pause(): Promise<void>;
  /** Starts it again on the same port. */
  resume(): Promise<void>;
  /** Paused for `ms`, then resumed: an outage, for soaks. */
  outage(ms: number): Promise<void>;
  /**
   * Calls one of the service's `calls` in its thread with `args` (plain data, copied) and resolves with
   * what it returned; rejects with its error's message, or when the worker stops first.
   */
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
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
  | { type: 'returned'; id: number; value?: unknown; error?: string }
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
  const invoked = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextInvoke = 0;
  let exited = false;
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') resolve(message.endpoint);
      else if (message.type === 'failed') {
        reject(Object.assign(new Error(message.message), { code: message.code, port: message.port }));
      } else if (message.type === 'done') waiting.get(message.of)?.();
      else if (message.type === 'call') answer(worker, callbacks, message);
      else if (message.type === 'returned') {
        const call = invoked.get(message.id);
        invoked.delete(message.id);
        if (message.error === undefined) call?.resolve(message.value);
        else call?.reject(new Error(message.error));
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      exited = true;
      reject(new Error(`The ${spec.name} worker exited (${code}) before it listened.`));
      // What it was doing ends with it: a caller waiting for an answer hears so.
      for (const call of invoked.values())
        call.reject(new Error(`The ${spec.name} worker stopped (exit code ${code}).`));
      invoked.clear();
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
    invoke: (name, ...args) => {
      if (exited) return Promise.reject(new Error(`The ${spec.name} worker has stopped.`));
      const id = nextInvoke++;
      const result = new Promise<unknown>((resolve, reject) => invoked.set(id, { resolve, reject }));
      worker.postMessage({ type: 'invoke', id, name, args });
      return result;
    },
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
