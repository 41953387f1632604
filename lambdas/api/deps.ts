import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ApiConfig, ConfigError } from '../../shared/config.js';
import { loadOnce } from '../../shared/lazily.js';
import type { DeadLetterQueue, MessageQueue, UploadSigner } from '../../shared/ports.js';
import { CursorCodec, processCursorCodec } from '../../shared/storage/cursor.js';
import { s3EventBody, sourcesOf } from '../ingest/s3-event.js';
import {
  type Logging,
  logging,
  presigningS3Client,
  type StorageClients,
  storageAdapters,
  systemClock,
} from '../runtime.js';
import type { ApiHandlerDeps } from './handler.js';
import type { ReaderConfig } from './reader/page.js';
import { API_SCOPES } from './routes.js';

/** The queues a reprocess and a redrive use: SQS in AWS, the in-process queues locally. */
export interface ApiQueues {
  /** Takes S3-event-shaped bodies. */
  ingest: { sendBody(body: string): Promise<void> };
  analyze: MessageQueue;
  deadLetters: { ingest: DeadLetterQueue; analyze: DeadLetterQueue };
}

export interface ApiClients extends StorageClients {
  /**
   * The client upload URLs are signed with: one from presigningS3Client, which signs no checksum into them.
   * When absent, one is made with the first upload URL asked for.
   */
  presign?: S3Client;
  secrets?: SecretsManagerClient;
  /** Made on SQS from the configured URLs when absent. */
  queues?: ApiQueues;
}

/**
 * The queues on SQS, made with the first message sent or read: the client
 * and its adapters are a chunk (sqs-queues.ts) imported then, not parsed at
 * every cold start.
 */
function lazySqsQueues(config: ApiConfig, tracing: Logging['tracing']): ApiQueues {
  const queues = loadOnce(async () => (await import('./sqs-queues.js')).sqsQueues(config, tracing));
  const deadLetters = (which: 'ingest' | 'analyze'): DeadLetterQueue => ({
    receive: async (max) => (await queues()).deadLetters[which].receive(max),
    delete: async (handle) => (await queues()).deadLetters[which].delete(handle),
  });
  return {
    ingest: { sendBody: async (body) => (await queues()).ingest.sendBody(body) },
    analyze: { send: async (message) => (await queues()).analyze.send(message) },
    deadLetters: { ingest: deadLetters('ingest'), analyze: deadLetters('analyze') },
  };
}

/**
 * Upload URLs signed by a client of their own (presigningS3Client), made
 * with the first URL asked for: the signer and the presigner are a chunk
 * imported then. Only an upload asks for one; every other request would
 * pay for a second S3 client at each cold start.
 */
function signerOnFirstUse(presign: S3Client | undefined): UploadSigner {
  const signer = loadOnce(async () => {
    const { S3UploadSigner } = await import('../../shared/storage/s3-upload-signer.js');
    return new S3UploadSigner(presign ?? presigningS3Client());
  });
  return { signPut: async (...args) => (await signer()).signPut(...args) };
}

/**
 * The api function's dependencies from its configuration and clients: the
 * one composition the Lambda entry and the local stack share.
 */
export function buildApiDeps(
  config: ApiConfig,
  clients: ApiClients,
  observe: Logging = logging('precis-api'),
): ApiHandlerDeps {
  const queues = clients.queues ?? lazySqsQueues(config, observe.tracing);
  return {
    ...storageAdapters(clients, config.PRECIS_TABLE, { cursors: cursorCodec(config, clients.secrets) }),
    logger: observe.logger,
    tracing: observe.tracing,
    ingestQueue: { send: (source) => queues.ingest.sendBody(s3EventBody(source)) },
    ingestMessages: { sourcesOf, sendBody: (body) => queues.ingest.sendBody(body) },
    analyzeQueue: queues.analyze,
    deadLetters: queues.deadLetters,
    clock: systemClock,
    uploads: signerOnFirstUse(clients.presign),
    config: {
      bucket: config.PRECIS_BUCKET,
      targetLanguages: config.TARGET_LANGUAGES,
      maxObjectBytes: config.PRECIS_MAX_OBJECT_BYTES,
    },
    corsOrigins: config.PRECIS_CORS_ORIGINS,
    reader: readerConfig(config),
  };
}

/**
 * What the reader page needs to authorize its calls: nothing more than the
 * mode for API keys and IAM; for Cognito the user pool's domain, the page's
 * public client and its own URL (where the hosted UI sends the user back),
 * all three or the function does not start.
 */
export function readerConfig(config: ApiConfig): ReaderConfig {
  if (config.PRECIS_AUTH !== 'cognito') return { auth: config.PRECIS_AUTH };
  const { PRECIS_COGNITO_DOMAIN: domain, PRECIS_COGNITO_CLIENT_ID: clientId, PRECIS_READER_URL: redirectUri } = config;
  if (!domain || !clientId || !redirectUri) {
    const missing = Object.entries({
      PRECIS_COGNITO_DOMAIN: domain,
      PRECIS_COGNITO_CLIENT_ID: clientId,
      PRECIS_READER_URL: redirectUri,
    })
      .filter(([, value]) => !value)
      .map(([name]) => `${name} is not set (PRECIS_AUTH=cognito needs it)`);
    throw new ConfigError(`Invalid configuration: ${missing.join('; ')}`);
  }
  return {
    auth: 'cognito',
    cognito: {
      domain: domain.replace(/\/+$/, ''),
      clientId,
      redirectUri,
      scopes: ['openid', API_SCOPES.read, API_SCOPES.reprocess],
    },
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
  // The provider and its client are imported with the first cursor (a chunk of their own), not at every cold start.
  let provider: Promise<{ get(name: string): Promise<unknown> }> | null = null;
  return new CursorCodec(async () => {
    provider ??= Promise.all([
      import('@aws-lambda-powertools/parameters/secrets'),
      import('@aws-sdk/client-secrets-manager'),
    ]).then(([{ SecretsProvider }, { SecretsManagerClient }]) => {
      return new SecretsProvider({ awsSdkV3Client: secrets ?? new SecretsManagerClient({}) });
    });
    return String((await (await provider).get(arn)) ?? '');
  });
}
