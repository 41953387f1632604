import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readerConfig } from '../../lambdas/api/deps.js';
import { readerPage } from '../../lambdas/api/reader/page.js';
import { TERMINAL_STATUSES } from '../../shared/article.js';
import { apiEnvSchema, ConfigError, loadConfig } from '../../shared/config.js';

const BASE_ENV = {
  PRECIS_TABLE: 't',
  PRECIS_BUCKET: 'b',
  PRECIS_INGEST_QUEUE_URL: 'q',
  PRECIS_ANALYZE_QUEUE_URL: 'q',
  PRECIS_INGEST_DLQ_URL: 'q',
  PRECIS_ANALYZE_DLQ_URL: 'q',
};
const COGNITO_ENV = {
  PRECIS_AUTH: 'cognito',
  PRECIS_COGNITO_DOMAIN: 'https://precis-api-1a2b3c.auth.eu-west-1.amazoncognito.com',
  PRECIS_COGNITO_CLIENT_ID: '3n4b5urk1ft4fl3mg5e62d9ado',
  PRECIS_READER_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/',
};
const configOf = (env: Record<string, string>) => readerConfig(loadConfig(apiEnvSchema, { ...BASE_ENV, ...env }));
const csp = (page: { headers: Record<string, string> }) =>
  Object.fromEntries(
    (page.headers['content-security-policy'] ?? '').split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
  );

describe('the reader page as the api function serves it', () => {
  it('asks for an API key unless the stack says otherwise, and runs only its own script', () => {
    const page = readerPage(configOf({}), TERMINAL_STATUSES);
    expect(page.body).toContain('<meta name="precis-config" content="{&quot;auth&quot;:&quot;apiKey&quot;}">');
    const scripts = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBe(1);
    const hash = createHash('sha256')
      .update(scripts[0] ?? '')
      .digest('base64');
    expect(csp(page)['script-src']).toEqual([`'sha256-${hash}'`]);
    expect(page.body).not.toMatch(/\son[a-z]+=/i);
    expect(csp(page)['form-action']).toEqual(["'none'"]);
  });

  it("with auth=cognito, gives the page the user pool's domain, the public client and its own URL, and lets it reach the token endpoint", () => {
    const config = configOf(COGNITO_ENV);
    expect(config).toEqual({
      auth: 'cognito',
      cognito: {
        domain: COGNITO_ENV.PRECIS_COGNITO_DOMAIN,
        clientId: COGNITO_ENV.PRECIS_COGNITO_CLIENT_ID,
        redirectUri: COGNITO_ENV.PRECIS_READER_URL,
        scopes: ['openid', 'precis/read', 'precis/reprocess'],
      },
    });
    const page = readerPage(config, TERMINAL_STATUSES);
    expect(csp(page)['connect-src']).toContain(COGNITO_ENV.PRECIS_COGNITO_DOMAIN);
    const meta = /<meta name="precis-config" content="([^"]*)">/.exec(page.body)?.[1] ?? '';
    expect(JSON.parse(meta.replaceAll('&quot;', '"').replaceAll('&amp;', '&'))).toEqual(config);
  });

  it('refuses to start with auth=cognito and a setting missing, naming it', () => {
    const { PRECIS_READER_URL: _, ...withoutUrl } = COGNITO_ENV;
    expect(() => configOf(withoutUrl)).toThrow(ConfigError);
    expect(() => configOf(withoutUrl)).toThrow(/PRECIS_READER_URL is not set/);
    expect(() => configOf({ ...COGNITO_ENV, PRECIS_COGNITO_DOMAIN: 'ftp://x' })).toThrow(
      /PRECIS_COGNITO_DOMAIN is invalid/,
    );
  });
});
