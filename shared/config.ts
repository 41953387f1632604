import { z } from 'zod';

/**
 * The environment each function reads, checked once at cold start. A missing
 * or malformed variable fails with its name, never silently defaults to ''.
 */

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const languageList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((lang) => lang.trim().toLowerCase())
      .filter((lang) => lang.length > 0),
  )
  .pipe(z.array(z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, 'a language code such as "ar" or "pt-br"')));

const common = {
  PRECIS_TABLE: z.string().min(1),
  PRECIS_BUCKET: z.string().min(1),
  /** Receives of one message before it goes to the dead-letter queue (the queue's maxReceiveCount). */
  PRECIS_MAX_RECEIVES: positiveInt(3),
};

export const ingestEnvSchema = z.object({
  ...common,
  PRECIS_ANALYZE_QUEUE_URL: z.string().min(1),
  PRECIS_MAX_OBJECT_BYTES: positiveInt(5 * 1024 * 1024),
  /** How long an ingest delivery owns an object version before another may take over. */
  PRECIS_INGEST_LEASE_MS: positiveInt(60_000),
});

export const analyzeEnvSchema = z.object({
  ...common,
  /** `auto` picks the LLM engine when one is configured, else the offline engine. */
  PRECIS_ENGINE: z.enum(['auto', 'offline']).default('auto'),
  TARGET_LANGUAGES: languageList,
  /** How long an analysis delivery owns an article; keep it at or below the function timeout. */
  PRECIS_ANALYZE_LEASE_MS: positiveInt(300_000),
});

export const apiEnvSchema = z.object({
  PRECIS_TABLE: common.PRECIS_TABLE,
  PRECIS_BUCKET: common.PRECIS_BUCKET,
});

export type IngestConfig = z.infer<typeof ingestEnvSchema>;
export type AnalyzeConfig = z.infer<typeof analyzeEnvSchema>;
export type ApiConfig = z.infer<typeof apiEnvSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return env[name] === undefined ? `${name} is not set` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
