/**
 * The soak's `npm start`: the same stack, printing the same lines, which also
 * takes the soak's orders over its IPC channel: `{ outage: 'dynamodb' | 's3',
 * ms }` stops that emulator and starts it again on the same port `ms` later,
 * as a service outage would look to the functions and the API.
 */
import '../local/process-env.js';
import { runLocalStack } from '../local/run.js';

const stack = await runLocalStack();
process.on('message', (order: { outage?: 'dynamodb' | 's3'; ms?: number }) => {
  const emulator = order.outage ? stack.emulators[order.outage] : undefined;
  if (!emulator) return;
  console.log(`${order.outage} is down for ${order.ms} ms`);
  emulator.outage(order.ms ?? 0).then(
    () => console.log(`${order.outage} is back`),
    (error: Error) => console.log(`${order.outage} did not come back: ${error.message}`),
  );
});
