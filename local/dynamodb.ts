import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { closeNow, listen } from './listen.js';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The dynalite of each folder this thread started: started again (an outage's
 * end), it listens again with the database it has open. A second dynalite on
 * the folder would open its LevelDB again while the first still holds it.
 */
const running = new Map<string, Server>();

/** dynalite on loopback, persisted in `directory` (LevelDB). The local stack runs it in a worker thread of its own. */
export async function startDynamo(options: { port: number; directory: string }): Promise<LocalDynamo> {
  const server: Server =
    running.get(options.directory) ??
    dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  running.set(options.directory, server);
  const port = await listen(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // Kept-alive connections closed too: a close that waited for them would wait as long as clients keep sending
    // (an outage would not be one), and stopping would hang.
    close: () => closeNow(server),
  };
}
