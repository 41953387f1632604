/**
 * How the `precis` commands reach a running stack's HTTP API: where it is,
 * how a request is authorized (an API key, SigV4 for `-c auth=iam`, or a
 * bearer token for `-c auth=cognito`: given, or got by the command itself
 * with an app client's credentials), and what a failed call means.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from './main.js';
import { RemoteUsageError } from './usage.js';

/** The flags every command on a running stack takes. */
export const TARGET_OPTIONS = {
  api: { type: 'string' },
  key: { type: 'string' },
  token: { type: 'string' },
  iam: { type: 'boolean' },
  stack: { type: 'string' },
  region: { type: 'string' },
} as const;

export interface TargetFlags {
  api?: string;
  key?: string;
  token?: string;
  iam?: boolean;
  stack?: string;
  region?: string;
}

/** Adds what authorizes one request to its headers. */
type Authorize = (request: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}) => Promise<Record<string, string>>;

type AuthKind = 'key' | 'iam' | 'token' | 'client';

export interface ApiTarget {
  url: string;
  /** How the calls are authorized, for messages: a key, SigV4, a token given, or tokens got with client credentials. */
  auth: AuthKind;
  authorize: Authorize;
}

/** A call that did not get a 2xx: the problem document's code and detail, or what went wrong on the way. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const withKey =
  (key: string): Authorize =>
  async ({ headers }) => ({ ...headers, 'x-api-key': key });

const withToken =
  (token: string | (() => Promise<string>)): Authorize =>
  async ({ headers }) => ({
    ...headers,
    authorization: `Bearer ${typeof token === 'string' ? token : await token()}`,
  });

/** The user pool's token endpoint and an app client's id and secret, from the environment: all three, or none. */
function clientFromEnv(env: Io['env']): { tokenUrl?: string; clientId?: string; clientSecret?: string } | null {
  const { PRECIS_TOKEN_URL: tokenUrl, PRECIS_CLIENT_ID: clientId, PRECIS_CLIENT_SECRET: clientSecret } = env;
  return tokenUrl || clientId || clientSecret ? { tokenUrl, clientId, clientSecret } : null;
}

/** Bearer tokens got by the client credentials grant, kept for the process (and on disk) and renewed before they expire. */
async function withClientCredentials(
  credentials: { tokenUrl?: string; clientId?: string; clientSecret?: string },
  env: Io['env'],
): Promise<Authorize> {
  const { tokenUrl, clientId, clientSecret } = credentials;
  if (!tokenUrl || !clientId || !clientSecret) {
    const missing = Object.entries({
      PRECIS_TOKEN_URL: tokenUrl,
      PRECIS_CLIENT_ID: clientId,
      PRECIS_CLIENT_SECRET: clientSecret,
    })
      .filter(([, value]) => !value)
      .map(([name]) => name);
    throw new RemoteUsageError(
      `a Cognito token needs the token URL, the client id and its secret: ${missing.join(' and ')} not set (docs/api.md, "The precis command")`,
    );
  }
  if (!/^https?:\/\/[^/]/.test(tokenUrl))
    throw new RemoteUsageError(`PRECIS_TOKEN_URL must be an http(s) URL, not "${tokenUrl}"`);
  const { ClientCredentialsTokens, tokenCacheDir } = await import('./cognito-token.js');
  const tokens = new ClientCredentialsTokens(
    { tokenUrl, clientId, clientSecret, ...(env.PRECIS_TOKEN_SCOPE ? { scope: env.PRECIS_TOKEN_SCOPE } : {}) },
    { cacheDir: tokenCacheDir(env) },
  );
  return withToken(() => tokens.token());
}

/** The secret of the stack's machine client, as its ApiClientSecretCommand output reads it. */
async function clientSecretOf(userPoolId: string, clientId: string, config: { region?: string }): Promise<string> {
  const { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } = await import(
    '@aws-sdk/client-cognito-identity-provider'
  );
  const answer = await new CognitoIdentityProviderClient(config)
    .send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))
    .catch((error: Error) => {
      throw new ApiCallError(
        'STACK_UNREADABLE',
        `The stack's app client secret could not be read: ${error.message}`,
        null,
      );
    });
  const secret = answer.UserPoolClient?.ClientSecret;
  if (!secret) throw new ApiCallError('STACK_UNREADABLE', `The app client ${clientId} has no secret.`, null);
  return secret;
}

/** The region of an execute-api URL (`https://abc.execute-api.eu-west-1.amazonaws.com/v1`). */
function regionOf(url: string, fallback?: string): string {
  const region = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1] ?? fallback;
  if (!region) throw new RemoteUsageError('--iam needs an execute-api URL, or --region');
  return region;
}

/** SigV4, with the credentials the AWS CLI would use (environment, profile, SSO, instance role). */
async function withSigV4(url: string, region?: string): Promise<Authorize> {
  const [{ SignatureV4 }, { Sha256 }, { defaultProvider }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-crypto/sha256-js'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: regionOf(url, region),
    credentials: defaultProvider(),
    sha256: Sha256,
  });
  return async ({ method, url: target, headers, body }) => {
    const query = Object.fromEntries(target.searchParams);
    const signed = await signer.sign({
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      path: target.pathname,
      query,
      headers: { ...headers, host: target.host },
      ...(body === undefined ? {} : { body }),
    });
    // fetch sends the same Host itself (it is signed as the URL's host).
    const { host: _host, ...rest } = signed.headers as Record<string, string>;
    return rest;
  };
}

/** What `precis … --stack NAME` reads from the stack: its URL, and the key (or the kind of auth). */
async function fromStack(
  name: string,
  region: string | undefined,
): Promise<{
  url: string;
  key?: string;
  auth: 'key' | 'iam' | 'token';
  cognito?: { tokenUrl?: string; clientId?: string; userPoolId?: string };
}> {
  const [{ CloudFormationClient, DescribeStacksCommand }, { APIGatewayClient, GetApiKeyCommand }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-api-gateway'),
  ]);
  const config = region ? { region } : {};
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await new CloudFormationClient(config).send(new DescribeStacksCommand({ StackName: name }));
    outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    throw new ApiCallError(
      'STACK_UNREADABLE',
      `The stack "${name}" could not be read: ${(error as Error).message}`,
      null,
    );
  }
  const url = outputs.ApiUrl;
  if (!url)
    throw new ApiCallError('STACK_UNREADABLE', `The stack "${name}" has no ApiUrl output: is it a precis stack?`, null);
  if (outputs.ApiKeyId) {
    const key = await new APIGatewayClient(config)
      .send(new GetApiKeyCommand({ apiKey: outputs.ApiKeyId, includeValue: true }))
      .catch((error: Error) => {
        throw new ApiCallError('STACK_UNREADABLE', `The stack's API key could not be read: ${error.message}`, null);
      });
    if (!key.value) throw new ApiCallError('STACK_UNREADABLE', "The stack's API key has no value.", null);
    return { url, key: key.value, auth: 'key' };
  }
  if (outputs.ApiReadPolicyArn) return { url, auth: 'iam' };
  return {
    url,
    auth: 'token',
    cognito: { tokenUrl: outputs.TokenUrl, clientId: outputs.ApiClientId, userPoolId: outputs.UserPoolId },
  };
}

/**
 * Where the API is and how to authorize: `--stack` reads both from a
 * deployed stack's outputs; otherwise flags, then the environment, then the
 * local stack (its URL, and the key it keeps in its data folder). A stack
 * that takes Cognito tokens gets them from its token endpoint with its
 * machine client (whose secret the outputs' command reads), or with the
 * client PRECIS_CLIENT_ID and PRECIS_CLIENT_SECRET name; a token given with
 * --token is used as it is.
 */
export async function apiTarget(values: TargetFlags, env: Io['env']): Promise<ApiTarget> {
  if (values.stack !== undefined) {
    if (values.api !== undefined) throw new RemoteUsageError('give --stack or --api, not both');
    const found = await fromStack(values.stack, values.region ?? env.AWS_REGION);
    const url = found.url.replace(/\/+$/, '');
    if (found.auth === 'key' && found.key) return { url, auth: 'key', authorize: withKey(found.key) };
    if (found.auth === 'iam') return { url, auth: 'iam', authorize: await withSigV4(url, values.region) };
    const token = values.token ?? env.PRECIS_API_TOKEN;
    if (token) return { url, auth: 'token', authorize: withToken(token) };
    const { tokenUrl, clientId, userPoolId } = found.cognito ?? {};
    const own = clientFromEnv(env);
    if (!tokenUrl || (!own && (!clientId || !userPoolId))) {
      throw new RemoteUsageError(
        `the stack "${values.stack}" takes Cognito tokens but has no TokenUrl, ApiClientId and UserPoolId outputs: give --token or PRECIS_API_TOKEN (docs/api.md, "The precis command")`,
      );
    }
    const region = values.region ?? env.AWS_REGION;
    const credentials = own
      ? { tokenUrl, ...own }
      : {
          tokenUrl,
          clientId,
          clientSecret: await clientSecretOf(userPoolId ?? '', clientId ?? '', region ? { region } : {}),
        };
    return { url, auth: 'client', authorize: await withClientCredentials(credentials, env) };
  }
  const url = (values.api ?? env.PRECIS_API_URL ?? `http://127.0.0.1:${env.PRECIS_API_PORT || 3000}`).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^/]/.test(url)) throw new RemoteUsageError(`--api must be an http(s) URL, not "${url}"`);
  if (values.iam) return { url, auth: 'iam', authorize: await withSigV4(url, values.region ?? env.AWS_REGION) };
  const token = values.token ?? env.PRECIS_API_TOKEN;
  if (token) return { url, auth: 'token', authorize: withToken(token) };
  const client = clientFromEnv(env);
  if (client) return { url, auth: 'client', authorize: await withClientCredentials(client, env) };
  let key = values.key ?? env.PRECIS_API_KEY;
  if (!key) {
    const kept = join(env.PRECIS_DATA_DIR || '.precis', 'api-key');
    if (!existsSync(kept)) {
      throw new RemoteUsageError(
        `no API key: give --key or PRECIS_API_KEY, or --stack NAME (the local stack keeps its key in ${kept} once it has started)`,
      );
    }
    key = readFileSync(kept, 'utf8').trim();
  }
  return { url, auth: 'key', authorize: withKey(key) };
}

/**
 * One call to the API: JSON in and out (text for `text/*` answers); a
 * problem document, a refusal or an unreachable API becomes an ApiCallError.
 */
export async function callApi<T>(target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const url = new URL(`${target.url}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = await target.authorize({
    method,
    url,
    headers: { accept: 'application/json', ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
    body: text,
  });
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: text, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ApiCallError(
      'API_UNREACHABLE',
      `The API at ${target.url} could not be reached (${reason}). Is the stack running (npm start)?`,
      null,
    );
  }
  const answer = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (response.ok) {
    if (type.startsWith('text/')) return answer as T;
    try {
      return JSON.parse(answer) as T;
    } catch {
      throw new ApiCallError(
        'INVALID_ANSWER',
        `The API answered ${response.status} with a body that is not JSON.`,
        response.status,
      );
    }
  }
  if (response.status === 403 || response.status === 401) {
    const how = {
      key: 'the key: check --key or PRECIS_API_KEY',
      iam: 'the signature: check your AWS credentials and policy',
      token: 'the token: check --token or PRECIS_API_TOKEN',
      client:
        "the client's token: check that its app client has the scopes precis/read (and precis/reprocess to upload or reprocess)",
    }[target.auth];
    throw new ApiCallError('FORBIDDEN', `The API at ${target.url} refused ${how}.`, response.status);
  }
  let problem: { code?: string; detail?: string; title?: string } = {};
  try {
    problem = JSON.parse(answer);
  } catch {}
  throw new ApiCallError(
    problem.code ?? `HTTP_${response.status}`,
    problem.detail ?? problem.title ?? `HTTP ${response.status}`,
    response.status,
  );
}

/** The call's answer, or null after saying on stderr why it failed. */
export async function callOrReport<T>(call: () => Promise<T>, note: (text: string) => void): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error;
    note(`precis: ${error.code}: ${error.message}`);
    return null;
  }
}
