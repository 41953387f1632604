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
 *
 * Each field is read by its zod schema, its rule (field()), but a valid
 * configuration is read without building or running the rules: a cold start
 * runs zod's object and transform, which the LLM's schemas use too, and
 * none of the coercions and refinements only the configuration uses.
 */
z.config(en());

/**
 * What a field's quick reading returns for a text it does not vouch for:
 * the field's rule decides.
 */
const ASK_ZOD: unique symbol = Symbol('ask zod');
type Quick<S extends z.core.$ZodType> = (text: string | undefined) => z.output<S> | typeof ASK_ZOD;

/** A field as the object schema sees it: the value and optionality of the rule that defines it. */
type Field<S extends z.core.$ZodType> = z.ZodMiniType<z.output<S>, z.input<S>> & {
  _zod: Pick<S['_zod'], 'optin' | 'optout'>;
};

/** Each field's rule, for the tests that hold a field's quick reading to it. */
const rules = new WeakMap<z.core.$ZodType, () => z.core.$ZodType>();
export const ruleOf = (schema: z.core.$ZodType) => rules.get(schema);

/**
 * A variable read by its zod schema, `rule`: what the variable takes, what
 * it gives, and what a bad value's problem reads. A cold start meets unset
 * variables and ordinary values: `quick` reads those in plain code (the
 * default, a count in digits, one of an enum's values) and returns ASK_ZOD
 * for any other text, which the rule, built then, parses. Building the
 * rules and zod's first run of their kinds (coercion, pipes, defaults,
 * enums, refinements) cost analyze's import about 15M instructions, the
 * api's 8M and ingest's 7M; about 6M of analyze's is zod's code that the
 * LLM's schemas run at the first analysis anyway (docs/development.md,
 * "Imports"). `quick` vouches only for what the rule takes, and gives what
 * the rule gives: a value and every problem's words are the rule's
 * (tests/unit/config.test.ts holds each field to its rule).
 */
function field<S extends z.core.$ZodType>(rule: () => S, quick: Quick<S>): Field<S> {
  const schema = once(rule);
  const read = z.transform((value: unknown, payload) => {
    const quickly = typeof value === 'string' || value === undefined ? quick(value) : ASK_ZOD;
    if (quickly !== ASK_ZOD) return quickly;
    const parsed = z.safeParse(schema(), value, { jitless: true });
    if (parsed.success) return parsed.data;
    // Finished issues, their messages written: zod keeps a message it is given.
    payload.issues.push(...(parsed.error.issues as z.core.$ZodRawIssue[]));
    return z.NEVER;
  });
  rules.set(read, schema);
  return read as unknown as Field<S>;
}

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
 * A rule's schema built once and shared by every rule of its kind: zod
 * builds each schema's internals where it is declared. A schema is not
 * changed by the schemas that wrap it, so one instance may sit in many places.
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

// ── Quick readings: an unset variable, or a value as it is usually written ──

/** A set text as it is, an unset one as `fallback` (ASK_ZOD where it is required). */
const quickText =
  <F extends string | undefined | typeof ASK_ZOD>(fallback: F) =>
  (text: string | undefined): string | F | typeof ASK_ZOD =>
    text === undefined ? fallback : text === '' ? ASK_ZOD : text;

/** Up to 15 digits: a whole number that zod's coercion reads the same (no sign, point, exponent or space). */
const DIGITS = /^\d{1,15}$/;
/** Digits with a fractional part, for an amount. */
const DECIMAL = /^\d{1,15}(\.\d{1,15})?$/;

/** A number written as `form` in `[least, most]`, or `fallback` when unset. */
const quickNumber =
  <F extends number | undefined>(fallback: F, least: number, most = Number.MAX_SAFE_INTEGER, form = DIGITS) =>
  (text: string | undefined): number | F | typeof ASK_ZOD => {
    if (text === undefined) return fallback;
    if (!form.test(text)) return ASK_ZOD;
    const value = Number(text);
    return value >= least && value <= most ? value : ASK_ZOD;
  };

/** One of `values`, or `fallback` when unset. */
const quickChoice =
  <V extends string, F extends V | undefined>(values: readonly V[], fallback: F) =>
  (text: string | undefined): V | F | typeof ASK_ZOD =>
    text === undefined ? fallback : (values as readonly string[]).includes(text) ? (text as V) : ASK_ZOD;

// ── Fields ───────────────────────────────────────────────────────────────

/** A non-empty text: required, optional, or `fallback` when unset. */
const text = () => field(nonEmpty, quickText(ASK_ZOD));
const optionalText = () => field(() => z.optional(nonEmpty()), quickText(undefined));
const textOr = (fallback: string) => field(() => z._default(nonEmpty(), fallback), quickText(fallback));

/** A count above 0, `fallback` when unset. */
const positiveInt = (fallback: number) => field(() => z._default(positiveNumber(), fallback), quickNumber(fallback, 1));
/** A count of 0 or more (days, retries), `fallback` when unset. */
const countFrom0 = (fallback: number) =>
  field(() => z._default(numberText().check(whole(), z.gte(0)), fallback), quickNumber(fallback, 0));

/** One of `values`, `fallback` when unset. */
const choice = <const V extends readonly [string, ...string[]]>(values: V, fallback: V[number]) =>
  field(() => z._default(z.enum(values), fallback), quickChoice<V[number], V[number]>(values, fallback));
const optionalChoice = <const V extends readonly [string, ...string[]]>(values: V) =>
  field(() => z.optional(z.enum(values)), quickChoice<V[number], undefined>(values, undefined));

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

/** A list of the language codes ICU names, empty when unset. */
const languages = () =>
  field(
    () => languageList,
    (list) => {
      const codes = splitLanguageList(list ?? '');
      return codes.every((code) => languageName(code) !== undefined) ? codes : ASK_ZOD;
    },
  );

const FLAG_VALUES = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const TRUE_VALUES: readonly string[] = ['true', '1', 'yes'];
const flag = (fallback: boolean) =>
  field(
    () =>
      z.pipe(
        z._default(z.enum(FLAG_VALUES), fallback ? 'true' : 'false'),
        z.transform((value: (typeof FLAG_VALUES)[number]) => TRUE_VALUES.includes(value)),
      ),
    (text) =>
      text === undefined
        ? fallback
        : (FLAG_VALUES as readonly string[]).includes(text)
          ? TRUE_VALUES.includes(text)
          : ASK_ZOD,
  );

/** An ARN (`arn:…`), optional. */
const optionalArn = () =>
  field(
    () => z.optional(z.string().check(z.startsWith('arn:'))),
    (text) => (text === undefined || text.startsWith('arn:') ? text : ASK_ZOD),
  );

/** A URL, optional: read by its rule when set (an OpenAI-compatible server's, the reader page's). */
const optionalUrl = (rule: () => z.ZodMiniOptional<z.ZodMiniURL>) =>
  field(rule, (text) => (text === undefined ? undefined : ASK_ZOD));

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

/** A variable holding JSON (jsonValue): `{}` when unset, read by its rule when set. */
const jsonField = <S extends z.core.$ZodType>(schema: () => S) =>
  field(
    () => jsonValue(schema(), '{}'),
    (text) => (text === undefined ? ({} as z.output<S>) : ASK_ZOD),
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
  OPENAI_API_KEY: optionalText(),
  /** In AWS the key lives in Secrets Manager, never in a plain variable: the secret's ARN. */
  PRECIS_OPENAI_SECRET_ARN: optionalArn(),
  OPENAI_BASE_URL: optionalUrl(() => z.optional(z.url())),
  /**
   * Who serves the models, which decides parameter names: `auto` reads it from
   * OPENAI_BASE_URL (OpenAI, Azure OpenAI, OpenRouter, else a compatible server).
   */
  PRECIS_LLM_PROVIDER: choice(['auto', 'openai', 'azure', 'openrouter', 'compatible'], 'auto'),
  /**
   * `batch`: every analysis goes through the provider's Batch API at its batch price (half, on OpenAI and
   * Azure), answered within 24 hours; for a stack that never needs answers within minutes.
   */
  PRECIS_LLM_MODE: choice(['realtime', 'batch'], 'realtime'),
  /** Chat Completions or the Responses API; `auto` uses Responses for the models served only there. */
  PRECIS_LLM_API: choice(['auto', 'chat', 'responses'], 'auto'),
  /** The model for every stage, unless a stage names its own. */
  PRECIS_MODEL: textOr('gpt-5.4-mini'),
  PRECIS_ANALYSIS_MODEL: optionalText(),
  PRECIS_TRANSLATION_MODEL: optionalText(),
  /** The family of the configured models when their names do not say (Azure deployments, proxies). */
  PRECIS_MODEL_FAMILY: optionalText(),
  /** The server's context window in tokens (a local server's, e.g. Ollama's OLLAMA_CONTEXT_LENGTH). */
  PRECIS_CONTEXT_TOKENS: field(() => z.optional(positiveNumber()), quickNumber(undefined, 1)),
  /** Capability table fields by model name, as JSON: `{"my-model": {"contextTokens": 16384}}`. */
  PRECIS_MODEL_CAPABILITIES: jsonField(() =>
    z.record(
      z.string(),
      z.lazy(() => capabilityOverrideSchema),
    ),
  ),
  /** Sent only to models that take it, as the nearest value they take. */
  PRECIS_REASONING_EFFORT: optionalChoice(REASONING_EFFORT_VALUES),
  /**
   * The effort translations are asked at, as the nearest value the model takes;
   * `default`: the same as the analysis (PRECIS_REASONING_EFFORT, or the model's own).
   */
  PRECIS_TRANSLATION_EFFORT: choice(['default', ...REASONING_EFFORT_VALUES], 'none'),
  /**
   * The answer's output cap in tokens, before room for reasoning is added: it
   * only ever lowers the budget an answer's bounds give it (schemas.ts), so
   * a value past every model's documented output cap is a mistake, not a
   * wish, and is said at cold start.
   */
  PRECIS_MAX_OUTPUT_TOKENS: field(
    () =>
      z._default(
        positiveNumber().check(
          z.lte(MAX_OUTPUT_TOKENS_LIMIT, {
            error: `must be at most ${MAX_OUTPUT_TOKENS_LIMIT} (the largest output cap a model documents, reasoning included)`,
          }),
        ),
        4096,
      ),
    quickNumber(4096, 1, MAX_OUTPUT_TOKENS_LIMIT),
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
  PRECIS_MAX_COST_PER_ARTICLE: field(
    () => z._default(numberText().check(z.positive({ error: 'must be more than 0' })), 2),
    quickNumber(2, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, DECIMAL),
  ),
  /** One call's time limit. */
  PRECIS_LLM_TIMEOUT_MS: positiveInt(60_000),
  /** Retries of one call on 5xx, timeouts and connection errors, with backoff (429s wait within the budget). */
  PRECIS_LLM_RETRIES: field(
    () => z._default(numberText().check(whole(), z.gte(0), z.lte(10)), 2),
    quickNumber(2, 0, 10),
  ),
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
  PRECIS_VERIFY: choice(['off', 'llm'], 'off'),
  /** Prices (USD per 1M tokens) added to or replacing the defaults, as JSON. */
  PRECIS_PRICES: jsonField(() =>
    z.record(
      z.string(),
      z.lazy(() => priceSchema),
    ),
  ),
  /** HTTP headers for every LLM request, as JSON (OpenRouter's HTTP-Referer and X-Title, a gateway's key). */
  PRECIS_LLM_HEADERS: jsonField(() => z.record(z.string(), z.string())),
  /** Fields added to every LLM request body, as JSON (OpenRouter's `provider` routing, say). */
  PRECIS_LLM_BODY: jsonField(() => z.record(z.string(), z.unknown())),
});

/** What chooses and configures the analysis engine: the analyze function and `precis analyze`. */
const engineEnv = () => ({
  /** `auto` picks the LLM engine when one is configured, else the offline engine. */
  PRECIS_ENGINE: choice(['auto', 'offline', 'openai'], 'auto'),
  ...llmEnv(),
  TARGET_LANGUAGES: languages(),
});

/** What reading and cleaning an upload needs: the ingest function and `precis clean|analyze`. */
const cleaningEnv = () => ({
  PRECIS_MAX_OBJECT_BYTES: positiveInt(DEFAULT_MAX_OBJECT_BYTES),
  /** Articles with more words than this end TOO_LONG instead of being analysed. */
  PRECIS_MAX_WORDS: positiveInt(DEFAULT_MAX_WORDS),
  /** Languages the detector chooses among (ISO 639-1); the default list when empty. */
  PRECIS_LANGUAGES: languages(),
});

const storageEnv = () => ({
  PRECIS_TABLE: text(),
  PRECIS_BUCKET: text(),
});

/** Days a finished article is kept before the table's TTL deletes it (0: kept until deleted). */
const PRECIS_RECORD_RETENTION_DAYS = () => countFrom0(0);

/** Where terminal states are published: an EventBridge bus's name or ARN (the account's default bus). */
const PRECIS_EVENT_BUS = () => textOr('default');

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
    PRECIS_ANALYZE_QUEUE_URL: text(),
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
    PRECIS_SKETCH_RETENTION_DAYS: countFrom0(90),
  }),
);

export const sweepEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    /** Where an upload whose S3 event was lost, or an article stuck in RECEIVED, is sent. */
    PRECIS_INGEST_QUEUE_URL: text(),
    /** Read for ingest messages that died before their upload had a record, to send them again. */
    PRECIS_INGEST_DLQ_URL: text(),
    PRECIS_ANALYZE_QUEUE_URL: text(),
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
    PRECIS_ANALYZE_QUEUE_URL: text(),
    ...engineEnv(),
  }),
);

/** Origins, comma-separated, each trimmed; empty ones dropped. */
const splitOrigins = (value: string) =>
  value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);

export const apiEnvSchema = lazily(() =>
  z.object({
    ...storageEnv(),
    /** Where a reprocess sends an article to be cleaned again from its upload. */
    PRECIS_INGEST_QUEUE_URL: text(),
    /** Where a reprocess sends an article to be analysed again. */
    PRECIS_ANALYZE_QUEUE_URL: text(),
    /** The dead-letter queues a redrive reads. */
    PRECIS_INGEST_DLQ_URL: text(),
    PRECIS_ANALYZE_DLQ_URL: text(),
    /** The analyze function's TARGET_LANGUAGES: what a reprocess of translations redoes. */
    TARGET_LANGUAGES: languages(),
    /** The ingest function's size limit: an upload URL is not signed for a larger file. */
    PRECIS_MAX_OBJECT_BYTES: positiveInt(DEFAULT_MAX_OBJECT_BYTES),
    /** Seals the list cursors (any secret string); in AWS it is read from a generated secret instead. */
    PRECIS_CURSOR_KEY: field(
      () => z.optional(z.string().check(z.minLength(16))),
      (text) => (text === undefined || text.length >= 16 ? text : ASK_ZOD),
    ),
    /** The Secrets Manager secret holding the cursor key (AWS). */
    PRECIS_CURSOR_SECRET_ARN: optionalArn(),
    /** Origins browsers may call the API from, comma-separated; no CORS headers when empty. */
    PRECIS_CORS_ORIGINS: field(
      () => z.pipe(z._default(z.string(), ''), z.transform(splitOrigins)),
      (text) => splitOrigins(text ?? ''),
    ),
    /** How the stack authorizes callers (its `-c auth`): what the reader page asks for, a key or a sign-in. */
    PRECIS_AUTH: choice(['apiKey', 'iam', 'cognito'], 'apiKey'),
    /** With PRECIS_AUTH=cognito: the user pool domain's base URL, where the page signs users in. */
    PRECIS_COGNITO_DOMAIN: optionalUrl(() => z.optional(z.url({ protocol: /^https?$/ }))),
    /** With PRECIS_AUTH=cognito: the page's app client (public: no secret, PKCE instead). */
    PRECIS_COGNITO_CLIENT_ID: optionalText(),
    /** With PRECIS_AUTH=cognito: the page's own URL, the client's callback and sign-out URL. */
    PRECIS_READER_URL: optionalUrl(() => z.optional(z.url({ protocol: /^https?$/ }))),
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
