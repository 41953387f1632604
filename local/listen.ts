import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a server on loopback; resolves with the port it got (0 asks for any free one). */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
