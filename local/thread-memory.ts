import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

/** What one thread holds after a full garbage collection, in MB. */
export interface ThreadMemory {
  thread: string;
  /** Live JavaScript objects. */
  heapUsedMB: number;
  /** Memory V8 holds for the heap, live or not. */
  heapTotalMB: number;
  /** Buffers and other memory outside the heap that JavaScript objects own. */
  externalMB: number;
}

/** The process's memory once every thread of the stack has collected its garbage. */
export interface StackMemory {
  /** Resident memory of the whole process (every thread, native memory included), after the collections. */
  rssMB: number;
  threads: ThreadMemory[];
}

type Message =
  | { type: 'measure'; id: number; snapshotDir?: string; tag?: string }
  | { type: 'measured'; id: number; memory: ThreadMemory };

const CHANNEL = 'precis-thread-memory';
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

let collect: (() => void) | null = null;
/** A full collection (`gc()` without `--expose-gc`: the flag set at run time reaches a new context). */
function collectGarbage(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  // Twice: objects with finalizers (weak references, FinalizationRegistry) go at the second.
  collect();
  collect();
}

function measure(thread: string, snapshotDir?: string, tag?: string): ThreadMemory {
  collectGarbage();
  if (snapshotDir) v8.writeHeapSnapshot(join(snapshotDir, `${tag ?? 'heap'}-${thread}.heapsnapshot`));
  const usage = process.memoryUsage();
  return { thread, heapUsedMB: mb(usage.heapUsed), heapTotalMB: mb(usage.heapTotal), externalMB: mb(usage.external) };
}

/**
 * Lets `measureStackMemory` reach this thread: a thread of the local stack
 * (an emulator's, the API's, the cleaning worker's) calls it once with its
 * name. It keeps no event loop alive.
 */
export function answerMemoryMeasures(thread: string): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => {
    const message = (event as { data: Message }).data;
    if (message.type !== 'measure') return;
    channel.postMessage({
      type: 'measured',
      id: message.id,
      memory: measure(thread, message.snapshotDir, message.tag),
    } satisfies Message);
  };
  (channel as unknown as { unref(): void }).unref();
}

let nextId = 0;

/**
 * The stack's memory after a full garbage collection in every thread that
 * answers (`answerMemoryMeasures`) and in this one: a figure that does not
 * depend on when the collector last ran, as a sample of RSS does. With
 * `snapshotDir`, each thread also writes a heap snapshot there
 * (`<tag>-<thread>.heapsnapshot`). Threads that have not answered within
 * `waitMs` (a busy cleaning worker) are left out.
 */
export async function measureStackMemory(
  options: { snapshotDir?: string; tag?: string; waitMs?: number; threads?: number } = {},
): Promise<StackMemory> {
  const id = nextId++;
  const channel = new BroadcastChannel(CHANNEL);
  const threads: ThreadMemory[] = [];
  let allAnswered: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    allAnswered = resolve;
  });
  channel.onmessage = (event) => {
    const message = (event as { data: Message }).data;
    if (message.type !== 'measured' || message.id !== id) return;
    threads.push(message.memory);
    if (options.threads !== undefined && threads.length >= options.threads) allAnswered();
  };
  channel.postMessage({ type: 'measure', id, snapshotDir: options.snapshotDir, tag: options.tag } satisfies Message);
  // This thread's own first; the wait for the others starts after it (a snapshot takes a while).
  threads.push(measure(isMainThread ? 'main' : `thread-${threadId}`, options.snapshotDir, options.tag));
  if (options.threads !== undefined && threads.length >= options.threads) allAnswered();
  const timer = setTimeout(allAnswered, options.waitMs ?? 30_000);
  await answered;
  clearTimeout(timer);
  channel.close();
  threads.sort((a, b) => a.thread.localeCompare(b.thread));
  return { rssMB: rssMB(), threads };
}

/** This process's resident memory in MB: every thread's, native memory included. */
function rssMB(): number {
  return Math.round(process.memoryUsage.rss() / 1048576);
}
