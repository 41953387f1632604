import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { listen } from './listen.js';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** dynalite on loopback, persisted in `directory` (LevelDB). The local stack runs it in a worker thread of its own. */
export async function startDynamo(options: { port: number; directory: string }): Promise<LocalDynamo> {
  const server: Server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
