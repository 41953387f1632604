import { parentPort, workerData } from 'node:worker_threads';
import { answerMemoryMeasures } from './thread-memory.js';
import type { Service } from './worker-host.js';

/**
 * The worker side of `startInWorker`: imports the module, starts its service
 * with the options (the parent's callbacks as functions that send a message
 * and wait for the answer), says where it listens, and then closes it, or
 * pauses it (closed) and resumes it (started again on the same port), when
 * the parent says so.
 */
const { module, start, name, options, callbacks } = workerData as {
  module: string;
  start: string;
  name: string;
  options: Record<string, unknown>;
  callbacks: string[];
};
const port = parentPort;
if (!port) throw new Error('worker-main runs in a worker thread');
// The soak asks every thread for its memory after a collection (thread-memory.ts).
answerMemoryMeasures(name);

const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCall = 0;
const proxies = Object.fromEntries(
  callbacks.map((name) => [
    name,
    (...args: unknown[]) => {
      const id = nextCall++;
      const result = new Promise((resolve, reject) => calls.set(id, { resolve, reject }));
      port.postMessage({ type: 'call', id, name, args });
      // A caller that does not wait for the answer (an event handler) leaves no unhandled rejection.
      result.catch(() => undefined);
      return result;
    },
  ]),
);

// Listening from the start: the service may call back (and wait for the answer) while it starts.
let service: Service | null = null;
port.on('message', async (message: { type: string; id?: number; value?: unknown; error?: string; ms?: number }) => {
  if (message.type === 'result') {
    const call = calls.get(message.id ?? -1);
    calls.delete(message.id ?? -1);
    if (message.error === undefined) call?.resolve(message.value);
    else call?.reject(new Error(message.error));
  } else if (message.type === 'close') {
    await service?.close();
    port.postMessage({ type: 'done', of: 'close' });
  } else if (message.type === 'pause') {
    await service?.close();
    port.postMessage({ type: 'done', of: 'pause' });
  } else if (message.type === 'resume' && service) {
    service = await startService({ ...options, ...proxies, port: Number(new URL(service.endpoint).port) });
    port.postMessage({ type: 'done', of: 'resume' });
  }
});

const startService = (await import(module))[start] as (options: Record<string, unknown>) => Promise<Service>;
try {
  service = await startService({ ...options, ...proxies });
  port.postMessage({ type: 'ready', endpoint: service.endpoint });
} catch (error) {
  const { message, code, port: busy } = error as Error & { code?: string; port?: number };
  port.postMessage({ type: 'failed', message, code, port: busy });
  process.exit(1);
}
