import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How long a loopback server keeps an idle kept-alive socket. Node closes one
 * after 5 s; a client that reuses it as the server closes it (a busy event loop
 * runs the timer late) gets ECONNRESET, and the SDK's retries, when a burst of
 * them has spent its retry quota, do not try again: a test polling the local
 * DynamoDB after a pause of more than 5 s failed on "socket hang up". Clients
 * (fetch, the SDKs) drop idle sockets sooner: 65 s leaves the closing to them.
 */
export const LOOPBACK_KEEP_ALIVE_MS = 65_000;

/** Starts a server on loopback; resolves with the port it got (0 asks for any free one). */
export function listen(server: Server, port: number): Promise<number> {
  server.keepAliveTimeout = LOOPBACK_KEEP_ALIVE_MS;
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
