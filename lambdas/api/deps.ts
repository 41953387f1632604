import type { ApiConfig } from '../../shared/config.js';
import { type Observability, observability, type StorageClients, storageAdapters } from '../runtime.js';
import type { ApiHandlerDeps } from './handler.js';

/**
 * The api function's dependencies from its configuration and clients: the
 * one composition the Lambda entry and the local stack share.
 */
export function buildApiDeps(
  config: ApiConfig,
  clients: StorageClients,
  observe: Pick<Observability, 'logger'> = observability('precis-api'),
): ApiHandlerDeps {
  return {
    ...storageAdapters(clients, config.PRECIS_TABLE),
    logger: observe.logger,
    config: { bucket: config.PRECIS_BUCKET },
    corsOrigins: config.PRECIS_CORS_ORIGINS,
  };
}
