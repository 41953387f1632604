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
      AWS_REGION: 'us-east-1',
      // Skips CloudFormation schema validation in template tests; cdk-nag still runs.
      CDK_VALIDATION: 'false',
    },
    // The language models, loaded once per test file as each use case loads them before cleaning.
    setupFiles: ['tests/setup/language-models.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'tests/unit/**/*.test.ts',
            'tests/infra/stack.test.ts',
            'tests/infra/entries.test.ts',
            'tests/infra/deploy-check.test.ts',
            'tests/infra/deploys.test.ts',
            'tests/infra/data-lifetime.test.ts',
            'tests/infra/reader-sign-in.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/infra/synth.test.ts'],
        },
      },
    ],
  },
});
