import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ApiConfig } from '../../shared/config.js';
import { CursorCodec, processCursorCodec } from '../../shared/storage/cursor.js';
import { type Observability, observability, type StorageClients, storageAdapters } from '../runtime.js';
import type { ApiHandlerDeps } from './handler.js';

/**
 * The api function's dependencies from its configuration and clients: the
 * one composition the Lambda entry and the local stack share.
 */
export function buildApiDeps(
  config: ApiConfig,
  clients: StorageClients & { secrets?: SecretsManagerClient },
  observe: Pick<Observability, 'logger'> = observability('precis-api'),
): ApiHandlerDeps {
  return {
    ...storageAdapters(clients, config.PRECIS_TABLE, { cursors: cursorCodec(config, clients.secrets) }),
    logger: observe.logger,
    config: { bucket: config.PRECIS_BUCKET },
    corsOrigins: config.PRECIS_CORS_ORIGINS,
  };
}

/**
 * The cursor codec: keyed by PRECIS_CURSOR_KEY, or by the secret
 * PRECIS_CURSOR_SECRET_ARN names (read once, when a cursor is first made or
 * opened), so that every instance of the function reads every cursor. With
 * neither, cursors hold for this process only.
 */
function cursorCodec(config: ApiConfig, secrets?: SecretsManagerClient): CursorCodec {
  if (config.PRECIS_CURSOR_KEY) return new CursorCodec(config.PRECIS_CURSOR_KEY);
  const arn = config.PRECIS_CURSOR_SECRET_ARN;
  if (!arn) return processCursorCodec();
  const provider = new SecretsProvider({ awsSdkV3Client: secrets ?? new SecretsManagerClient({}) });
  return new CursorCodec(async () => String((await provider.get(arn)) ?? ''));
}
