import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, type LocalStackOptions, localOptions, startLocalStack } from '../../local/stack.js';

/**
 * The local stack in this process, on free ports and a fresh data folder,
 * configured by `env` as `npm start` would be; `close` stops it and removes
 * its data.
 */
export async function startTestStack(
  env: Record<string, string> = {},
  overrides: Partial<LocalStackOptions> = {},
): Promise<{ stack: LocalStack; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'precis-test-'));
  const stack = await startLocalStack({
    ...localOptions({
      PRECIS_S3_PORT: '0',
      PRECIS_DYNAMODB_PORT: '0',
      PRECIS_API_PORT: '0',
      PRECIS_DATA_DIR: dataDir,
      ...env,
    }),
    ...overrides,
  });
  return {
    stack,
    close: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
