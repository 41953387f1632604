/**
 * A stand-in for a Cognito user pool's OAuth 2.0 endpoints, on 127.0.0.1,
 * behaving as Cognito's documentation describes them:
 *
 * - GET /oauth2/authorize: checks the client, the redirect URI (registered,
 *   else an error page and no redirect), response_type=code, the scopes and
 *   PKCE (S256 only: another method is `invalid_request` at the redirect
 *   URI), then sends the browser to the sign-in page (/login), which sends it
 *   back with `code` and `state` in the query (a code lives 5 minutes);
 * - POST /oauth2/token (form body only; CORS `*`, as Cognito answers it):
 *   `authorization_code` (the same client and redirect URI, the code once,
 *   and the verifier whose S256 is the challenge, else `invalid_grant`),
 *   `refresh_token`, and `client_credentials` (a client with a secret, by
 *   HTTP Basic or client_secret_post; scopes it may have, else
 *   `invalid_scope`); errors are 400 `{"error": …}`;
 * - GET /logout: to the registered sign-out URL.
 *
 * Tokens are JWTs signed with a key of this server (HS256); `verify` checks
 * one as API Gateway's Cognito authorizer would (signature, expiry, `access`
 * use, a scope). Time is the injected clock's, so a test moves it instead of
 * waiting.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeNow } from '../../local/listen.js';

export interface StandInClient {
  id: string;
  /** A confidential client's secret; none for a public client (the page's). */
  secret?: string;
  flows: ('code' | 'client_credentials')[];
  scopes: string[];
  callbackUrls?: string[];
  logoutUrls?: string[];
}

export interface StandInUser {
  username: string;
  password: string;
}

export interface TokenClaims {
  sub: string;
  client_id: string;
  token_use: 'access' | 'id';
  scope: string;
  exp: number;
  iat: number;
  username?: string;
}

/** One request to the token endpoint, as received: for a test to count grants or read what a client sent. */
export interface TokenRequest {
  grantType: string;
  fields: Record<string, string>;
  basic: boolean;
  status: number;
}

export interface CognitoStandIn {
  /** The domain's base URL, like https://<prefix>.auth.<region>.amazoncognito.com. */
  url: string;
  tokenRequests: TokenRequest[];
  /** The claims of a valid access token that has `scope`, else null. */
  verify(token: string, scope?: string): TokenClaims | null;
  close(): Promise<void>;
}

const CODE_LIFETIME_S = 300;
const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

async function formBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startCognitoStandIn(options: {
  clients: StandInClient[];
  users: StandInUser[];
  /** Seconds since the epoch; the system clock when absent. */
  now?: () => number;
  accessTokenSeconds?: number;
}): Promise<CognitoStandIn> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const lifetime = options.accessTokenSeconds ?? 3600;
  const key = randomBytes(32);
  const clients = new Map(options.clients.map((c) => [c.id, c]));
  const codes = new Map<
    string,
    { clientId: string; redirectUri: string; scope: string; username: string; challenge?: string; expires: number }
  >();
  const refreshTokens = new Map<string, { clientId: string; scope: string; username: string }>();
  const tokenRequests: TokenRequest[] = [];

  const sign = (claims: TokenClaims) => {
    const head = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    return `${head}.${base64url(createHmac('sha256', key).update(head).digest())}`;
  };
  const verify = (token: string, scope?: string): TokenClaims | null => {
    const [head, payload, signature] = token.split('.');
    if (!head || !payload || !signature) return null;
    const expected = createHmac('sha256', key).update(`${head}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    if (claims.token_use !== 'access' || claims.exp <= now()) return null;
    if (scope && !claims.scope.split(' ').includes(scope)) return null;
    return claims;
  };
  const tokens = (clientId: string, scope: string, username: string | null, withRefresh: boolean) => {
    const iat = now();
    const sub = username ?? clientId;
    const access = sign({
      sub,
      client_id: clientId,
      token_use: 'access',
      scope,
      iat,
      exp: iat + lifetime,
      ...(username ? { username } : {}),
    });
    const answer: Record<string, string | number> = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: lifetime,
    };
    if (username) {
      answer.id_token = sign({
        sub,
        client_id: clientId,
        token_use: 'id',
        scope: '',
        iat,
        exp: iat + lifetime,
        username,
      });
    }
    if (withRefresh && username) {
      const refresh = randomBytes(24).toString('base64url');
      refreshTokens.set(refresh, { clientId, scope, username });
      answer.refresh_token = refresh;
    }
    return answer;
  };

  const errorPage = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Error</title><p id="error">${escapeHtml(text)}</p>`);
  };
  const back = (res: ServerResponse, redirectUri: string, params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    res.writeHead(302, { location: target.toString() }).end();
  };
  /** The authorize request's checks: an error page (nothing to redirect to), a redirect with an error, or the client and scope. */
  const authorizeRequest = (res: ServerResponse, query: URLSearchParams) => {
    const client = clients.get(query.get('client_id') ?? '');
    if (!client) return errorPage(res, 400, 'An error was encountered with the requested page: invalid client_id.');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client.callbackUrls?.includes(redirectUri)) return errorPage(res, 400, 'redirect_mismatch');
    const state = query.get('state') ?? undefined;
    const fail = (error: string) => back(res, redirectUri, { error, ...(state ? { state } : {}) });
    if (query.get('response_type') !== 'code' || !client.flows.includes('code')) return fail('unauthorized_client');
    const method = query.get('code_challenge_method');
    const challenge = query.get('code_challenge') ?? undefined;
    if ((method !== null || challenge) && (method !== 'S256' || !challenge)) return fail('invalid_request');
    const asked = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (asked.some((s) => !client.scopes.includes(s))) return fail('invalid_scope');
    return { client, redirectUri, state, challenge, scope: (asked.length ? asked : client.scopes).join(' ') };
  };

  const loginForm = (res: ServerResponse, query: URLSearchParams, message = '') => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Sign in</title><h1>Sign in</h1>${message ? `<p id="error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/login?${escapeHtml(query.toString())}">
<label>Username <input name="username" id="username"></label>
<label>Password <input name="password" id="password" type="password"></label>
<button id="submit">Sign in</button></form>`);
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, body: object, request: Omit<TokenRequest, 'status'>) => {
      tokenRequests.push({ ...request, status });
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    const fields = Object.fromEntries(new URLSearchParams(await formBody(req)));
    const grantType = fields.grant_type ?? '';
    const header = req.headers.authorization ?? '';
    const basic = header.startsWith('Basic ');
    const seen = { grantType, fields, basic };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return answer(400, { error: 'invalid_request' }, seen);
    // Client authentication: HTTP Basic, client_secret_post, or a public client by its id.
    let clientId = fields.client_id ?? '';
    let secret = fields.client_secret;
    if (basic) {
      const [id = '', pass = ''] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      clientId = id;
      secret = pass;
    }
    const client = clients.get(clientId);
    if (!client || (client.secret !== undefined && client.secret !== secret) || (client.secret === undefined && secret))
      return answer(400, { error: 'invalid_client' }, seen);
    if (grantType === 'authorization_code') {
      const code = codes.get(fields.code ?? '');
      codes.delete(fields.code ?? '');
      if (!code || code.clientId !== clientId || code.expires <= now())
        return answer(400, { error: 'invalid_grant' }, seen);
      if (fields.redirect_uri !== code.redirectUri) return answer(400, { error: 'invalid_grant' }, seen);
      if (code.challenge !== undefined) {
        const verifier = fields.code_verifier ?? '';
        const made = createHash('sha256').update(verifier).digest('base64url');
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || made !== code.challenge)
          return answer(400, { error: 'invalid_grant' }, seen);
      }
      return answer(200, tokens(clientId, code.scope, code.username, true), seen);
    }
    if (grantType === 'refresh_token') {
      const held = refreshTokens.get(fields.refresh_token ?? '');
      if (!held || held.clientId !== clientId) return answer(400, { error: 'invalid_grant' }, seen);
      return answer(200, tokens(clientId, held.scope, held.username, false), seen);
    }
    if (grantType === 'client_credentials') {
      if (client.secret === undefined || !client.flows.includes('client_credentials'))
        return answer(400, { error: 'unauthorized_client' }, seen);
      const asked = (fields.scope ?? '').split(' ').filter(Boolean);
      if (asked.some((s) => !client.scopes.includes(s))) return answer(400, { error: 'invalid_scope' }, seen);
      return answer(200, tokens(clientId, (asked.length ? asked : client.scopes).join(' '), null, false), seen);
    }
    return answer(400, { error: 'unsupported_grant_type' }, seen);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.searchParams;
    try {
      if (url.pathname === '/oauth2/token' && req.method === 'POST') return await token(req, res);
      if (url.pathname === '/oauth2/authorize' && req.method === 'GET') {
        if (!authorizeRequest(res, query)) return;
        res.writeHead(302, { location: `/login?${query}` }).end();
        return;
      }
      if (url.pathname === '/login' && req.method === 'GET') {
        if (authorizeRequest(res, query)) loginForm(res, query);
        return;
      }
      if (url.pathname === '/login' && req.method === 'POST') {
        const request = authorizeRequest(res, query);
        if (!request) return;
        const form = new URLSearchParams(await formBody(req));
        const user = options.users.find((u) => u.username === form.get('username'));
        if (!user || user.password !== form.get('password'))
          return loginForm(res, query, 'Incorrect username or password.');
        const code = randomBytes(18).toString('hex');
        codes.set(code, {
          clientId: request.client.id,
          redirectUri: request.redirectUri,
          scope: request.scope,
          username: user.username,
          challenge: request.challenge,
          expires: now() + CODE_LIFETIME_S,
        });
        return back(res, request.redirectUri, { code, ...(request.state ? { state: request.state } : {}) });
      }
      if (url.pathname === '/logout' && req.method === 'GET') {
        const client = clients.get(query.get('client_id') ?? '');
        const to = query.get('logout_uri') ?? '';
        if (!client?.logoutUrls?.includes(to))
          return errorPage(res, 400, "Required String parameter 'redirect_uri' is not present");
        res.writeHead(302, { location: to }).end();
        return;
      }
      errorPage(res, 404, 'Not found');
    } catch {
      errorPage(res, 500, 'server_error');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests,
    verify,
    close: () => closeNow(server),
  };
}
