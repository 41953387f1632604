import { apiEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, observability, storageAdapters } from '../runtime.js';
import { createApiHandler } from './handler.js';

const config = loadConfig(apiEnvSchema);

export const handler = createApiHandler({
  ...storageAdapters(defaultStorageClients(), config.PRECIS_TABLE),
  logger: observability('precis-api').logger,
  config: { bucket: config.PRECIS_BUCKET },
  corsOrigins: config.PRECIS_CORS_ORIGINS,
});
