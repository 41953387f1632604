import { apiEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, observability, presigningS3Client } from '../runtime.js';
import { buildApiDeps } from './deps.js';
import { createApiHandler } from './handler.js';

const observe = observability('precis-api');

export const handler = createApiHandler(
  buildApiDeps(
    loadConfig(apiEnvSchema),
    { ...defaultStorageClients(observe.tracing), presign: presigningS3Client() },
    observe,
  ),
);
