import { BlobAnalysisCache } from '../../shared/analysis/cache.js';
import { selectEngine } from '../../shared/analysis/select-engine.js';
import { analyzeEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, observability, storageAdapters } from '../runtime.js';
import { createAnalyzeHandler } from './handler.js';

const config = loadConfig(analyzeEnvSchema);
const adapters = storageAdapters(defaultStorageClients(), config.PRECIS_TABLE);

export const handler = createAnalyzeHandler({
  ...adapters,
  ...observability('precis-analyze'),
  engine: selectEngine(config, { cache: new BlobAnalysisCache(adapters.blobs, config.PRECIS_BUCKET) }),
  clock: () => new Date(),
  maxReceives: config.PRECIS_MAX_RECEIVES,
  config: {
    bucket: config.PRECIS_BUCKET,
    targetLanguages: config.TARGET_LANGUAGES,
    leaseMs: config.PRECIS_ANALYZE_LEASE_MS,
  },
});
