import { Tracer } from '@aws-lambda-powertools/tracer';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tracing, tracingEnabled } from '../../lambdas/tracing.js';

/** The environments a function may start in, as the variables Powertools' tracer reads. */
const ENVIRONMENTS: Record<string, NodeJS.ProcessEnv> = {
  'Lambda with active tracing': { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' },
  'Lambda, tracing turned off': { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' },
  'Lambda, tracing said on': { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' },
  'SAM local': { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' },
  "Amplify's mock": { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' },
  'the local stack or a test (a function name, no execution environment)': { AWS_LAMBDA_FUNCTION_NAME: 'precis-api' },
  'nothing set': {},
};

/** Runs `act` with exactly the tracer's variables of `env` in process.env, restoring them after. */
function withEnv<T>(env: NodeJS.ProcessEnv, act: () => T): T {
  const names = ['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED', 'AWS_SAM_LOCAL', 'AWS_LAMBDA_FUNCTION_NAME'];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  for (const name of names) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return act();
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

describe('tracing', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(Object.entries(ENVIRONMENTS))('traces exactly where Powertools’ tracer would: %s', (_name, env) => {
    // Act
    const expected = withEnv(env, () => new Tracer({ serviceName: 'test' }).isTracingEnabled());
    // Assess
    expect(tracingEnabled(env)).toBe(expected);
  });

  it('captures a client made before the tracer loads, and one made after, each once', async () => {
    // Prepare: tracing on, as in Lambda (the tracer reads the process's environment when it loads).
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    vi.stubEnv('AWS_SAM_LOCAL', '');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', '');
    const tracing = new Tracing('test', ENVIRONMENTS['Lambda with active tracing']);
    const before = tracing.client(new S3Client({ region: 'eu-west-1' }));
    const captured = (client: S3Client) =>
      client.middlewareStack.identify().filter((name) => name.startsWith('XRaySDKInstrumentation')).length;
    expect(captured(before)).toBe(0);
    // Act
    await tracing.load();
    const after = tracing.client(new S3Client({ region: 'eu-west-1' }));
    // Assess
    expect(captured(before)).toBe(1);
    expect(captured(after)).toBe(1);
  });

  it('adds no middleware and loads no tracer where tracing is off', () => {
    // Prepare
    const tracing = new Tracing(
      'test',
      ENVIRONMENTS['the local stack or a test (a function name, no execution environment)'],
    );
    // Act
    const client = tracing.client(new S3Client({ region: 'eu-west-1' }));
    // Assess
    expect(tracing.middleware()).toEqual([]);
    expect(client.middlewareStack.identify().some((name) => name.startsWith('XRaySDKInstrumentation'))).toBe(false);
  });
});
