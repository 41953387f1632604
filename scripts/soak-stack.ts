/**
 * The soak's `npm start`: the same stack, printing the same lines, which also
 * takes the soak's orders over its IPC channel: `{ outage: 'dynamodb' | 's3',
 * ms }` stops that emulator and starts it again on the same port `ms` later,
 * as a service outage would look to the functions and the API; `{ memory:
 * { tag, snapshotDir? } }` answers `{ memory: { tag, ...StackMemory } }`,
 * the stack's memory after a garbage collection in every thread (and writes
 * each thread's heap snapshot into `snapshotDir` when given).
 */
import '../local/process-env.js';
import { runLocalStack } from '../local/run.js';
import { measureStackMemory } from '../local/thread-memory.js';

/** This thread, S3's, DynamoDB's and the API's: the threads that answer (the cleaning worker does not). */
const STACK_THREADS = 4;

const stack = await runLocalStack();
process.on(
  'message',
  (order: { outage?: 'dynamodb' | 's3'; ms?: number; memory?: { tag: string; snapshotDir?: string } }) => {
    if (order.memory) {
      const { tag, snapshotDir } = order.memory;
      measureStackMemory({ tag, snapshotDir, threads: STACK_THREADS }).then(
        (memory) => process.send?.({ memory: { tag, ...memory } }),
        (error: Error) => console.log(`memory not measured: ${error.message}`),
      );
      return;
    }
    const emulator = order.outage ? stack.emulators[order.outage] : undefined;
    if (!emulator) return;
    console.log(`${order.outage} is down for ${order.ms} ms`);
    emulator.outage(order.ms ?? 0).then(
      () => console.log(`${order.outage} is back`),
      (error: Error) => console.log(`${order.outage} did not come back: ${error.message}`),
    );
  },
);
