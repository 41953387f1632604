import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a server on loopback; resolves with the port it got (0 asks for any free one). */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Stops a server at once: its connections, kept-alive ones included, are closed rather than waited for. */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
