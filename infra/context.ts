import type { App } from 'aws-cdk-lib';
import { z } from 'zod';
import { analyzeEnvSchema, DEFAULT_MAX_RECEIVES, jsonValue, languageList } from '../shared/config.js';
import { BUCKET_LAYOUT, RECORD_RETENTION } from '../shared/layout.js';

/**
 * The LLM engine's settings a deployment may give the analyze function
 * (`-c llmSettings='{"PRECIS_MODEL_FAMILY": "gpt-5.4-mini"}'`). The key,
 * the base URL and the model have their own parameters; the budget follows
 * the function's timeout.
 */
export const LLM_SETTINGS = [
  'PRECIS_LLM_PROVIDER',
  'PRECIS_LLM_API',
  'PRECIS_LLM_MODE',
  'PRECIS_ANALYSIS_MODEL',
  'PRECIS_TRANSLATION_MODEL',
  'PRECIS_MODEL_FAMILY',
  'PRECIS_CONTEXT_TOKENS',
  'PRECIS_MODEL_CAPABILITIES',
  'PRECIS_REASONING_EFFORT',
  'PRECIS_MAX_OUTPUT_TOKENS',
  'PRECIS_LLM_TIMEOUT_MS',
  'PRECIS_LLM_RETRIES',
  'PRECIS_LLM_CONCURRENCY',
  'PRECIS_MAX_INPUT_TOKENS',
  'PRECIS_DROP_UNGROUNDED',
  'PRECIS_VERIFY',
  'PRECIS_PRICES',
  'PRECIS_LLM_HEADERS',
  'PRECIS_LLM_BODY',
] as const;

const llmSettings = z.pipe(
  jsonValue(
    z.partialRecord(
      z.enum(LLM_SETTINGS),
      z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())]),
    ),
    '{}',
  ),
  z.transform((settings, ctx) => {
    // Objects (prices, headers, body) become the JSON their variables hold.
    const env = Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    );
    // Checked as the function will check them, so a bad value fails the synth, not the cold start.
    const checked = analyzeEnvSchema.safeParse({ PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', ...env });
    for (const issue of checked.success ? [] : checked.error.issues) {
      ctx.addIssue({ code: 'custom', message: `${String(issue.path[0])}: ${issue.message}` });
    }
    return env;
  }),
);

/** Days, from the layout's default for that data (0: kept until deleted). */
const retention = (layout: { retentionDays: number | null }) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .default(layout.retentionDays ?? 0);

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/**
 * The deployment's parameters, from CDK context: defaults in cdk.json,
 * overridable with `-c name=value`. Checked here so that a typo fails the
 * synth with the parameter's name.
 */
export const contextSchema = z.object({
  model: z.string().min(1).default('gpt-5.4-mini'),
  targetLanguages: languageList,
  /** An OpenAI-compatible server instead of OpenAI. */
  openAiBaseUrl: z.union([z.literal(''), z.url()]).default(''),
  /** The LLM engine's other settings for the analyze function, as JSON (LLM_SETTINGS). */
  llmSettings,
  /** An existing Secrets Manager secret holding the key; a new empty one is created when absent. */
  openAiSecretName: z.string().default(''),
  /**
   * Analyses running at once (SQS event source maxConcurrency, 2–1000). 0 (the default): from the
   * provider's budget (llmTokensPerMinute, llmRequestsPerMinute; see analyze-concurrency.ts), or 5.
   */
  analyzeConcurrency: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .refine((n) => n === 0 || n >= 2, 'is 0 (from the budget) or from 2 to 1000')
    .default(0),
  /** The LLM provider's tokens per minute for the model (the account's TPM limit); 0: not given. */
  llmTokensPerMinute: z.coerce.number().int().min(0).default(0),
  /** The LLM provider's requests per minute for the model (the account's RPM limit); 0: not given. */
  llmRequestsPerMinute: z.coerce.number().int().min(0).default(0),
  /** Ingest batches running at once (SQS event source maxConcurrency, 2–1000): a burst of uploads cannot take the account's Lambda concurrency. */
  ingestConcurrency: z.coerce.number().int().min(2).max(1000).default(10),
  /** The KMS key of an existing secret (openAiSecretName) encrypted with a customer-managed key: analyze may decrypt with it, through Secrets Manager only. */
  openAiSecretKmsKeyArn: z.union([z.literal(''), z.string().startsWith('arn:')]).default(''),
  /** Alarm notifications by email (the alarm topic is there either way). */
  alarmEmail: z.union([z.literal(''), z.email()]).default(''),
  /** Origins allowed by CORS, comma-separated; CORS is off when empty. */
  corsOrigins: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /**
   * Create the account's API Gateway CloudWatch role (a per-region setting that access
   * logs need): off where an organisation sets it centrally. The role is kept on delete.
   */
  apiGatewayCloudWatchRole: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * The article bucket's name: by default the stack's name and a part of its stack id, so
   * a stack created again after a delete or a failed first deploy gets a new bucket. Set
   * it to keep using an existing bucket (one an earlier version of the stack named).
   */
  bucketName: z.string().default(''),
  /**
   * Deletion protection on the article table. Off by default: with it on, a first deploy
   * that fails cannot roll the new table back (CloudFormation cannot delete it), and the
   * stack is stuck in ROLLBACK_FAILED. Turn it on once the stack is up; the table is
   * retained on delete and replacement either way.
   */
  tableDeletionProtection: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Who may call the API: `apiKey` (usage-plan keys), `iam` (SigV4) or `cognito` (client-credentials tokens). */
  auth: z.enum(['apiKey', 'iam', 'cognito']).default('apiKey'),
  /**
   * With auth=apiKey, one key per consumer: `name` or `name@generation`, comma-separated
   * (rotate by adding `name@2`, then removing the old one). Letters and digits only.
   */
  apiKeys: z
    .string()
    .default('default')
    .refine((spec) => {
      const entries = spec.split(',').map((e) => e.trim());
      // Each key's outputs are named by its name and generation run together: those must differ.
      const named = new Set(entries.map((e) => e.replace('@', '')));
      return entries.every((e) => /^[A-Za-z][A-Za-z0-9]*(@\d+)?$/.test(e)) && named.size === entries.length;
    }, 'comma-separated names (a letter, then letters and digits), each with an optional @generation number, none twice, e.g. "web,etl@2"'),
  /** A web ACL on the API: `managed` (AWS's managed rule groups and a rate limit), the ARN of an existing one, or none. */
  waf: z.union([z.literal(''), z.literal('managed'), z.string().startsWith('arn:')]).default(''),
  /**
   * Requests per second the usage plan allows, and per month per key: none by default (0), as
   * a consumer that reads each of 10,000 articles a day a few times passes any small quota
   * in days; the rate limit bounds a key either way.
   */
  apiRateLimit: z.coerce.number().positive().default(20),
  apiMonthlyQuota: z.coerce.number().int().min(0).default(0),
  /** CloudWatch metrics per API method (billed per metric); the stage's own metrics are there either way. */
  apiDetailedMetrics: flag(false),
  /** Receives of a message before its dead-letter queue: 5 at least behind Lambda, where a throttle counts as one. */
  maxReceives: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_RECEIVES),
  /** How long each kind of data lives, in days (0: until deleted); see shared/layout.ts. */
  [BUCKET_LAYOUT.incoming.contextKey]: retention(BUCKET_LAYOUT.incoming),
  [BUCKET_LAYOUT.cleaned.contextKey]: retention(BUCKET_LAYOUT.cleaned),
  [BUCKET_LAYOUT.cache.contextKey]: retention(BUCKET_LAYOUT.cache),
  [BUCKET_LAYOUT.answers.contextKey]: retention(BUCKET_LAYOUT.answers),
  [BUCKET_LAYOUT.sketches.contextKey]: retention(BUCKET_LAYOUT.sketches),
  [BUCKET_LAYOUT.history.contextKey]: retention(BUCKET_LAYOUT.history),
  /** Days a finished article's record is kept before the table's TTL deletes it (0: until deleted). */
  [RECORD_RETENTION.contextKey]: retention(RECORD_RETENTION),
});

export type PrecisContext = z.infer<typeof contextSchema>;

export function readContext(app: App): PrecisContext {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(contextSchema.shape)) {
    const value = app.node.tryGetContext(key);
    if (value !== undefined && value !== null) raw[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `-c ${String(i.path[0])}: ${i.message}`).join('; ');
    throw new Error(`Invalid context: ${problems}`);
  }
  return parsed.data;
}
