import { createServer } from 'node:http';
import { closeNow, listen } from '../../../local/listen.js';
import type { Service } from '../../../local/worker-host.js';

/** A service for the worker host's tests: answers each request with what the parent's `answer` callback says. */
export async function startEcho(options: { port: number; answer(path: string): Promise<string> }): Promise<Service> {
  const server = createServer(async (req, res) => {
    res.end(await options.answer(req.url ?? ''));
  });
  const port = await listen(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => closeNow(server),
  };
}
