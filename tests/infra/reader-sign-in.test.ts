import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { contextSchema } from '../../infra/context.js';
import { FEATURE_FLAGS } from '../../infra/flags.js';
import { PrecisStack } from '../../infra/precis-stack.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The stack as a template, its functions unbundled (as in stack.test.ts). */
function build(context: Record<string, string>) {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PrecisStack(app, 'Test', {
    env: { account: '123456789012', region: 'eu-west-1' },
    context: contextSchema.parse(context),
  });
  return Template.fromStack(stack);
}

/** The api function's environment (the function whose handler serves GET /). */
function apiEnvironment(template: Template): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
  const api = functions.find((f) => JSON.stringify(f.Properties.Environment ?? {}).includes('PRECIS_ANALYZE_DLQ_URL'));
  if (!api) throw new Error('no api function');
  return (api.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The URL the stack gives the API's stage, as CloudFormation will resolve it, with the API's id as `<api>`. */
const resolved = (value: unknown, apiId: string): string =>
  JSON.stringify(value)
    .replace(new RegExp(`\\{"Ref":"${apiId}"\\}`, 'g'), '"<api>"')
    .replace(/\{"Ref":"AWS::Region"\}/g, '"eu-west-1"')
    .replace(/\{"Ref":"AWS::URLSuffix"\}/g, '"amazonaws.com"')
    .replace(/\{"Fn::Join":\["",\[(.*?)\]\]\}/g, (_, parts: string) =>
      JSON.stringify(JSON.parse(`[${parts}]`).join('')),
    )
    .replace(/^"|"$/g, '');

describe('the reader page of a stack deployed with auth=cognito', () => {
  const template = build({ auth: 'cognito' });
  const apiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0] ?? '';
  const clients = Object.entries(template.findResources('AWS::Cognito::UserPoolClient')) as [string, Resource][];
  const page = clients.find(([, c]) => (c.Properties.AllowedOAuthFlows as string[]).includes('code'));

  it("has a public client of its own: authorization code, no secret, the page's URL to come back to, the API's scopes", () => {
    if (!page) throw new Error('no client with the authorization code grant');
    const [, { Properties: client }] = page;
    expect(client.GenerateSecret).toBeFalsy();
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
    const scopes = JSON.stringify(client.AllowedOAuthScopes);
    for (const scope of ['"openid"', '/read"', '/reprocess"']) expect(scopes).toContain(scope);
    const pageUrl = `https://<api>.execute-api.eu-west-1.amazonaws.com/v1/`;
    expect((client.CallbackURLs as unknown[]).map((u) => resolved(u, apiId))).toEqual([pageUrl]);
    expect((client.LogoutURLs as unknown[]).map((u) => resolved(u, apiId))).toEqual([pageUrl]);
    // The machine client keeps the client credentials grant and its secret.
    expect(clients.some(([, c]) => c.Properties.GenerateSecret === true)).toBe(true);
  });

  it('signs users in on the managed login pages, which set up the TOTP the pool requires', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    if (!page) throw new Error('no page client');
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: page[0] },
      UseCognitoProvidedValues: true,
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', UserPoolTier: 'ESSENTIALS' });
  });

  it('tells the api function how the page signs in: the domain, the client and its own URL', () => {
    const env = apiEnvironment(template);
    expect(env.PRECIS_AUTH).toBe('cognito');
    expect(env.PRECIS_COGNITO_CLIENT_ID).toEqual({ Ref: page?.[0] });
    expect(resolved(env.PRECIS_READER_URL, apiId)).toBe('https://<api>.execute-api.eu-west-1.amazonaws.com/v1/');
    expect(JSON.stringify(env.PRECIS_COGNITO_DOMAIN)).toMatch(/https:\/\/.*\.auth\..*amazoncognito\.com/);
  });
});

describe('the reader page of the other auth modes', () => {
  it('is told the mode, and no Cognito client is made', () => {
    for (const auth of ['apiKey', 'iam']) {
      const template = build({ auth });
      expect(apiEnvironment(template).PRECIS_AUTH).toBe(auth);
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    }
  });
});
