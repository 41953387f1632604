import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import {
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  type MethodOptions,
  Period,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { API_SCOPES } from '../lambdas/api/routes.js';
import type { PrecisContext } from './context.js';
import { stackIdSuffix } from './storage.js';

/** What a method lets its caller do: read results, or send articles through the pipeline again. */
export type Access = 'read' | 'reprocess';

/** What the stack prints for a caller, by output name. */
export type AccessOutputs = Record<string, { value: string; description?: string }>;

export interface ApiAccess {
  /** The authorization of a method of this kind. */
  methodOptions(access: Access): MethodOptions;
  /** What the api function tells the reader page: the auth mode and, with Cognito, where and how to sign in. */
  pageEnvironment: Record<string, string>;
  /** Called once every method exists: what needs the deployed stage (usage plans, WAF). */
  finish(): AccessOutputs;
}

/**
 * Who may call the API, as `-c auth=` chooses:
 *
 * - `apiKey` (default): API keys in a usage plan with throttling and a
 *   quota, one per consumer of `-c apiKeys` (`name` or `name@generation`,
 *   so a key is rotated by adding its next generation and later removing
 *   the old one).
 * - `iam`: SigV4-signed requests; two managed policies grant callers
 *   reading, or reading and reprocessing.
 * - `cognito`: a user pool whose users an administrator adds, a
 *   client-credentials app client for machine callers, and a public client
 *   for the reader page (authorization code with PKCE, through the managed
 *   login pages); tokens carry the scopes `precis/read` and
 *   `precis/reprocess`, which the methods require.
 *
 * With `-c waf=managed` the stage gets a web ACL of AWS's managed rule
 * groups and a per-address rate limit; `-c waf=<web ACL ARN>` attaches an
 * existing one.
 */
export function createApiAccess(
  stack: Stack,
  restApi: RestApi,
  context: PrecisContext,
  /** The reader page's URL (the stage's root), where sign-in comes back to. */
  pageUrl: string,
): ApiAccess {
  const access =
    context.auth === 'iam'
      ? iamAccess(stack, restApi)
      : context.auth === 'cognito'
        ? cognitoAccess(stack, pageUrl)
        : null;
  return {
    methodOptions: (kind) => access?.methodOptions(kind) ?? { apiKeyRequired: true },
    pageEnvironment: {
      PRECIS_AUTH: context.auth,
      ...(access && 'pageEnvironment' in access ? access.pageEnvironment : {}),
    },
    finish: () => {
      attachWaf(stack, restApi, context);
      acknowledge(restApi, context);
      return access ? access.outputs() : apiKeys(stack, restApi, context);
    },
  };
}

/** A consumer of `-c apiKeys`, its key's construct id and name. */
export function apiKeyConsumers(spec: string): { consumer: string; generation: string; id: string }[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [consumer = '', generation = ''] = entry.split('@');
      // The first consumer's first generation keeps the id the stack always gave its one key.
      const id =
        consumer === 'default' && !generation ? 'ApiKey' : `ApiKey${consumer}${generation ? `@${generation}` : ''}`;
      return { consumer, generation, id };
    });
}

function apiKeys(stack: Stack, restApi: RestApi, context: PrecisContext): AccessOutputs {
  const plan = restApi.addUsagePlan('UsagePlan', {
    name: `${stack.stackName}-plan`,
    throttle: { rateLimit: context.apiRateLimit, burstLimit: context.apiRateLimit * 2 },
    ...(context.apiMonthlyQuota > 0 ? { quota: { limit: context.apiMonthlyQuota, period: Period.MONTH } } : {}),
    apiStages: [{ api: restApi, stage: restApi.deploymentStage }],
  });
  const outputs: AccessOutputs = {};
  for (const [i, { consumer, generation, id }] of apiKeyConsumers(context.apiKeys).entries()) {
    const label = generation ? `${consumer}@${generation}` : consumer;
    const key = restApi.addApiKey(id, {
      apiKeyName: `${stack.stackName}-${consumer}${generation ? `-${generation}` : ''}`,
      description: `precis API key of ${label}`,
    });
    plan.addApiKey(key);
    const command = `aws apigateway get-api-key --api-key ${key.keyId} --include-value --query value --output text`;
    // The first key keeps the outputs it always had; every key has its own.
    if (i === 0) {
      outputs.ApiKeyId = { value: key.keyId };
      outputs.ApiKeyCommand = { value: command, description: 'prints the API key for the x-api-key header' };
    }
    outputs[`ApiKeyCommand${consumer}${generation}`] = {
      value: command,
      description: `prints the API key of ${label}`,
    };
  }
  return outputs;
}

function iamAccess(stack: Stack, restApi: RestApi) {
  const invoke = (methods: string[]) =>
    new PolicyStatement({
      actions: ['execute-api:Invoke'],
      resources: methods.map((method) => restApi.arnForExecuteApi(method, '/*', restApi.deploymentStage.stageName)),
    });
  const reader = new ManagedPolicy(stack, 'ApiReadPolicy', {
    description: 'Calls the precis API to read articles, summaries, claims and texts.',
    statements: [invoke(['GET'])],
  });
  const operator = new ManagedPolicy(stack, 'ApiReprocessPolicy', {
    description: 'Calls the precis API to read, and to reprocess articles and redrive dead letters.',
    statements: [invoke(['GET', 'POST'])],
  });
  const wildcard = (method: string) =>
    `AwsSolutions-IAM5[Resource::${nagName(stack, restApi.arnForExecuteApi(method, '/*', restApi.deploymentStage.stageName))}]`;
  for (const policy of [reader, operator]) {
    Validations.of(policy).acknowledge({
      id: wildcard('GET'),
      reason: 'Every read route of this API: the policy is for callers of the whole API, not of one article.',
    });
  }
  Validations.of(operator).acknowledge({
    id: wildcard('POST'),
    reason: 'Every reprocess and redrive route of this API: the policy is for its operators.',
  });
  return {
    methodOptions: (): MethodOptions => ({ authorizationType: AuthorizationType.IAM }),
    outputs: (): AccessOutputs => ({
      ApiReadPolicyArn: { value: reader.managedPolicyArn, description: 'attach to the roles or users that read' },
      ApiReprocessPolicyArn: {
        value: operator.managedPolicyArn,
        description: 'attach to the roles or users that also reprocess and redrive',
      },
    }),
  };
}

/**
 * A value as cdk-nag names it in a finding: the resolved string, with a
 * reference as `<LogicalId>` (or `<AWS::Region>`) and an attribute as
 * `<LogicalId.Attribute>`.
 */
function nagName(stack: Stack, value: string): string {
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const intrinsic = part as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
    if (intrinsic.Ref) return `<${intrinsic.Ref}>`;
    if (intrinsic['Fn::GetAtt']) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
    if (intrinsic['Fn::Join']) return intrinsic['Fn::Join'][1].map(render).join(intrinsic['Fn::Join'][0]);
    return JSON.stringify(part);
  };
  return render(stack.resolve(value));
}

function cognitoAccess(stack: Stack, pageUrl: string) {
  const pool = new UserPool(stack, 'ApiUsers', {
    userPoolName: `${stack.stackName}-api`,
    // No sign-up: an administrator adds the people who read in the page; machines get tokens with their secret.
    selfSignUpEnabled: false,
    // Essentials: the managed login pages, which walk a new user through the TOTP the pool requires.
    featurePlan: FeaturePlan.ESSENTIALS,
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
    },
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { sms: false, otp: true },
    accountRecovery: AccountRecovery.NONE,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // The scopes the methods check (lambdas/api/routes.ts): `<identifier>/read` and `<identifier>/reprocess`.
  const identifier = API_SCOPES.read.split('/')[0] ?? '';
  const scopes = {
    read: new ResourceServerScope({
      scopeName: 'read',
      scopeDescription: 'Read articles, summaries, claims and texts',
    }),
    reprocess: new ResourceServerScope({
      scopeName: 'reprocess',
      scopeDescription: 'Reprocess articles and redrive dead letters',
    }),
  };
  const server = pool.addResourceServer('ApiScopes', { identifier, scopes: Object.values(scopes) });
  const client = pool.addClient('MachineClient', {
    userPoolClientName: `${stack.stackName}-machine`,
    generateSecret: true,
    authFlows: {},
    oAuth: {
      flows: { clientCredentials: true },
      scopes: Object.values(scopes).map((scope) => OAuthScope.resourceServer(server, scope)),
    },
  });
  // The reader page's: public (it keeps no secret), the authorization code grant (the page always sends
  // a PKCE challenge), back to the page only, tokens for the API's scopes; the refresh token lasts a
  // working day, the access token an hour.
  const page = pool.addClient('ReaderPageClient', {
    userPoolClientName: `${stack.stackName}-reader-page`,
    generateSecret: false,
    authFlows: {},
    preventUserExistenceErrors: true,
    supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [OAuthScope.OPENID, ...Object.values(scopes).map((scope) => OAuthScope.resourceServer(server, scope))],
      callbackUrls: [pageUrl],
      logoutUrls: [pageUrl],
    },
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
  });
  // The token endpoint's and the sign-in pages' host: unique per stack (its stack id), with none of the
  // words Cognito refuses.
  const domain: UserPoolDomain = pool.addDomain('TokenDomain', {
    cognitoDomain: {
      domainPrefix: `precis-api-${stackIdSuffix()}`,
    },
    managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
  });
  // The managed login pages show a client only with a style: Cognito's own.
  new CfnManagedLoginBranding(stack, 'ReaderPageLogin', {
    userPoolId: pool.userPoolId,
    clientId: page.userPoolClientId,
    useCognitoProvidedValues: true,
  });
  const authorizer = new CognitoUserPoolsAuthorizer(stack, 'ApiAuthorizer', { cognitoUserPools: [pool] });
  const noPlus =
    'Threat protection needs the Plus plan, billed per monthly active user: the users are few and added by an administrator (no sign-up), with 14-character passwords and TOTP required, and machine clients (client credentials) are outside it.';
  Validations.of(pool).acknowledge(
    { id: 'AwsSolutions-COG3', reason: noPlus },
    { id: 'AwsSolutions-COG8', reason: noPlus },
  );
  return {
    methodOptions: (access: Access): MethodOptions => ({
      authorizationType: AuthorizationType.COGNITO,
      authorizer,
      authorizationScopes: [API_SCOPES[access]],
    }),
    pageEnvironment: {
      PRECIS_COGNITO_DOMAIN: domain.baseUrl(),
      PRECIS_COGNITO_CLIENT_ID: page.userPoolClientId,
      PRECIS_READER_URL: pageUrl,
    },
    outputs: (): AccessOutputs => ({
      UserPoolId: { value: pool.userPoolId },
      ReaderClientId: { value: page.userPoolClientId, description: "the reader page's app client (sign-in at ApiUrl)" },
      AddUserCommand: {
        value: `aws cognito-idp admin-create-user --user-pool-id ${pool.userPoolId} --username NAME --user-attributes Name=email,Value=EMAIL Name=email_verified,Value=true`,
        description: 'adds someone who signs in to the reader page (a temporary password is emailed)',
      },
      ApiClientId: { value: client.userPoolClientId },
      TokenUrl: { value: `${domain.baseUrl()}/oauth2/token`, description: 'POST grant_type=client_credentials here' },
      ApiClientSecretCommand: {
        value: `aws cognito-idp describe-user-pool-client --user-pool-id ${pool.userPoolId} --client-id ${client.userPoolClientId} --query UserPoolClient.ClientSecret --output text`,
        description: "prints the app client's secret",
      },
    }),
  };
}

/** AWS's managed rule groups, each by name (the order is their priority). */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;
/** Requests from one address in 5 minutes before the web ACL blocks it. */
const RATE_LIMIT_PER_5_MIN = 2000;

/**
 * The common rule set's rules that read the request body. An article is a web page: posted
 * inline to `POST /articles` it has scripts, relative links and addresses, which these
 * rules take for an attack. They only count (and label) in the group; BodyRulesOutsideUploads
 * then blocks what they labelled on every other route.
 */
const BODY_RULES = ['CrossSiteScripting_BODY', 'GenericLFI_BODY', 'GenericRFI_BODY', 'EC2MetaDataSSRF_BODY'] as const;
const bodyLabel = (rule: string) => `awswaf:managed:aws:core-rule-set:${rule.replace(/_BODY$/, '_Body')}`;

/** The upload route, as WAF sees its path (the stage's, or a custom domain's without it). */
function uploadRoute() {
  const match = (fieldToMatch: Record<string, unknown>, positionalConstraint: string, searchString: string) => ({
    byteMatchStatement: {
      fieldToMatch,
      positionalConstraint,
      searchString,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  });
  return {
    andStatement: {
      statements: [match({ method: {} }, 'EXACTLY', 'POST'), match({ uriPath: {} }, 'ENDS_WITH', '/articles')],
    },
  };
}

function attachWaf(stack: Stack, restApi: RestApi, context: PrecisContext): void {
  if (!context.waf) return;
  const visibility = (name: string) => ({
    cloudWatchMetricsEnabled: true,
    metricName: name,
    sampledRequestsEnabled: true,
  });
  const webAclArn =
    context.waf === 'managed'
      ? new CfnWebACL(stack, 'ApiWebAcl', {
          scope: 'REGIONAL',
          defaultAction: { allow: {} },
          visibilityConfig: visibility(`${stack.stackName}-api`),
          rules: [
            ...MANAGED_RULE_GROUPS.map((name, i) => ({
              name,
              // The body rule runs right after the common rule set, whose labels it reads.
              priority: i < 2 ? i : i + 1,
              overrideAction: { none: {} },
              statement: {
                managedRuleGroupStatement: {
                  vendorName: 'AWS',
                  name,
                  // Request bodies are JSON the function checks; bodies over 8 KB are not an attack here.
                  ...(name === 'AWSManagedRulesCommonRuleSet'
                    ? {
                        ruleActionOverrides: ['SizeRestrictions_BODY', ...BODY_RULES].map((rule) => ({
                          name: rule,
                          actionToUse: { count: {} },
                        })),
                      }
                    : {}),
                },
              },
              visibilityConfig: visibility(name),
            })),
            {
              name: 'BodyRulesOutsideUploads',
              priority: 2,
              action: { block: {} },
              statement: {
                andStatement: {
                  statements: [
                    {
                      orStatement: {
                        statements: BODY_RULES.map((rule) => ({
                          labelMatchStatement: { scope: 'LABEL', key: bodyLabel(rule) },
                        })),
                      },
                    },
                    { notStatement: { statement: uploadRoute() } },
                  ],
                },
              },
              visibilityConfig: visibility('BodyRulesOutsideUploads'),
            },
            {
              name: 'RatePerAddress',
              priority: MANAGED_RULE_GROUPS.length + 1,
              action: { block: {} },
              statement: { rateBasedStatement: { limit: RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP' } },
              visibilityConfig: visibility('RatePerAddress'),
            },
          ],
        }).attrArn
      : context.waf;
  new CfnWebACLAssociation(stack, 'ApiWebAclAssociation', {
    resourceArn: restApi.deploymentStage.stageArn,
    webAclArn,
  });
}

function acknowledge(restApi: RestApi, context: PrecisContext): void {
  if (context.auth === 'apiKey') {
    Validations.of(restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Chosen with -c auth=apiKey (the default, for simple use): per-consumer API keys in a usage plan; -c auth=iam or auth=cognito authorize every method instead.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Chosen with -c auth=apiKey: no Cognito authorizer (-c auth=cognito adds one).',
      },
    );
  } else if (context.auth === 'iam') {
    Validations.of(restApi).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Chosen with -c auth=iam: every method is authorized by SigV4 and IAM policies instead of Cognito.',
    });
  }
  if (!context.waf) {
    Validations.of(restApi).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No web ACL unless -c waf=managed (AWS managed rule groups and a per-address rate limit) or -c waf=<web ACL ARN> asks for one; stage throttling is on either way.',
    });
  }
}
