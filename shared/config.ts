import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { LANGUAGE_CODE, languageName, splitLanguageList } from './languages.js';
import { lazily, once } from './lazily.js';
import { DEFAULT_MAX_OBJECT_BYTES } from './limits.js';

/**
 * The environment each function reads, checked once at cold start. A missing
 * or malformed variable fails with its name, never silently defaults to ''.
 * An empty variable counts as unset. The Lambda entries, the local stack and
 * the CLI all read their settings through these schemas, so a variable means
 * the same everywhere. Each schema is built on first use (shared/lazily.ts):
 * a function's cold start builds its own and not the others'.
 *
 * Written with zod/mini, zod's functional API over the same core: classic
 * zod's methods pull in all of zod at import, and every function reads its
 * configuration at cold start (npm run bench, starts). zod/mini loads no
 * locale of its own: English messages are set here, as classic zod sets them
 * when imported.
 */
z.config(en());

export { DEFAULT_MAX_OBJECT_BYTES };

/**
 * The most PRECIS_MAX_OUTPUT_TOKENS takes: the largest output cap a model
 * documents (OpenAI's gpt-5-pro: 272,000 tokens, reasoning tokens counted
 * in it; the other models of the table take 128,000 or less).
 */
export const MAX_OUTPUT_TOKENS_LIMIT = 272_000;

/** Articles longer than this many words end TOO_LONG: about 150 pages, far past any news article. */
export const DEFAULT_MAX_WORDS = 100_000;

/**
 * A field schema built once and shared by every field of its kind: zod
 * builds each schema's internals where it is declared, and a cold start
 * pays for each one (npm run bench, starts). A schema is not changed by
 * the schemas that wrap it, so one instance may sit in many places.
 */
const nonEmpty = once(() => z.string().check(z.minLength(1)));
/**
 * A number read from a variable's text, and the checks of a count: their
 * messages say what the value must be, where zod's own read "expected
 * number, received NaN" of `abc` and "expected int, received number" of `1.5`.
 */
const numberText = () => z.coerce.number({ error: 'not a number' });
const whole = () => z.int({ error: 'not a whole number' });
const positiveNumber = once(() => numberText().check(whole(), z.positive({ error: 'must be more than 0' })));
const positiveInt = (fallback: number) => z._default(positiveNumber(), fallback);

export const languageList = lazily(() =>
  z.pipe(
    z.pipe(z._default(z.string(), ''), z.transform(splitLanguageList)),
    z.array(
      z.string().check(
        z.minLength(1, { error: 'an empty entry between commas', abort: true }),
        z.regex(LANGUAGE_CODE, { error: 'a language code such as "ar" or "pt-br"', abort: true }),
        z.refine((code) => languageName(code) !== undefined, {
          error: (issue) => `"${issue.input}" is no language ICU knows`,
        }),
      ),
    ),
  ),
);

const FLAG_VALUES = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const flag = (fallback: boolean) =>
  z.pipe(
    z._default(z.enum(FLAG_VALUES), fallback ? 'true' : 'false'),
    z.transform((value: (typeof FLAG_VALUES)[number]) => ['true', '1', 'yes'].includes(value)),
  );

/**
 * USD per million tokens. `cacheWrite` is what a token written to the
 * provider's prompt cache costs (when the answer's usage says how many were);
 * `longContext` raises the whole request's rates when its prompt is over
 * `aboveInputTokens` (OpenAI's 272k rule: input and cache ×2, output ×1.5).
 */
export const priceSchema = lazily(() =>
  z.object({
    input: z.number().check(z.nonnegative()),
    output: z.number().check(z.nonnegative()),
    cachedInput: z.optional(z.number().check(z.nonnegative())),
    cacheWrite: z.optional(z.number().check(z.nonnegative())),
    /** What a call through the provider's Batch API costs, as a share of every rate above (OpenAI and Azure: 0.5). */
    batch: z.optional(z.number().check(z.positive(), z.lte(1))),
    longContext: z.optional(
      z.strictObject({
        aboveInputTokens: z.number().check(z.int(), z.positive()),
        input: z.number().check(z.positive()),
        output: z.number().check(z.positive()),
      }),
    ),
  }),
);
export type Price = z.infer<typeof priceSchema>;

/**
 * A variable holding JSON, parsed and then checked against `schema`. A
 * record's value schema is given through z.lazy: it is built the first time
 * a variable names an entry, not with every configuration (most set none).
 */
export const jsonValue = <S extends z.core.$ZodType>(schema: S, fallback: string) =>
  z.pipe(
    z.pipe(
      z._default(z.string(), fallback),
      z.transform((value: string, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'not JSON', input: value });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

export const REASONING_EFFORT_VALUES = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;

/** Fields of the capability table a user may set for a model (PRECIS_MODEL_CAPABILITIES). */
export const capabilityOverrideSchema = lazily(() =>
  z.partial(
    z.strictObject({
      family: nonEmpty(),
      efforts: z.array(z.enum(REASONING_EFFORT_VALUES)),
      defaultEffort: z.nullable(z.enum(REASONING_EFFORT_VALUES)),
      contextTokens: z.number().check(z.int(), z.positive()),
      maxOutputTokens: z.number().check(z.int(), z.positive()),
      structuredOutputs: z.boolean(),
      api: z.enum(['chat', 'responses']),
      /** The day the provider stops serving the model (YYYY-MM-DD), and what it names instead. */
      shutdownDate: z.nullable(z.iso.date()),
      replacement: z.nullable(nonEmpty()),
    }),
  ),
);

/**
 * The LLM engine: on OpenAI when OPENAI_API_KEY is set, on any
 * OpenAI-compatible server when OPENAI_BASE_URL is.
 */
const llmEnv = () => ({
  OPENAI_API_KEY: z.optional(nonEmpty()),
  /** In AWS the key lives in Secrets Manager, never in a plain variable: the secret's ARN. */
  PRECIS_OPENAI_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  OPENAI_BASE_URL: z.optional(z.url()),
  /**
   * Who serves the models, which decides parameter names: `auto` reads it from
   * OPENAI_BASE_URL (OpenAI, Azure OpenAI, OpenRouter, else a compatible server).
   */
  PRECIS_LLM_PROVIDER: z._default(z.enum(['auto', 'openai', 'azure', 'openrouter', 'compatible']), 'auto'),
  /**
   * `batch`: every analysis goes through the provider's Batch API at its batch price (half, on OpenAI and
   * Azure), answered within 24 hours; for a stack that never needs answers within minutes.
   */
  PRECIS_LLM_MODE: z._default(z.enum(['realtime', 'batch']), 'realtime'),
  /** Chat Completions or the Responses API; `auto` uses Responses for the models served only there. */
  PRECIS_LLM_API: z._default(z.enum(['auto', 'chat', 'responses']), 'auto'),
  /** The model for every stage, unless a stage names its own. */
  PRECIS_MODEL: z._default(nonEmpty(), 'gpt-5.4-mini'),
  PRECIS_ANALYSIS_MODEL: z.optional(nonEmpty()),
  PRECIS_TRANSLATION_MODEL: z.optional(nonEmpty()),
  /** The family of the configured models when their names do not say (Azure deployments, proxies). */
  PRECIS_MODEL_FAMILY: z.optional(nonEmpty()),
  /** The server's context window in tokens (a local server's, e.g. Ollama's OLLAMA_CONTEXT_LENGTH). */
  PRECIS_CONTEXT_TOKENS: z.optional(positiveNumber()),
  /** Capability table fields by model name, as JSON: `{"my-model": {"contextTokens": 16384}}`. */
  PRECIS_MODEL_CAPABILITIES: jsonValue(
    z.record(
      z.string(),
      z.lazy(() => capabilityOverrideSchema),
    ),
    '{}',
  ),
  /** Sent only to models that take it, as the nearest value they take. */
  PRECIS_REASONING_EFFORT: z.optional(z.enum(REASONING_EFFORT_VALUES)),
  /**
   * The effort translations are asked at, as the nearest value the model takes;
   * `default`: the same as the analysis (PRECIS_REASONING_EFFORT, or the model's own).
   */
  PRECIS_TRANSLATION_EFFORT: z._default(z.enum(['default', ...REASONING_EFFORT_VALUES]), 'none'),
  /**
   * The answer's output cap in tokens, before room for reasoning is added: it
   * only ever lowers the budget an answer's bounds give it (schemas.ts), so
   * a value past every model's documented output cap is a mistake, not a
   * wish, and is said at cold start.
   */
  PRECIS_MAX_OUTPUT_TOKENS: z._default(
    positiveNumber().check(
      z.lte(MAX_OUTPUT_TOKENS_LIMIT, {
        error: `must be at most ${MAX_OUTPUT_TOKENS_LIMIT} (the largest output cap a model documents, reasoning included)`,
      }),
    ),
    4096,
  ),
  /**
   * Billed LLM calls one article may make, over all its deliveries: the normal
   * path makes one analysis call, a repair or two and one call per language;
   * a long article a few more per part.
   */
  PRECIS_MAX_CALLS_PER_ARTICLE: positiveInt(40),
  /**
   * USD one article may cost at most, over all its deliveries: a call is sent
   * only when its worst case (prompt and full output cap, at list price) fits
   * what is left. Models without a known price are held by the call ceiling.
   */
  PRECIS_MAX_COST_PER_ARTICLE: z._default(numberText().check(z.positive({ error: 'must be more than 0' })), 2),
  /** One call's time limit. */
  PRECIS_LLM_TIMEOUT_MS: positiveInt(60_000),
  /** Retries of one call on 5xx, timeouts and connection errors, with backoff (429s wait within the budget). */
  PRECIS_LLM_RETRIES: z._default(numberText().check(whole(), z.gte(0), z.lte(10)), 2),
  /** LLM calls at once in one process at most; fewer while the server signals its rate limits. */
  PRECIS_LLM_CONCURRENCY: positiveInt(8),
  /** All calls of one article together; keep it below the function timeout and the analyze lease. */
  PRECIS_ARTICLE_BUDGET_MS: positiveInt(240_000),
  /** Articles with more input tokens than this are analysed in parts (map-reduce). */
  PRECIS_MAX_INPUT_TOKENS: positiveInt(24_000),
  /** Drop claims whose evidence is not in the text, instead of flagging them. */
  PRECIS_DROP_UNGROUNDED: flag(false),
  /** Ask the model for each claim's check-worthiness reason (`checkworthinessReason`), written before its score. */
  PRECIS_CLAIM_REASONS: flag(true),
  /** `llm`: the model also judges each summary sentence against the article (one more call, counted in the cost). */
  PRECIS_VERIFY: z._default(z.enum(['off', 'llm']), 'off'),
  /** Prices (USD per 1M tokens) added to or replacing the defaults, as JSON. */
  PRECIS_PRICES: jsonValue(
    z.record(
      z.string(),
      z.lazy(() => priceSchema),
    ),
    '{}',
  ),
  /** HTTP headers for every LLM request, as JSON (OpenRouter's HTTP-Referer and X-Title, a gateway's key). */
  PRECIS_LLM_HEADERS: jsonValue(z.record(z.string(), z.string()), '{}'),
  /** Fields added to every LLM request body, as JSON (OpenRouter's `provider` routing, say). */
  PRECIS_LLM_BODY: jsonValue(z.record(z.string(), z.unknown()), '{}'),
});

/** What chooses and configures the analysis engine: the analyze function and `precis analyze`. */
const engineEnv = () => ({
  /** `auto` picks the LLM engine when one is configured, else the offline engine. */
  PRECIS_ENGINE: z._default(z.enum(['auto', 'offline', 'openai']), 'auto'),
  ...llmEnv(),
  TARGET_LANGUAGES: languageList,
});

/** What reading and cleaning an upload needs: the ingest function and `precis clean|analyze`. */
const cleaningEnv = () => ({
  PRECIS_MAX_OBJECT_BYTES: positiveInt(DEFAULT_MAX_OBJECT_BYTES),
  /** Articles with more words than this end TOO_LONG instead of being analysed. */
  PRECIS_MAX_WORDS: positiveInt(DEFAULT_MAX_WORDS),
  /** Languages the detector chooses among (ISO 639-1); the default list when empty. */
  PRECIS_LANGUAGES: languageList,
});

const storageEnv = () => ({
  PRECIS_TABLE: nonEmpty(),
  PRECIS_BUCKET: nonEmpty(),
});

/** Days a finished article is kept before the table's TTL deletes it (0: kept until deleted). */
const PRECIS_RECORD_RETENTION_DAYS = () => z._default(numberText().check(whole(), z.gte(0)), 0);

/** Where terminal states are published: an EventBridge bus's name or ARN (the account's default bus). */
const PRECIS_EVENT_BUS = () => z._default(nonEmpty(), 'default');

/**
 * Receives of one message before it goes to the dead-letter queue (the
 * queue's maxReceiveCount). AWS asks for 5 at least behind Lambda: a
 * throttled receive counts as one.
 */
export const DEFAULT_MAX_RECEIVES = 5;
const PRECIS_MAX_RECEIVES = () => positiveInt(DEFAULT_MAX_RECEIVES);

export const ingestEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    PRECIS_RECORD_RETENTION_DAYS: PRECIS_RECORD_RETENTION_DAYS(),
    PRECIS_EVENT_BUS: PRECIS_EVENT_BUS(),
    PRECIS_MAX_RECEIVES: PRECIS_MAX_RECEIVES(),
    PRECIS_ANALYZE_QUEUE_URL: nonEmpty(),
    ...cleaningEnv(),
    /** How long an ingest delivery owns an object version before another may take over. */
    PRECIS_INGEST_LEASE_MS: positiveInt(60_000),
  }),
);

export const analyzeEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    PRECIS_RECORD_RETENTION_DAYS: PRECIS_RECORD_RETENTION_DAYS(),
    PRECIS_EVENT_BUS: PRECIS_EVENT_BUS(),
    PRECIS_MAX_RECEIVES: PRECIS_MAX_RECEIVES(),
    ...engineEnv(),
    /** How long an analysis delivery owns an article; keep it at or below the function timeout. */
    PRECIS_ANALYZE_LEASE_MS: positiveInt(300_000),
    /**
     * Days a band of the sketch index outlives its last text (the table's TTL), as the bucket keeps the entries
     * (BUCKET_LAYOUT.sketches, not imported: the layout's text would load with every function's configuration); 0: kept.
     */
    PRECIS_SKETCH_RETENTION_DAYS: z._default(numberText().check(whole(), z.gte(0)), 90),
  }),
);

export const sweepEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    /** Where an upload whose S3 event was lost, or an article stuck in RECEIVED, is sent. */
    PRECIS_INGEST_QUEUE_URL: nonEmpty(),
    /** Read for ingest messages that died before their upload had a record, to send them again. */
    PRECIS_INGEST_DLQ_URL: nonEmpty(),
    PRECIS_ANALYZE_QUEUE_URL: nonEmpty(),
    /** Where the events a dead function did not get out are published. */
    PRECIS_EVENT_BUS: PRECIS_EVENT_BUS(),
    /** An article unchanged this long in RECEIVED, CLEANED or ANALYZING is driven again; above every lease. */
    PRECIS_SWEEP_STALE_MS: positiveInt(30 * 60_000),
    /** How long one run works before it saves where it stopped; keep it below the function's timeout. */
    PRECIS_SWEEP_BUDGET_MS: positiveInt(4 * 60_000),
    /** A finished article whose event is not out this long after it ended has it published by the sweep. */
    PRECIS_SWEEP_EVENT_GRACE_MS: positiveInt(5 * 60_000),
    /** Pages of 1,000 uploads the rolling pass over incoming/ lists in one run. */
    PRECIS_SWEEP_UPLOAD_PAGES: positiveInt(1),
  }),
);

/** The scheduled batch function: submits the calls put off to the Batch API, and collects what batches answered. */
export const batchEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    /** Where an article whose batch ended is sent, for its next run. */
    PRECIS_ANALYZE_QUEUE_URL: nonEmpty(),
    ...engineEnv(),
  }),
);

export const apiEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    /** Where a reprocess sends an article to be cleaned again from its upload. */
    PRECIS_INGEST_QUEUE_URL: nonEmpty(),
    /** Where a reprocess sends an article to be analysed again. */
    PRECIS_ANALYZE_QUEUE_URL: nonEmpty(),
    /** The dead-letter queues a redrive reads. */
    PRECIS_INGEST_DLQ_URL: nonEmpty(),
    PRECIS_ANALYZE_DLQ_URL: nonEmpty(),
    /** The analyze function's TARGET_LANGUAGES: what a reprocess of translations redoes. */
    TARGET_LANGUAGES: languageList,
    /** The ingest function's size limit: an upload URL is not signed for a larger file. */
    PRECIS_MAX_OBJECT_BYTES: positiveInt(DEFAULT_MAX_OBJECT_BYTES),
    /** Seals the list cursors (any secret string); in AWS it is read from a generated secret instead. */
    PRECIS_CURSOR_KEY: z.optional(z.string().check(z.minLength(16))),
    /** The Secrets Manager secret holding the cursor key (AWS). */
    PRECIS_CURSOR_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    /** Origins browsers may call the API from, comma-separated; no CORS headers when empty. */
    PRECIS_CORS_ORIGINS: z.pipe(
      z._default(z.string(), ''),
      z.transform((value: string) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    ),
    /** How the stack authorizes callers (its `-c auth`): what the reader page asks for, a key or a sign-in. */
    PRECIS_AUTH: z._default(z.enum(['apiKey', 'iam', 'cognito']), 'apiKey'),
    /** With PRECIS_AUTH=cognito: the user pool domain's base URL, where the page signs users in. */
    PRECIS_COGNITO_DOMAIN: z.optional(z.url({ protocol: /^https?$/ })),
    /** With PRECIS_AUTH=cognito: the page's app client (public: no secret, PKCE instead). */
    PRECIS_COGNITO_CLIENT_ID: z.optional(nonEmpty()),
    /** With PRECIS_AUTH=cognito: the page's own URL, the client's callback and sign-out URL. */
    PRECIS_READER_URL: z.optional(z.url({ protocol: /^https?$/ })),
  }),
);

/** The `precis` command on local files: cleaning and the engine, no storage. */
export const cliEnvSchema = lazily(() => z.object({ ...cleaningEnv(), ...engineEnv() }));

export type IngestConfig = z.infer<typeof ingestEnvSchema>;
export type AnalyzeConfig = z.infer<typeof analyzeEnvSchema>;
export type ApiConfig = z.infer<typeof apiEnvSchema>;
export type SweepConfig = z.infer<typeof sweepEnvSchema>;
export type BatchConfig = z.infer<typeof batchEnvSchema>;
export type CliConfig = z.infer<typeof cliEnvSchema>;
/** What the engine's composition reads: the same in the analyze function and the CLI. */
export type EngineConfig = Pick<AnalyzeConfig, keyof ReturnType<typeof engineEnv>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig<S extends z.core.$ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  // Without zod's compiled fast path for objects: it writes and compiles a parser for the shape, which pays
  // only over many parses, and a configuration is parsed once per cold start.
  const parsed = z.safeParse(schema, set, { jitless: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return set[name] === undefined ? `${name} is not set` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
