import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../../local/listen.js';
import { startInWorker, type WorkerService } from '../../../local/worker-host.js';

const ECHO = { module: new URL('./echo-service.ts', import.meta.url), start: 'startEcho', name: 'echo' };
const services: WorkerService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
});

async function start(port = 0, answer = async (path: string) => `parent saw ${path}`) {
  const service = await startInWorker(ECHO, { port }, { answer });
  services.push(service);
  return service;
}
const get = async (url: string) => (await fetch(url)).text();

describe('a service in a worker thread', () => {
  it('listens, and calls back into this thread for what it needs, waiting for the answer', async () => {
    const calls: string[] = [];
    const service = await start(0, async (path) => {
      calls.push(path);
      return `answer to ${path}`;
    });
    expect(await get(`${service.endpoint}/a`)).toBe('answer to /a');
    expect(await get(`${service.endpoint}/b`)).toBe('answer to /b');
    expect(calls).toEqual(['/a', '/b']);
  });

  it('fails to start on a port in use with the error, its code and its port', async () => {
    const taken = createServer();
    const port = await listen(taken, 0);
    try {
      await expect(start(port)).rejects.toMatchObject({ code: 'EADDRINUSE', port });
    } finally {
      taken.close();
    }
  });

  it('refuses connections while paused, and answers again on the same port once resumed', async () => {
    const service = await start();
    await service.pause();
    await expect(fetch(service.endpoint)).rejects.toThrow();
    await service.resume();
    expect(await get(`${service.endpoint}/again`)).toBe('parent saw /again');
  });
});
