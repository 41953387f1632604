/**
 * API Gateway with a Cognito authorizer, as a test needs it in front of the
 * local stack (which takes API keys only): GET / serves the reader page
 * given; any other request needs `Authorization: Bearer <access token>` that
 * the Cognito stand-in issued, unexpired, with `precis/read` for GET and
 * `precis/reprocess` for POST (else 401 as the stage answers it), and is then
 * passed to the stack with its key.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_SCOPES } from '../../lambdas/api/routes.js';
import { closeNow } from '../../local/listen.js';
import type { CognitoStandIn } from './cognito-stand-in.js';

export interface CognitoGateway {
  url: string;
  close(): Promise<void>;
}

export async function startCognitoGateway(options: {
  /** The page GET / serves, made once the gateway's URL (its redirect URI) is known. */
  page: (url: string) => { body: string; headers: Record<string, string> };
  cognito: Pick<CognitoStandIn, 'verify'>;
  /** Where authorized requests go, and with which key; read per request (the stack may start later). */
  upstream: () => { url: string; apiKey: string };
}): Promise<CognitoGateway> {
  let self = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      const page = options.page(self);
      res.writeHead(200, page.headers).end(method === 'GET' ? page.body : undefined);
      return;
    }
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : header;
    const scope = method === 'GET' || method === 'HEAD' ? API_SCOPES.read : API_SCOPES.reprocess;
    if (!token || !options.cognito.verify(token, scope)) {
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Unauthorized' }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { url: upstream, apiKey } = options.upstream();
    const headers: Record<string, string> = { 'x-api-key': apiKey };
    for (const name of ['content-type', 'accept', 'if-none-match']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
    });
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    close: () => closeNow(server),
  };
}
