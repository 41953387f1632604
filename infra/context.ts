import type { App } from 'aws-cdk-lib';
import { z } from 'zod';
import { languageList } from '../shared/config.js';

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
  /** An existing Secrets Manager secret holding the key; a new empty one is created when absent. */
  openAiSecretName: z.string().default(''),
  /** Analyses running at once: the LLM rate budget (SQS event source maxConcurrency, 2–1000). */
  analyzeConcurrency: z.coerce.number().int().min(2).max(1000).default(5),
  /** Alarm notifications by email; no topic when empty. */
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
  /** Requests per second the usage plan allows, and per month. */
  apiRateLimit: z.coerce.number().positive().default(20),
  apiMonthlyQuota: z.coerce.number().int().positive().default(100_000),
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
