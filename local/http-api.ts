import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PUBLIC_PATHS } from '../lambdas/api/routes.js';
import { answerClientError } from './client-error.js';
import { lambdaContext } from './lambda-context.js';
import { closeNow, listen } from './listen.js';

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The request as API Gateway's REST proxy integration hands it to a Lambda, but for its body (read after the key check). */
export function toProxyEvent(req: IncomingMessage, stage: string): APIGatewayProxyEvent {
  // Appended, not resolved: a request for "//x" is a path, not a host (new URL('//x', base) throws).
  const target = req.url?.startsWith('/') ? req.url : `/${req.url ?? ''}`;
  const url = new URL(`http://localhost${target}`);
  const headerValues = Object.entries(req.headers).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value : [value]] as const],
  );
  const headers: Record<string, string> = Object.fromEntries(headerValues.map(([n, v]) => [n, v.join(',')]));
  const multiValueHeaders: Record<string, string[]> = Object.fromEntries(headerValues);
  // Any name is data ("constructor", "__proto__"): collected in a Map, made own properties as API Gateway's JSON does.
  const byName = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) byName.set(name, [...(byName.get(name) ?? []), value]);
  const query: Record<string, string> = Object.fromEntries(
    [...byName].map(([name, values]) => [name, values.at(-1) ?? '']),
  );
  const multiQuery: Record<string, string[]> = Object.fromEntries(byName);
  const hasQuery = byName.size > 0;
  const method = req.method ?? 'GET';
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/${stage}${url.pathname}`,
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      identity: {
        apiKey: headers['x-api-key'] ?? null,
        apiKeyId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

/** API Gateway's own limit on a request body. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The request body as text, null when there is none, undefined when it is over the limit. */
async function readBody(req: IncomingMessage): Promise<string | null | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

export interface LocalApi {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The HTTP API as API Gateway serves it: requests without the right
 * `x-api-key` get 403 before the function runs (but for the public pages and
 * preflights); the others reach the api handler as REST proxy events.
 */
export async function startHttpApi(options: { port: number; apiKey: string; handler: ApiHandler }): Promise<LocalApi> {
  const server: Server = createServer(async (req, res) => {
    try {
      const event = toProxyEvent(req, 'local');
      // As the stage has it: the page and the contract need no key, nor a browser's preflight.
      const open =
        req.method === 'OPTIONS' || ((req.method === 'GET' || req.method === 'HEAD') && PUBLIC_PATHS.has(event.path));
      if (!open && req.headers['x-api-key'] !== options.apiKey) {
        res.writeHead(403, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
            detail: 'A valid API key is required in the x-api-key header.',
          }),
        );
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Payload too large',
            status: 413,
            detail: `A request body may have ${MAX_BODY_BYTES} bytes at most.`,
          }),
        );
        return;
      }
      const result = await options.handler({ ...event, body }, lambdaContext('precis-api'));
      res.writeHead(result.statusCode, result.headers as Record<string, string>);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch {
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({ type: 'about:blank', title: 'Bad gateway', status: 502, detail: 'The api function failed.' }),
      );
    }
  });
  server.on('clientError', answerClientError);
  // Idle kept-alive sockets are left for the clients to close (listen: LOOPBACK_KEEP_ALIVE_MS).
  const port = await listen(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => closeNow(server),
  };
}
