import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { cliConfig } from '../../cli/config.js';
import { buildAnalyzeDeps } from '../../lambdas/analyze/deps.js';
import { buildApiDeps } from '../../lambdas/api/deps.js';
import { buildIngestDeps } from '../../lambdas/ingest/deps.js';
import { LOCAL_NAMES, localEnvSchema, localOptions } from '../../local/stack.js';
import {
  analyzeEnvSchema,
  apiEnvSchema,
  batchEnvSchema,
  ConfigError,
  cliEnvSchema,
  ingestEnvSchema,
  loadConfig,
  MAX_OUTPUT_TOKENS_LIMIT,
  ruleOf,
  sweepEnvSchema,
} from '../../shared/config.js';
import { BUCKET_LAYOUT } from '../../shared/layout.js';

describe('loadConfig', () => {
  it('applies defaults and parses the language list', () => {
    const config = loadConfig(analyzeEnvSchema, {
      PRECIS_TABLE: 't',
      PRECIS_BUCKET: 'b',
      TARGET_LANGUAGES: ' AR, fr ,',
    });
    expect(config).toMatchObject({ TARGET_LANGUAGES: ['ar', 'fr'], PRECIS_MAX_RECEIVES: 5, PRECIS_ENGINE: 'auto' });
    // The sketch index's bands live as long as its entries in the bucket, by default as with CDK's.
    expect(config.PRECIS_SKETCH_RETENTION_DAYS).toBe(BUCKET_LAYOUT.sketches.retentionDays);
    // An empty entry between commas, or a code no language has, is named.
    for (const [list, why] of [
      ['xx,,ZZ', /"xx" is no language ICU knows.*an empty entry between commas.*"zz" is no language/],
      ['en,klingon', /a language code such as/],
    ] as const) {
      expect(() =>
        loadConfig(analyzeEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', TARGET_LANGUAGES: list }),
      ).toThrow(why);
    }
    expect(
      loadConfig(analyzeEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', TARGET_LANGUAGES: 'pt-BR,ckb,zh-Hant' })
        .TARGET_LANGUAGES,
    ).toEqual(['pt-br', 'ckb', 'zh-hant']);
  });

  it('names a missing or malformed variable, and reads an empty one as unset', () => {
    expect(() => loadConfig(ingestEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b' })).toThrow(
      new ConfigError('Invalid configuration: PRECIS_ANALYZE_QUEUE_URL is not set'),
    );
    expect(() =>
      loadConfig(analyzeEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', TARGET_LANGUAGES: 'arabic!' }),
    ).toThrow(/TARGET_LANGUAGES is invalid/);
    expect(
      loadConfig(analyzeEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', PRECIS_ANALYZE_LEASE_MS: '' }),
    ).toMatchObject({ PRECIS_ANALYZE_LEASE_MS: 300_000 });
  });
});

// ── The configuration table of docs/configuration.md, walked ─────────────

const DOCS = resolve(import.meta.dirname, '../../docs');

/** The rows of the first Markdown table after `heading` in a doc: cells, backticks stripped. */
function tableAfter(doc: string, heading: string): string[][] {
  const text = readFileSync(resolve(DOCS, doc), 'utf8');
  const section = text.slice(text.indexOf(heading));
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
  }
  return rows;
}

const SCHEMAS = {
  ingest: ingestEnvSchema,
  analyze: analyzeEnvSchema,
  sweep: sweepEnvSchema,
  batch: batchEnvSchema,
  api: apiEnvSchema,
  CLI: cliEnvSchema,
};
type Runtime = keyof typeof SCHEMAS;

/** A value for each variable that differs from its default. A variable added to the table needs one here. */
const SAMPLES: Record<string, string> = {
  PRECIS_TABLE: 'my-table',
  PRECIS_LLM_MODE: 'batch',
  PRECIS_BUCKET: 'my-bucket',
  PRECIS_EVENT_BUS: 'news-team',
  PRECIS_ANALYZE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/analyze',
  PRECIS_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  PRECIS_ANALYZE_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/analyze-dead-letters',
  PRECIS_INGEST_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dead-letters',
  PRECIS_SWEEP_STALE_MS: '600000',
  PRECIS_SWEEP_BUDGET_MS: '90000',
  PRECIS_SWEEP_EVENT_GRACE_MS: '120000',
  PRECIS_SWEEP_UPLOAD_PAGES: '4',
  PRECIS_RECORD_RETENTION_DAYS: '365',
  PRECIS_SKETCH_RETENTION_DAYS: '30',
  PRECIS_MAX_OBJECT_BYTES: '1000',
  PRECIS_MAX_WORDS: '5000',
  PRECIS_LANGUAGES: 'ar,ku',
  PRECIS_MAX_RECEIVES: '7',
  PRECIS_INGEST_LEASE_MS: '12345',
  PRECIS_ANALYZE_LEASE_MS: '23456',
  PRECIS_ENGINE: 'offline',
  TARGET_LANGUAGES: 'ar,fr',
  OPENAI_API_KEY: 'sk-test',
  PRECIS_OPENAI_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  PRECIS_MODEL: 'gpt-4.1-mini',
  PRECIS_ANALYSIS_MODEL: 'gpt-4.1',
  PRECIS_TRANSLATION_MODEL: 'gpt-4.1-nano',
  PRECIS_REASONING_EFFORT: 'low',
  PRECIS_TRANSLATION_EFFORT: 'low',
  PRECIS_LLM_TIMEOUT_MS: '1234',
  PRECIS_LLM_RETRIES: '0',
  PRECIS_ARTICLE_BUDGET_MS: '4321',
  PRECIS_MAX_INPUT_TOKENS: '999',
  PRECIS_DROP_UNGROUNDED: 'true',
  PRECIS_CLAIM_REASONS: 'false',
  PRECIS_VERIFY: 'llm',
  PRECIS_PRICES: '{"my-model": {"input": 1, "output": 2}}',
  PRECIS_LLM_PROVIDER: 'azure',
  PRECIS_LLM_API: 'responses',
  PRECIS_LLM_HEADERS: '{"X-Title": "precis"}',
  PRECIS_LLM_BODY: '{"provider": {"order": ["openai"]}}',
  PRECIS_MODEL_FAMILY: 'gpt-5.4-mini',
  PRECIS_CONTEXT_TOKENS: '16384',
  PRECIS_MODEL_CAPABILITIES: '{"my-model": {"contextTokens": 8192}}',
  PRECIS_MAX_OUTPUT_TOKENS: '2048',
  PRECIS_MAX_CALLS_PER_ARTICLE: '12',
  PRECIS_MAX_COST_PER_ARTICLE: '0.5',
  PRECIS_LLM_CONCURRENCY: '3',
  PRECIS_CORS_ORIGINS: 'https://dashboard.example',
  PRECIS_CURSOR_KEY: 'a-cursor-key-of-some-length',
  PRECIS_CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cursor',
  PRECIS_AUTH: 'iam',
  PRECIS_COGNITO_DOMAIN: 'https://precis-api-1a2b3c.auth.eu-west-1.amazoncognito.com',
  PRECIS_COGNITO_CLIENT_ID: '3n4b5urk1ft4fl3mg5e62d9ado',
  PRECIS_READER_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/',
};

/** What AWS sets for every function: the names the stack gives. */
const AWS_NAMES = {
  PRECIS_TABLE: 'Precis-ArticleTable',
  PRECIS_BUCKET: 'precis-articles-123456789012-eu-west-1',
  PRECIS_ANALYZE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
  PRECIS_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/i',
  PRECIS_ANALYZE_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/qd',
  PRECIS_INGEST_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/id',
};

const rows = tableAfter('configuration.md', '## Configuration').map(([name, usedBy]) => ({
  name: name as string,
  usedBy: (usedBy ?? '').split(',').map((s) => s.trim()) as Runtime[],
}));

describe('the configuration table of docs/configuration.md', () => {
  it('lists every variable the functions and the CLI read, and who reads it', () => {
    const read = new Set(Object.values(SCHEMAS).flatMap((schema) => Object.keys(schema.shape)));
    expect(new Set(rows.map((r) => r.name))).toEqual(read);
    for (const { name, usedBy } of rows) {
      const readers = (Object.keys(SCHEMAS) as Runtime[]).filter((r) => name in SCHEMAS[r].shape);
      expect(usedBy, name).toEqual(readers);
    }
  });

  it('states the default each variable takes when unset, where it names a value', () => {
    // Prepare
    const checked: string[] = [];
    const parsedBy = (usedBy: Runtime[], env: Record<string, string>) => {
      const lambda = usedBy.find((r) => r !== 'CLI');
      return (lambda ? loadConfig(SCHEMAS[lambda], { ...AWS_NAMES, ...env }) : cliConfig(env)) as Record<
        string,
        unknown
      >;
    };
    // Act
    const doc = readFileSync(resolve(DOCS, 'configuration.md'), 'utf8');
    for (const [name = '', usedBy = '', stated = ''] of tableAfter('configuration.md', '## Configuration')) {
      // A number, or a value in backticks that is not another variable's name (`PRECIS_MODEL`); not words ("none").
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` `)) ?? '';
      const value =
        /^\d+$/.test(stated) || (row.split('|')[3]?.trim() === `\`${stated}\`` && !/^[A-Z_]+$/.test(stated));
      if (!value) continue;
      const readers = usedBy.split(',').map((r) => r.trim()) as Runtime[];
      // Assess: the value the table states is the one the schema takes when the variable is unset.
      expect(parsedBy(readers, { [name]: stated })[name], name).toEqual(parsedBy(readers, {})[name]);
      checked.push(name);
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it('lists every setting of the local stack itself', () => {
    const local = tableAfter('operations.md', '## The local stack').flatMap((row) => row.at(-1)?.split(/[ ,]+/) ?? []);
    for (const name of Object.keys(localEnvSchema.shape)) expect(local, name).toContain(name);
  });

  it.each(rows)('$name means the same in Lambda, the local stack and the CLI', ({ name, usedBy }) => {
    const sample = SAMPLES[name];
    expect(sample, `a sample value for ${name}`).toBeDefined();
    const parsed = (runtime: Runtime, env: Record<string, string | undefined>) =>
      (runtime === 'CLI' ? cliConfig(env) : loadConfig(SCHEMAS[runtime], { ...AWS_NAMES, ...env })) as Record<
        string,
        unknown
      >;
    const local = localOptions({ [name]: sample }) as unknown as Record<Runtime, Record<string, unknown>>;
    for (const runtime of usedBy) {
      const given = parsed(runtime, { [name]: sample })[name];
      // The sample is not what the runtime would use anyway…
      expect(given, `${name} differs from its default in ${runtime}`).not.toEqual(parsed(runtime, LOCAL_NAMES)[name]);
      // …and it reaches the local stack's function, and the CLI, parsed as the Lambda function parses it.
      const lambda = runtime === 'CLI' ? usedBy.find((r) => r !== 'CLI') : runtime;
      if (lambda) expect(given, `${name} in ${runtime}`).toEqual(parsed(lambda, { [name]: sample })[name]);
      if (runtime !== 'CLI') expect(local[runtime]?.[name], `${name} in the local ${runtime}`).toEqual(given);
    }
  });

  it('gives each flag of the CLI the meaning of its variable', () => {
    expect(cliConfig({}, { target: 'ar,fr' }).TARGET_LANGUAGES).toEqual(
      cliConfig({ TARGET_LANGUAGES: 'ar,fr' }).TARGET_LANGUAGES,
    );
    expect(cliConfig({}, { languages: 'ar,ku' }).PRECIS_LANGUAGES).toEqual(['ar', 'ku']);
    expect(cliConfig({}, { 'max-bytes': '1000' }).PRECIS_MAX_OBJECT_BYTES).toBe(1000);
    expect(cliConfig({ PRECIS_ENGINE: 'openai' }, { offline: true }).PRECIS_ENGINE).toBe('offline');
    expect(() => cliConfig({}, { 'max-bytes': '-1' })).toThrow(/--max-bytes is invalid/);
  });

  it('says of a count that is no number, or no whole number, what it must be', () => {
    expect(() => cliConfig({}, { 'max-bytes': 'abc' })).toThrow(/--max-bytes is invalid: not a number$/);
    expect(() => cliConfig({}, { 'max-bytes': '1.5' })).toThrow(/--max-bytes is invalid: not a whole number$/);
    expect(() => cliConfig({}, { 'max-bytes': '0' })).toThrow(/--max-bytes is invalid: must be more than 0$/);
    expect(() => cliConfig({ PRECIS_MAX_OBJECT_BYTES: 'abc' })).toThrow(
      /PRECIS_MAX_OBJECT_BYTES is invalid: not a number$/,
    );
    expect(() => cliConfig({ PRECIS_LLM_RETRIES: '2.5' })).toThrow(
      /PRECIS_LLM_RETRIES is invalid: not a whole number$/,
    );
  });

  it("refuses an output cap past every model's documented one, naming the variable and the limit", () => {
    // Prepare: the largest documented cap (gpt-5-pro's, reasoning included) and one token past it.
    const atLimit = { PRECIS_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT_TOKENS_LIMIT) };
    const past = { PRECIS_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT_TOKENS_LIMIT + 1) };
    // Act and assess: the limit itself is taken, by the analyze function too; one more is refused at cold start.
    expect(cliConfig(atLimit).PRECIS_MAX_OUTPUT_TOKENS).toBe(272_000);
    expect(loadConfig(analyzeEnvSchema, { ...AWS_NAMES, ...atLimit }).PRECIS_MAX_OUTPUT_TOKENS).toBe(272_000);
    expect(() => cliConfig(past)).toThrow(/PRECIS_MAX_OUTPUT_TOKENS is invalid: must be at most 272000 \(/);
    expect(() => loadConfig(analyzeEnvSchema, { ...AWS_NAMES, ...past })).toThrow(/PRECIS_MAX_OUTPUT_TOKENS/);
    expect(() => cliConfig({ PRECIS_MAX_OUTPUT_TOKENS: '1e9' })).toThrow(/must be at most 272000/);
    // The shared count check is not changed by the bound: another count takes any size.
    expect(cliConfig({ PRECIS_MAX_OBJECT_BYTES: '900000000' }).PRECIS_MAX_OBJECT_BYTES).toBe(900_000_000);
  });
});

/** Texts at the edges of each kind of field's quick reading: counts, choices, flags, lists, JSON, URLs, ARNs. */
const EDGES = [
  ...['0', '1', '5', '10', '11', '01', '007', ' 12', '12 ', '+1', '-1', '-0', '1e3', '0x10', '1.5', '0.5', '.5', '2.'],
  ...['0.0', '1_000', '272000', '272001', '999999999999999', '9999999999999999', '1e400', 'NaN', 'Infinity'],
  ...['abc', 'true', 'false', 'TRUE', 'yes', 'no', '1 ', 'auto', 'Auto', 'batch', 'llm', 'iam', 'none', 'default'],
  ...['arn:aws:secretsmanager:eu-west-1:1:secret:k', 'arn', 'ARN:x', 'ar,fr', ' AR, fr ,', 'xx,,ZZ', 'en,klingon'],
  ...['pt-BR,ckb,zh-Hant', ',', 'ar,', '{}', '{"a": "b"}', '{"a": 1}', '{"m": {"input": 1, "output": 2}}', 'not json'],
  ...['https://x.example/v1', 'http://127.0.0.1:9/v1', 'ftp://x.example', 'x.example', 'short', ' ', 'a'.repeat(16)],
  'https://a.example, https://b.example,',
];

describe('each field of every configuration', () => {
  it('reads a value as its zod rule does, with the same value or the same problems', () => {
    let compared = 0;
    for (const [runtime, schema] of Object.entries(SCHEMAS)) {
      for (const [name, read] of Object.entries(schema.shape)) {
        // Prepare: the field, and its rule in its place.
        const rule = ruleOf(read as z.core.$ZodType);
        expect(rule, `${name} in ${runtime} has a rule`).toBeDefined();
        const quick = z.object({ [name]: read as z.core.$ZodType });
        const byRule = z.object({ [name]: (rule as () => z.core.$ZodType)() });
        for (const text of [undefined, '', ...EDGES, SAMPLES[name]]) {
          const env = text === undefined ? {} : { [name]: text };
          // Act
          const [got, want] = [quick, byRule].map((s) => z.safeParse(s, env, { jitless: true }));
          // Assess
          expect(got?.success, `${name}=${text} in ${runtime}`).toBe(want?.success);
          expect(got?.data, `${name}=${text} in ${runtime}`).toStrictEqual(want?.data);
          const problems = (r: typeof got) => r?.error?.issues.map((i) => [i.path, i.message]);
          expect(problems(got), `${name}=${text} in ${runtime}`).toEqual(problems(want));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(6 * 10 * EDGES.length);
  });
});

describe('each function’s composition', () => {
  const clients = { s3: new S3Client({ region: 'eu-west-1' }), dynamodb: new DynamoDBClient({ region: 'eu-west-1' }) };
  const env = { ...AWS_NAMES, ...SAMPLES, PRECIS_ENGINE: 'auto' };

  it('gives the ingest use case its bucket, size and word limits, lease, languages and receive limit', () => {
    const deps = buildIngestDeps(loadConfig(ingestEnvSchema, env), {
      ...clients,
      analyzeQueue: { send: async () => {} },
    });
    expect(deps.config).toEqual({
      bucket: 'my-bucket',
      maxObjectBytes: 1000,
      maxWords: 5000,
      leaseMs: 12345,
      languages: ['ar', 'ku'],
    });
    expect(deps.maxReceives).toBe(7);
  });

  it('gives the analyze use case its bucket, languages and lease, and an engine that reads the key from the secret', () => {
    const deps = buildAnalyzeDeps(loadConfig(analyzeEnvSchema, env), clients);
    expect(deps.config).toEqual({ bucket: 'my-bucket', targetLanguages: ['ar', 'fr'], leaseMs: 23456 });
    expect(deps.maxReceives).toBe(7);
    expect(deps.engine.name).toBe('configured');
  });

  it('gives the api its bucket, target languages, size limit and CORS origins', () => {
    const deps = buildApiDeps(loadConfig(apiEnvSchema, env), { ...clients, presign: clients.s3 });
    expect(deps.config).toEqual({
      bucket: 'my-bucket',
      targetLanguages: ['ar', 'fr'],
      maxObjectBytes: 1000,
    });
    expect(deps.corsOrigins).toEqual(['https://dashboard.example']);
  });
});
