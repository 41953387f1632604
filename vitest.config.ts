import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: in-process only (mocked SDK clients, the CLI's main(),
 * template assertions without bundling). `integration`: emulators, the stub
 * LLM server, subprocesses, and one real synth with bundling.
 */
export default defineConfig({
  test: {
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // As the local entry points have it (local/process-env.ts): no async hook on every promise for traces that are off.
      AWS_XRAY_MANUAL_MODE: 'true',
      AWS_REGION: 'us-east-1',
      // Skips CloudFormation schema validation in template tests; cdk-nag still runs.
      CDK_VALIDATION: 'false',
    },
    // The language models, loaded once per test file as each use case loads them before cleaning.
    setupFiles: ['tests/setup/language-models.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A poll waits for the stack or a page, whose pace is the machine's: a busy shared machine stalls for seconds
    // (20 s ran out under load 16). It only bounds how long a broken run waits; a passing one ends at its answer.
    expect: { poll: { timeout: 60_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'tests/unit/**/*.test.ts',
            'tests/infra/stack.test.ts',
            'tests/infra/analyze-concurrency.test.ts',
            'tests/infra/entries.test.ts',
            'tests/infra/deploy-check.test.ts',
            'tests/infra/deploys.test.ts',
            'tests/infra/data-lifetime.test.ts',
            'tests/infra/reader-sign-in.test.ts',
            'tests/infra/batch.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/infra/synth.test.ts'],
          // Stacks, subprocesses and a browser take two or three times as long on a loaded machine.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
