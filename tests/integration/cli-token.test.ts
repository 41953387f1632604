/**
 * `precis` on a stack deployed with `-c auth=cognito` gets its own access
 * token, by the client credentials grant, from a stand-in of the user pool's
 * token endpoint on loopback: with the stack's machine client (its secret
 * read as the ApiClientSecretCommand output reads it) or a client named in
 * the environment; one token per process and on disk (owner-only), renewed
 * before it expires. Time is an injected clock.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallError, apiTarget } from '../../cli/client.js';
import { ClientCredentialsTokens } from '../../cli/cognito-token.js';
import { readerPage } from '../../lambdas/api/reader/page.js';
import { TERMINAL_STATUSES } from '../../shared/article.js';
import { runPrecis } from '../helpers/cli.js';
import { type CognitoGateway, startCognitoGateway } from '../helpers/cognito-gateway.js';
import { type CognitoStandIn, startCognitoStandIn } from '../helpers/cognito-stand-in.js';

const MACHINE = { id: '6pq1s0a2c3machine', secret: 'machine-secret-0123456789' };
const READER = { id: '7rd2readonly', secret: 'reader-secret-0123456789' };
const LIFETIME_S = 3600;

describe('the Cognito token the CLI gets itself', () => {
  let cognito: CognitoStandIn;
  let tokenUrl: string;
  let cache: string;
  let now = Date.parse('2026-12-04T10:00:00Z');
  const grants = () => cognito.tokenRequests.filter((r) => r.grantType === 'client_credentials');

  beforeAll(async () => {
    cognito = await startCognitoStandIn({
      now: () => Math.floor(now / 1000),
      accessTokenSeconds: LIFETIME_S,
      users: [],
      clients: [
        { ...MACHINE, flows: ['client_credentials'], scopes: ['precis/read', 'precis/reprocess'] },
        { ...READER, flows: ['client_credentials'], scopes: ['precis/read'] },
      ],
    });
    tokenUrl = `${cognito.url}/oauth2/token`;
  });
  afterAll(() => cognito?.close());
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'precis-tokens-'));
    cognito.tokenRequests.length = 0;
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  const tokens = (credentials = MACHINE, cacheDir: string | null = cache) =>
    new ClientCredentialsTokens(
      { tokenUrl, clientId: credentials.id, clientSecret: credentials.secret },
      { now: () => now, cacheDir },
    );

  it('asks once with the client secret (HTTP Basic), and keeps the token for the process until shortly before it expires', async () => {
    const source = tokens();
    const first = await source.token();
    expect(cognito.verify(first, 'precis/reprocess')?.client_id).toBe(MACHINE.id);
    expect(grants()).toMatchObject([{ basic: true, status: 200 }]);
    expect(grants()[0]?.fields).not.toHaveProperty('client_secret');

    now += (LIFETIME_S - 6 * 60) * 1000; // six minutes left: still good
    expect(await source.token()).toBe(first);
    expect(grants().length).toBe(1);

    now += 2 * 60 * 1000; // four minutes left: a new one, before the old one expires
    const second = await source.token();
    expect(second).not.toBe(first);
    expect(grants().length).toBe(2);
    expect(cognito.verify(first)).not.toBeNull();
    expect(cognito.verify(second)).not.toBeNull();
  });

  it('keeps the token on disk for the next command, in a file only its owner can read, and ignores one others could', async () => {
    const first = await tokens().token();
    const [file] = readdirSync(cache);
    if (!file) throw new Error('no token file');
    expect(statSync(join(cache, file)).mode & 0o777).toBe(0o600);
    expect(statSync(cache).mode & 0o077).toBe(0);

    // The next command: the same token, no request.
    expect(await tokens().token()).toBe(first);
    expect(grants().length).toBe(1);

    // A file others can read is not trusted: a new token, and the file is written anew, owner-only.
    writeFileSync(join(cache, file), JSON.stringify({ token: 'planted', expiresAt: now + 1e9, renewAt: now + 1e9 }));
    chmodSync(join(cache, file), 0o644);
    const next = await tokens().token();
    expect(next).not.toBe('planted');
    expect(cognito.verify(next)).not.toBeNull();
    expect(statSync(join(cache, file)).mode & 0o777).toBe(0o600);
  });

  it('says which client was refused, and why', async () => {
    const failure = await tokens({ ...MACHINE, secret: 'wrong' }, null)
      .token()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect((failure as ApiCallError).code).toBe('TOKEN_REFUSED');
    expect((failure as ApiCallError).message).toMatch(
      new RegExp(`refused client ${MACHINE.id} \\(invalid_client\\).*SECRET`),
    );
  });

  describe('from the stack or the environment, through the API', () => {
    let gateway: CognitoGateway;
    let upstream: Server;
    let upstreamUrl = '';
    const cfn = mockClient(CloudFormationClient);
    const idp = mockClient(CognitoIdentityProviderClient);
    const saved = { ...process.env };

    beforeAll(async () => {
      // The API behind the authorizer: one article, for any caller the gateway lets through.
      upstream = createServer((_, res) => {
        const items = [
          { id: 'a'.repeat(24), sourceKey: 'incoming/x.html', status: 'DONE', title: 'X', language: 'en' },
        ];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, nextCursor: null }));
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      gateway = await startCognitoGateway({
        cognito,
        upstream: () => ({ url: upstreamUrl, apiKey: 'k' }),
        page: () => readerPage({ auth: 'iam' }, TERMINAL_STATUSES),
      });
    });
    afterAll(async () => {
      await gateway?.close();
      await new Promise((resolve) => upstream?.close(resolve));
    });
    beforeEach(() => {
      cfn.reset();
      idp.reset();
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
      });
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it("reads the stack's token URL and machine client, and the client's secret as ApiClientSecretCommand does", async () => {
      cfn.on(DescribeStacksCommand, { StackName: 'precis' }).resolves({
        Stacks: [
          {
            StackName: 'precis',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: Object.entries({
              ApiUrl: `${gateway.url}/`,
              UserPoolId: 'eu-west-1_AbCdEf',
              ApiClientId: MACHINE.id,
              TokenUrl: tokenUrl,
            }).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
          },
        ],
      });
      idp
        .on(DescribeUserPoolClientCommand, { UserPoolId: 'eu-west-1_AbCdEf', ClientId: MACHINE.id })
        .resolves({ UserPoolClient: { ClientId: MACHINE.id, ClientSecret: MACHINE.secret } });
      const target = await apiTarget({ stack: 'precis' }, { AWS_REGION: 'eu-west-1', PRECIS_TOKEN_CACHE: cache });
      const headers = await target.authorize({ method: 'GET', url: new URL(`${gateway.url}/articles`), headers: {} });
      expect(cognito.verify(String(headers.authorization).replace(/^Bearer /, ''), 'precis/read')?.client_id).toBe(
        MACHINE.id,
      );
    });

    it('`precis list` gets a token by itself with the client the environment names, and the authorizer lets it through', async () => {
      const env = {
        PRECIS_TOKEN_URL: tokenUrl,
        PRECIS_CLIENT_ID: READER.id,
        PRECIS_CLIENT_SECRET: READER.secret,
        PRECIS_TOKEN_CACHE: cache,
      };
      const listed = await runPrecis(env, 'list', '--api', gateway.url, '--format', 'json');
      expect(listed.stderr).toBe('');
      expect(listed.code).toBe(0);
      expect(listed.lines).toMatchObject([{ id: 'a'.repeat(24), title: 'X' }]);
      expect(grants()).toMatchObject([{ basic: true, status: 200 }]);

      // A read-only client may not reprocess: the API's refusal names the scopes.
      const reprocess = await runPrecis(env, 'reprocess', '--api', gateway.url, 'a'.repeat(24));
      expect(reprocess.code).toBe(1);
      expect(reprocess.lines).toMatchObject([
        { error: { code: 'FORBIDDEN', message: expect.stringMatching(/precis\/reprocess/) } },
      ]);
      expect(grants().length).toBe(1);

      // Only part of the settings: the missing ones are named.
      const partial = await runPrecis({ PRECIS_TOKEN_URL: tokenUrl }, 'list', '--api', gateway.url);
      expect(partial.code).toBe(2);
      expect(partial.stderr).toMatch(/PRECIS_CLIENT_ID and PRECIS_CLIENT_SECRET not set/);
    });
  });
});
