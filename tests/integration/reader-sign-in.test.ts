/**
 * The reader page of a stack deployed with `-c auth=cognito` or `auth=iam`,
 * in Chromium: sign-in through a stand-in of the user pool's hosted UI and
 * token endpoint (authorization code with PKCE, checked as Cognito checks
 * it), with the page's calls going through a stand-in of API Gateway's
 * Cognito authorizer to the local stack; and the page that says it cannot be
 * used with IAM. Skips, saying why, when no Chromium is installed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readerConfig } from '../../lambdas/api/deps.js';
import { readerPage } from '../../lambdas/api/reader/page.js';
import type { LocalStack } from '../../local/stack.js';
import { TERMINAL_STATUSES } from '../../shared/article.js';
import { apiEnvSchema, loadConfig } from '../../shared/config.js';
import { CHROMIUM, SHOTS, warnWithoutChromium } from '../helpers/chromium.js';
import { type CognitoGateway, startCognitoGateway } from '../helpers/cognito-gateway.js';
import { type CognitoStandIn, startCognitoStandIn } from '../helpers/cognito-stand-in.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';

warnWithoutChromium('reader-sign-in.test.ts');

const CLIENT_ID = '3n4b5urk1ft4fl3mg5e62d9ado';
const USER = { username: 'analyst', password: 'correct horse battery staple' };

/** The page as the api function serves it from its environment, with the stack's values. */
const pageFor = (env: Record<string, string>) =>
  readerPage(
    readerConfig(
      loadConfig(apiEnvSchema, {
        PRECIS_TABLE: 't',
        PRECIS_BUCKET: 'b',
        PRECIS_INGEST_QUEUE_URL: 'q',
        PRECIS_ANALYZE_QUEUE_URL: 'q',
        PRECIS_INGEST_DLQ_URL: 'q',
        PRECIS_ANALYZE_DLQ_URL: 'q',
        ...env,
      }),
    ),
    TERMINAL_STATUSES,
  );

describe.skipIf(!CHROMIUM)('the reader page behind Cognito, in Chromium', () => {
  let stack: LocalStack;
  let close: () => Promise<void>;
  let cognito: CognitoStandIn;
  let gateway: CognitoGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Moved by a test to age the tokens; Cognito's clock and the page's are each their own. */
  let cognitoNow = Math.floor(Date.now() / 1000);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const grants = (type: string) => cognito.tokenRequests.filter((r) => r.grantType === type);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ stack, close } = await startTestStack({ PRECIS_SWEEP_INTERVAL_MS: '0', PRECIS_ENGINE: 'offline' }));
    await stack.s3.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: 'incoming/basra-water.html',
        Body: sample('basra-water.html'),
      }),
    );
    let redirect = '';
    cognito = await startCognitoStandIn({
      now: () => cognitoNow,
      users: [USER],
      clients: [
        {
          id: CLIENT_ID,
          flows: ['code'],
          scopes: ['openid', 'precis/read', 'precis/reprocess'],
          get callbackUrls() {
            return [redirect];
          },
          get logoutUrls() {
            return [redirect];
          },
        },
      ],
    });
    gateway = await startCognitoGateway({
      cognito,
      upstream: () => ({ url: stack.endpoints.api, apiKey: stack.apiKey }),
      page: (url) =>
        pageFor({
          PRECIS_AUTH: 'cognito',
          PRECIS_COGNITO_DOMAIN: cognito.url,
          PRECIS_COGNITO_CLIENT_ID: CLIENT_ID,
          PRECIS_READER_URL: `${url}/`,
        }),
    });
    redirect = `${gateway.url}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Navigations wait on the stack and the stand-ins, whose pace is the machine's (Playwright's default is 30 s).
    context.setDefaultTimeout(60_000);
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await cognito?.close();
    await close?.();
  });

  /** From the page's Sign in button through the hosted UI's form, back to the page. */
  const signIn = async (password = USER.password) => {
    await page.click('#sign-in');
    await page.waitForURL(`${cognito.url}/login?**`);
    await page.fill('#username', USER.username);
    await page.fill('#password', password);
    await page.click('#submit');
  };

  it('signs in through the hosted UI with PKCE, keeps the tokens for the tab, and calls the API with them', async () => {
    await page.goto(`${gateway.url}/`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#article').textContent()).toMatch(/Sign in to see the articles/);
    await signIn();
    await page.waitForURL(`${gateway.url}/`);
    // The code came back once, was exchanged with the verifier (the stand-in checks its S256), and left the address.
    await expect.poll(() => page.locator('#list li[data-id]').count()).toBe(1);
    expect(grants('authorization_code').map((r) => r.status)).toEqual([200]);
    expect(grants('authorization_code')[0]?.fields.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(page.url()).toBe(`${gateway.url}/`);
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
    await page.click('#list li[data-id] a');
    await expect.poll(() => page.locator('#title').textContent()).toMatch(/Basra/);
    await shot('cognito-signed-in');

    // A reload in the same tab keeps the sign-in: no new code, no new tokens.
    await page.reload();
    await expect.poll(() => page.locator('#title').textContent()).toMatch(/Basra/);
    expect(cognito.tokenRequests.length).toBe(1);
  });

  it('refreshes the access token with the refresh token before it expires', async () => {
    // An hour and a bit later by both clocks: the page's token is due, and the stand-in's has expired.
    cognitoNow += 3700;
    await page.evaluate(
      "const t = JSON.parse(sessionStorage.getItem('precis-tokens')); t.expiresAt = Date.now() + 30000; sessionStorage.setItem('precis-tokens', JSON.stringify(t))",
    );
    await page.reload();
    await expect.poll(() => page.locator('#title').textContent()).toMatch(/Basra/);
    // The refresh runs beside the page's first calls (the old token is still good for 30 s): wait for it.
    await expect.poll(() => grants('refresh_token').map((r) => r.status)).toEqual([200]);
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
  });

  it('signs out through the hosted UI, and says why when the token endpoint refuses the code', async () => {
    await page.click('#sign-out');
    await page.waitForURL(`${gateway.url}/`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.evaluate("sessionStorage.getItem('precis-tokens')")).toBeNull();

    // A verifier that is not the one the challenge was made from: the token endpoint refuses the code.
    await page.route(`${cognito.url}/oauth2/token`, async (route) => {
      const body = new URLSearchParams(route.request().postData() ?? '');
      body.set('code_verifier', `${body.get('code_verifier')?.slice(0, -1)}x`);
      await route.continue({ postData: body.toString() });
    });
    await signIn();
    await expect.poll(() => page.locator('#account-message').textContent()).toMatch(/invalid_grant/);
    expect(grants('authorization_code').map((r) => r.status)).toEqual([200, 400]);
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#list li[data-id]').count()).toBe(0);
    await page.unroute(`${cognito.url}/oauth2/token`);
    await shot('cognito-refused');

    // A wrong password stays on the hosted UI; the right one signs in again.
    await signIn('wrong');
    await expect.poll(() => page.locator('#error').textContent()).toMatch(/Incorrect/);
    await page.fill('#username', USER.username);
    await page.fill('#password', USER.password);
    await page.click('#submit');
    await expect.poll(() => page.locator('#list li[data-id]').count()).toBe(1);
  });

  it('with auth=iam, says that the page needs API keys or Cognito, and calls nothing', async () => {
    const iam = await startCognitoGateway({
      cognito,
      upstream: () => ({ url: stack.endpoints.api, apiKey: stack.apiKey }),
      page: () => pageFor({ PRECIS_AUTH: 'iam' }),
    });
    const calls: string[] = [];
    const other = await context.newPage();
    other.on('request', (request) => calls.push(new URL(request.url()).pathname));
    try {
      await other.goto(`${iam.url}/`);
      await expect.poll(() => other.locator('#unusable').textContent()).toMatch(/API keys.*Cognito/s);
      expect(await other.locator('#list').isVisible()).toBe(false);
      expect(await other.locator('#key').isVisible()).toBe(false);
      expect(calls).toEqual(['/']);
      await other.screenshot({ path: join(SHOTS, 'iam.png') });
    } finally {
      await other.close();
      await iam.close();
    }
  });
});
