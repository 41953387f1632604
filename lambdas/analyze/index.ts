import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { BlobAnalysisCache } from '../../shared/analysis/cache.js';
import { apiKeyFromSecret, KeyedEngine } from '../../shared/analysis/keyed-engine.js';
import { selectEngine } from '../../shared/analysis/select-engine.js';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, observability, storageAdapters } from '../runtime.js';
import { createAnalyzeHandler } from './handler.js';

const config = loadConfig(analyzeEnvSchema);
const adapters = storageAdapters(defaultStorageClients(), config.PRECIS_TABLE);
const cache = new BlobAnalysisCache(adapters.blobs, config.PRECIS_BUCKET);
const secretArn = config.PRECIS_OPENAI_SECRET_ARN;

/** Cached for five minutes: a key put into the secret is picked up without a redeploy. */
const readKey = async () => apiKeyFromSecret(String((await getSecret(secretArn as string, { maxAge: 300 })) ?? ''));

export const handler = createAnalyzeHandler({
  ...adapters,
  ...observability('precis-analyze'),
  engine: secretArn
    ? new KeyedEngine(readKey, (apiKey) => selectEngine(config, { apiKey, cache }))
    : selectEngine(config, { cache }),
  clock: () => new Date(),
  maxReceives: config.PRECIS_MAX_RECEIVES,
  config: {
    bucket: config.PRECIS_BUCKET,
    targetLanguages: config.TARGET_LANGUAGES,
    leaseMs: config.PRECIS_ANALYZE_LEASE_MS,
  },
});
