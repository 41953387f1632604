import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, observability, traced } from '../runtime.js';
import { sqsRedelivery } from '../sqs-batch.js';
import { buildAnalyzeDeps } from './deps.js';
import { createAnalyzeHandler } from './handler.js';

const config = loadConfig(analyzeEnvSchema);
const observe = observability('precis-analyze');

export const handler = createAnalyzeHandler({
  ...buildAnalyzeDeps(
    config,
    { ...defaultStorageClients(observe.tracing), secrets: traced(observe.tracing, new SecretsManagerClient({})) },
    { observe },
  ),
  redelivery: sqsRedelivery(traced(observe.tracing, new SQSClient({}))),
});
