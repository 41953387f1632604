import { apiEnvSchema, loadConfig } from '../../shared/config.js';
import { defaultStorageClients } from '../runtime.js';
import { buildApiDeps } from './deps.js';
import { createApiHandler } from './handler.js';

export const handler = createApiHandler(buildApiDeps(loadConfig(apiEnvSchema), defaultStorageClients()));
