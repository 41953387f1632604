import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallError, apiTarget } from '../../cli/client.js';
import { RemoteUsageError } from '../../cli/usage.js';

const cfn = mockClient(CloudFormationClient);
const apigw = mockClient(APIGatewayClient);
const URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/';
const request = {
  method: 'GET',
  url: new globalThis.URL(`${URL}articles?limit=5`),
  headers: { accept: 'application/json' },
};
const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
const saved = { ...process.env };

beforeEach(() => {
  cfn.reset();
  apigw.reset();
  Object.assign(process.env, env);
});
afterEach(() => {
  process.env = { ...saved };
});

const outputs = (values: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'precis',
      CreationTime: new Date(),
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

describe('where the CLI finds the API', () => {
  it('reads a stack by name: its URL, and its API key by the key id it outputs', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'precis' }).resolves(outputs({ ApiUrl: URL, ApiKeyId: 'k1' }));
    apigw.on(GetApiKeyCommand, { apiKey: 'k1', includeValue: true }).resolves({ value: 'the-key' });
    const target = await apiTarget({ stack: 'precis' }, env);
    expect(target).toMatchObject({ url: URL.replace(/\/$/, ''), auth: 'key' });
    expect(await target.authorize(request)).toMatchObject({ 'x-api-key': 'the-key' });
  });

  it('signs with SigV4 for a stack deployed with auth=iam, and asks for a token for Cognito', async () => {
    cfn.on(DescribeStacksCommand).resolves(outputs({ ApiUrl: URL, ApiReadPolicyArn: 'arn:aws:iam::1:policy/r' }));
    const target = await apiTarget({ stack: 'precis' }, env);
    const headers = await target.authorize(request);
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);

    cfn.on(DescribeStacksCommand).resolves(outputs({ ApiUrl: URL, UserPoolId: 'eu-west-1_x' }));
    await expect(apiTarget({ stack: 'precis' }, env)).rejects.toThrow(RemoteUsageError);
    const withToken = await apiTarget({ stack: 'precis', token: 't0k' }, env);
    expect(await withToken.authorize(request)).toMatchObject({ authorization: 'Bearer t0k' });
  });

  it('says which stack could not be read, and why', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id nope does not exist'));
    const failure = await apiTarget({ stack: 'nope' }, env).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect((failure as ApiCallError).message).toMatch(/"nope".*does not exist/);
    cfn.on(DescribeStacksCommand).resolves(outputs({ BucketName: 'b' }));
    await expect(apiTarget({ stack: 'other' }, env)).rejects.toThrow(/no ApiUrl output/);
    await expect(apiTarget({ stack: 'x', api: URL }, env)).rejects.toThrow(RemoteUsageError);
  });

  it('takes a URL and key from flags before the environment, and refuses a URL that is not http(s)', async () => {
    const target = await apiTarget(
      { api: 'http://h:1/', key: 'flag' },
      { PRECIS_API_URL: 'http://e', PRECIS_API_KEY: 'env' },
    );
    expect(target.url).toBe('http://h:1');
    expect(await target.authorize(request)).toMatchObject({ 'x-api-key': 'flag' });
    await expect(apiTarget({ api: 'ftp://h' }, { PRECIS_API_KEY: 'k' })).rejects.toThrow(/http\(s\) URL/);
    const iam = await apiTarget({ api: URL, iam: true }, env);
    expect((await iam.authorize(request)).authorization).toMatch(/^AWS4-HMAC-SHA256/);
  });
});
