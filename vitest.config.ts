import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'us-east-1',
      // Skips CloudFormation schema validation in template tests; cdk-nag still runs.
      CDK_VALIDATION: 'false',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
