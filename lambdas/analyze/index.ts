import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients } from '../runtime.js';
import { sqsRedelivery } from '../sqs-batch.js';
import { buildAnalyzeDeps } from './deps.js';
import { createAnalyzeHandler } from './handler.js';

const config = loadConfig(analyzeEnvSchema);

export const handler = createAnalyzeHandler({
  ...buildAnalyzeDeps(config, { ...defaultStorageClients(), secrets: new SecretsManagerClient({}) }),
  redelivery: sqsRedelivery(new SQSClient({})),
});
