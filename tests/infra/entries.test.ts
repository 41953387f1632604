import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { contextSchema } from '../../infra/context.js';
import { FEATURE_FLAGS } from '../../infra/flags.js';
import { PrecisStack } from '../../infra/precis-stack.js';

const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

/** The environment each function gets, references replaced by placeholder values. */
function environments(): Record<string, Record<string, string>> {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PrecisStack(app, 'Entries', {
    env: { account: '123456789012', region: 'eu-west-1' },
    context: contextSchema.parse({ targetLanguages: 'ar' }),
  });
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const out: Record<string, Record<string, string>> = {};
  for (const fn of Object.values(functions) as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }[]) {
    const vars = fn.Properties.Environment.Variables;
    out[String(vars.POWERTOOLS_SERVICE_NAME)] = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `arn:aws:cfn:${JSON.stringify(v)}`]),
    );
  }
  return out;
}

describe('the Lambda entry modules', () => {
  it.each([
    ['precis-ingest', '../../lambdas/ingest/index.js'],
    ['precis-analyze', '../../lambdas/analyze/index.js'],
    ['precis-api', '../../lambdas/api/index.js'],
    ['precis-batch', '../../lambdas/batch/index.js'],
  ])('%s starts cold with exactly the environment the stack gives it', async (service, entry) => {
    const env = environments()[service];
    expect(env).toBeDefined();
    process.env = { ...saved, ...env };
    const module = (await import(entry)) as { handler: unknown };
    expect(typeof module.handler).toBe('function');
  });
});
