import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import OpenAI from 'openai';
import { type AnalysisCache, BlobAnalysisCache, BlobAnswerStore, CachedEngine } from '../../shared/analysis/cache.js';
import type { AnalysisEngine } from '../../shared/analysis/engine.js';
import { FallbackEngine } from '../../shared/analysis/fallback.js';
import { apiKeyFromSecret, KeyedEngine } from '../../shared/analysis/keyed-engine.js';
import { DeferringTransport } from '../../shared/analysis/llm/deferred.js';
import { LlmEngine } from '../../shared/analysis/llm/engine.js';
import type { PaceClock } from '../../shared/analysis/llm/rate-governor.js';
import { ServerModels } from '../../shared/analysis/llm/server-models.js';
import { ChatTransport, providerOf, ResponsesTransport } from '../../shared/analysis/llm/transport.js';
import type { AnswerStore, SketchIndex } from '../../shared/analysis/ports.js';
import { SyndicatedEngine } from '../../shared/analysis/syndication.js';
import { type AnalyzeConfig, ConfigError, type EngineConfig } from '../../shared/config.js';
import type { ArticleEvents, ContentClaims } from '../../shared/ports.js';
import { BlobBatchFiles } from '../../shared/storage/batch-files.js';
import { DynamoBatchTable } from '../../shared/storage/dynamo-batch-table.js';
import { DynamoSketchIndex } from '../../shared/storage/dynamo-sketch-index.js';
import {
  documentClient,
  eventBus,
  type Observability,
  observability,
  type StorageClients,
  storageAdapters,
  systemClock,
} from '../runtime.js';
import type { AnalyzeHandlerDeps } from './handler.js';
import { OfflineEngineOnFirstUse } from './offline-engine.js';

/** How long a key read from the secret is reused: a key put in later is used within this, with no redeploy. */
const SECRET_MAX_AGE_S = 300;

/** The OpenAI client configuration asks for: OpenAI's, or the compatible server's at OPENAI_BASE_URL. */
export function openAiClient(config: EngineConfig, apiKey = config.OPENAI_API_KEY): OpenAI {
  return new OpenAI({
    // Local servers (Ollama, vLLM, llama.cpp) take any key; the client insists on one.
    apiKey: apiKey ?? 'no-key',
    baseURL: config.OPENAI_BASE_URL,
    // Retries are the engine's own, so that no wait passes the article's budget.
    maxRetries: 0,
    defaultHeaders: config.PRECIS_LLM_HEADERS,
  });
}

/** Who serves the models: configured, or read from OPENAI_BASE_URL. */
export const providerFor = (config: EngineConfig) =>
  config.PRECIS_LLM_PROVIDER === 'auto' ? providerOf(config.OPENAI_BASE_URL) : config.PRECIS_LLM_PROVIDER;

/** Whether configuration names an LLM: an OpenAI key, or an OpenAI-compatible server. */
export function llmConfigured(
  config: Pick<EngineConfig, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>,
  apiKey?: string,
): boolean {
  return Boolean(apiKey ?? config.OPENAI_API_KEY) || Boolean(config.OPENAI_BASE_URL);
}

/** What lets the engine reuse what was paid for: finished results, claims on texts in progress, kept answers. */
export interface EngineStores {
  cache?: AnalysisCache;
  /** Claims on texts being analysed, so the same text at once is paid for once. */
  claims?: { store: ContentClaims; leaseMs: number };
  /** Analysis answers kept by text, so no delivery pays for one twice. */
  answers?: AnswerStore;
  /** Finished analyses by their texts' sketches, so a syndicated copy reuses its original's. */
  sketches?: SketchIndex;
}

/**
 * The LLM engine alone (no cache, no fallback), on OpenAI or the configured
 * compatible server. Building it reads the model's shutdown date: one past,
 * or within 30 days, is said at once through `warn`.
 */
export function createLlmEngine(
  config: EngineConfig,
  apiKey = config.OPENAI_API_KEY,
  warn: (message: string) => void = (message) => console.warn(message),
  answers?: AnswerStore,
  now?: () => Date,
  clock?: PaceClock,
): LlmEngine {
  const client = openAiClient(config, apiKey);
  const provider = providerFor(config);
  // In a batch-mode run, calls are answered from the article's batches or put off (deferred.ts); else sent.
  return new LlmEngine(
    {
      chat: new DeferringTransport(new ChatTransport(client, provider, config.PRECIS_LLM_BODY)),
      responses: new DeferringTransport(new ResponsesTransport(client, config.PRECIS_LLM_BODY)),
    },
    {
      analysisModel: config.PRECIS_ANALYSIS_MODEL ?? config.PRECIS_MODEL,
      translationModel: config.PRECIS_TRANSLATION_MODEL ?? config.PRECIS_MODEL,
      provider,
      api: config.PRECIS_LLM_API,
      reasoningEffort: config.PRECIS_REASONING_EFFORT,
      translationEffort: config.PRECIS_TRANSLATION_EFFORT === 'default' ? undefined : config.PRECIS_TRANSLATION_EFFORT,
      maxOutputTokens: config.PRECIS_MAX_OUTPUT_TOKENS,
      maxCallsPerArticle: config.PRECIS_MAX_CALLS_PER_ARTICLE,
      maxCostPerArticle: config.PRECIS_MAX_COST_PER_ARTICLE,
      budgetMs: config.PRECIS_ARTICLE_BUDGET_MS,
      maxInputTokens: config.PRECIS_MAX_INPUT_TOKENS,
      dropUngrounded: config.PRECIS_DROP_UNGROUNDED,
      claimReasons: config.PRECIS_CLAIM_REASONS,
      judge: config.PRECIS_VERIFY === 'llm',
      family: config.PRECIS_MODEL_FAMILY,
      contextTokens: config.PRECIS_CONTEXT_TOKENS,
      capabilities: config.PRECIS_MODEL_CAPABILITIES,
      prices: config.PRECIS_PRICES,
      timeoutMs: config.PRECIS_LLM_TIMEOUT_MS,
      retries: config.PRECIS_LLM_RETRIES,
      concurrency: config.PRECIS_LLM_CONCURRENCY,
      warn,
      answers,
      // With no LLM configured there is no server to ask (`precis models` still answers from the table).
      directory: llmConfigured(config, apiKey) ? new ServerModels(client, provider) : undefined,
      now,
      clock,
    },
  );
}

/**
 * The engine configuration asks for, with a key known now. With an LLM
 * configured (and PRECIS_ENGINE not `offline`): the LLM engine, behind the
 * sketch index of syndicated copies and the analysis cache when they are
 * given, with the offline engine as the last-delivery fallback. Otherwise
 * the offline engine.
 */
export function selectEngine(config: EngineConfig, deps: EngineStores & { apiKey?: string } = {}) {
  const offline = new OfflineEngineOnFirstUse();
  const apiKey = deps.apiKey ?? config.OPENAI_API_KEY;
  const configured = llmConfigured(config, apiKey);
  if (config.PRECIS_ENGINE === 'offline' || (config.PRECIS_ENGINE === 'auto' && !configured)) return offline;
  if (!configured) {
    throw new ConfigError('PRECIS_ENGINE=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server.');
  }
  const llm = createLlmEngine(config, apiKey, undefined, deps.answers);
  // The same text is found in the cache first (and waited for when it is being analysed); a near copy next.
  const syndicated = deps.sketches ? new SyndicatedEngine(llm, deps.sketches) : llm;
  return new FallbackEngine(deps.cache ? new CachedEngine(syndicated, deps.cache, deps.claims) : syndicated, offline);
}

/**
 * The analysis engine, for the analyze function and `precis analyze` alike.
 * With PRECIS_OPENAI_SECRET_ARN the key is read from that secret at run time
 * (cached for five minutes) and the engine rebuilt when it changes, so a key
 * put in after deploying is used without a redeploy; until then, the offline
 * engine answers.
 */
export function buildAnalysisEngine(
  config: EngineConfig,
  deps: EngineStores & { secrets?: SecretsManagerClient } = {},
): AnalysisEngine {
  const arn = config.PRECIS_OPENAI_SECRET_ARN;
  const { secrets, ...stores } = deps;
  if (!arn) return selectEngine(config, stores);
  const provider = new SecretsProvider({ awsSdkV3Client: secrets ?? new SecretsManagerClient({}) });
  const readKey = async () => apiKeyFromSecret(String((await provider.get(arn, { maxAge: SECRET_MAX_AGE_S })) ?? ''));
  return new KeyedEngine(readKey, (apiKey) => selectEngine(config, { apiKey, ...stores }));
}

export interface AnalyzeClients extends StorageClients {
  /** Reads the OpenAI key's secret when PRECIS_OPENAI_SECRET_ARN is set; one is made when absent. */
  secrets?: SecretsManagerClient;
  /** Where finished articles are announced: the configured EventBridge bus when absent. */
  events?: ArticleEvents;
}

/**
 * The analyze function's dependencies from its configuration and clients:
 * the one composition the Lambda entry and the local stack share. `engine`
 * replaces the configured one (tests).
 */
export function buildAnalyzeDeps(
  config: AnalyzeConfig,
  clients: AnalyzeClients,
  overrides: { engine?: AnalysisEngine; observe?: Observability } = {},
): AnalyzeHandlerDeps {
  // One document client for the articles, the near-copy index and the batches' table.
  const documents = documentClient(clients.dynamodb);
  const adapters = storageAdapters(clients, config.PRECIS_TABLE, {
    recordRetentionDays: config.PRECIS_RECORD_RETENTION_DAYS,
    documents,
  });
  const cache = new BlobAnalysisCache(adapters.blobs, config.PRECIS_BUCKET);
  const observe = overrides.observe ?? observability('precis-analyze');
  return {
    ...adapters,
    ...observe,
    events: clients.events ?? eventBus(config.PRECIS_EVENT_BUS, observe.logger, observe.tracing),
    engine:
      overrides.engine ??
      buildAnalysisEngine(config, {
        cache,
        secrets: clients.secrets,
        claims: { store: adapters.articles, leaseMs: config.PRECIS_ANALYZE_LEASE_MS },
        answers: new BlobAnswerStore(adapters.blobs, config.PRECIS_BUCKET),
        sketches: new DynamoSketchIndex(documents, config.PRECIS_TABLE, adapters.blobs, config.PRECIS_BUCKET, {
          retentionDays: config.PRECIS_SKETCH_RETENTION_DAYS,
        }),
      }),
    batch: {
      mode: config.PRECIS_LLM_MODE,
      table: new DynamoBatchTable(documents, config.PRECIS_TABLE),
      files: new BlobBatchFiles(adapters.blobs, config.PRECIS_BUCKET),
    },
    clock: systemClock,
    maxReceives: config.PRECIS_MAX_RECEIVES,
    config: {
      bucket: config.PRECIS_BUCKET,
      targetLanguages: config.TARGET_LANGUAGES,
      leaseMs: config.PRECIS_ANALYZE_LEASE_MS,
    },
  };
}
