import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, observability, traced } from '../runtime.js';
import { redeliveryOnFirstUse } from '../sqs-batch.js';
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
  // The SQS client, a chunk of its own, is imported with the first message that asks to come back later.
  redelivery: redeliveryOnFirstUse(async () => {
    const [{ SQSClient }, { sqsRedelivery }] = await Promise.all([
      import('@aws-sdk/client-sqs'),
      import('../sqs-redelivery.js'),
    ]);
    return sqsRedelivery(traced(observe.tracing, new SQSClient({})));
  }),
});
