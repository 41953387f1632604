import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { apiKeyFromSecret } from '../../shared/analysis/keyed-engine.js';
import { OpenAiBatchApi } from '../../shared/analysis/llm/batch-api.js';
import { capabilitiesOf } from '../../shared/analysis/llm/models.js';
import type { BatchApi } from '../../shared/batch/ports.js';
import type { BatchConfig } from '../../shared/config.js';
import type { MessageQueue } from '../../shared/ports.js';
import { BlobBatchFiles } from '../../shared/storage/batch-files.js';
import { DynamoBatchTable } from '../../shared/storage/dynamo-batch-table.js';
import type { BatchDeps } from '../../shared/usecases/submit-batch.js';
import { openAiClient, providerFor } from '../analyze/deps.js';
import {
  documentClient,
  type Observability,
  observability,
  type StorageClients,
  storageAdapters,
  systemClock,
} from '../runtime.js';

/** How long a key read from the secret is reused, as in the analyze function. */
const SECRET_MAX_AGE_S = 300;

/** Lines in one batch at most: OpenAI takes 50,000 and 200 MB; a fifth keeps a file of long articles in bounds. */
const MAX_REQUESTS = 10_000;
/** Queued articles one run submits at most. */
const MAX_ARTICLES = 2_000;

export interface BatchClients extends StorageClients {
  analyzeQueue: MessageQueue;
  /** Reads the OpenAI key's secret when PRECIS_OPENAI_SECRET_ARN is set; one is made when absent. */
  secrets?: SecretsManagerClient;
}

export interface BatchHandlerDeps extends BatchDeps, Observability {}

/** The Batch API on the key configured now: read from the secret at each use (cached), so a key put in later is used. */
function batchApiFor(config: BatchConfig, secrets: SecretsManagerClient | undefined): BatchApi {
  const arn = config.PRECIS_OPENAI_SECRET_ARN;
  const provider = providerFor(config);
  if (!arn) return new OpenAiBatchApi(openAiClient(config), provider);
  const store = new SecretsProvider({ awsSdkV3Client: secrets ?? new SecretsManagerClient({}) });
  let current: { key: string | undefined; api: OpenAiBatchApi } | null = null;
  const api = async () => {
    const key = apiKeyFromSecret(String((await store.get(arn, { maxAge: SECRET_MAX_AGE_S })) ?? ''));
    if (!current || current.key !== key)
      current = { key, api: new OpenAiBatchApi(openAiClient(config, key), provider) };
    return current.api;
  };
  return {
    upload: async (calls, name) => (await api()).upload(calls, name),
    create: async (file, name) => (await api()).create(file, name),
    findByInput: async (file) => (await api()).findByInput(file),
    retrieve: async (id) => (await api()).retrieve(id),
    results: async (file) => (await api()).results(file),
  };
}

/**
 * The batch function's dependencies from its configuration and clients:
 * the one composition the scheduled Lambda and the local stack share.
 * `api` replaces the provider's Batch API (tests).
 */
export function buildBatchDeps(
  config: BatchConfig,
  clients: BatchClients,
  overrides: { api?: BatchApi; observe?: Observability } = {},
): BatchHandlerDeps {
  const adapters = storageAdapters(clients, config.PRECIS_TABLE);
  return {
    ...(overrides.observe ?? observability('precis-batch')),
    articles: adapters.articles,
    table: new DynamoBatchTable(documentClient(clients.dynamodb), config.PRECIS_TABLE),
    files: new BlobBatchFiles(adapters.blobs, config.PRECIS_BUCKET),
    api: overrides.api ?? batchApiFor(config, clients.secrets),
    analyzeQueue: clients.analyzeQueue,
    clock: systemClock,
    priceOf: (model) =>
      capabilitiesOf(model, {
        family: config.PRECIS_MODEL_FAMILY,
        prices: config.PRECIS_PRICES,
        overrides: config.PRECIS_MODEL_CAPABILITIES[model],
      }).price,
    config: { maxRequests: MAX_REQUESTS, maxArticles: MAX_ARTICLES },
  };
}
