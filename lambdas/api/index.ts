import { apiEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients, logging } from '../runtime.js';
import { buildApiDeps } from './deps.js';
import { createApiHandler } from './handler.js';

const observe = logging('precis-api');

export const handler = createApiHandler(
  buildApiDeps(loadConfig(apiEnvSchema), defaultStorageClients(observe.tracing), observe),
);
