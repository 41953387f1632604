import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildAnalysisEngine } from '../../../lambdas/analyze/deps.js';
import type { AnalysisEngine } from '../../../shared/analysis/engine.js';
import { apiKeyFromSecret, KeyedEngine } from '../../../shared/analysis/keyed-engine.js';
import { OfflineEngine } from '../../../shared/analysis/offline-engine.js';
import { analyzeEnvSchema, loadConfig } from '../../../shared/config.js';
import { codeOfAsync } from '../../helpers/errors.js';

const input = {
  text: 'The council approved 14 new schools on Monday, the governor said. '.repeat(6),
  title: 'Schools',
  language: 'en',
  publishedAt: null,
  contentHash: 'h',
};

describe('the key as stored in its secret', () => {
  it.each([
    ['sk-plain', 'sk-plain'],
    ['  sk-padded \n', 'sk-padded'],
    ['{"apiKey": "sk-json"}', 'sk-json'],
    ['{"OPENAI_API_KEY": "sk-env-name"}', 'sk-env-name'],
    ['{"apiKey": ""}', undefined],
    ['', undefined],
    ['{"apiKey": "sk-broken"', undefined],
  ])('%j gives %j', (stored, key) => {
    expect(apiKeyFromSecret(stored)).toBe(key);
  });
});

describe('an engine keyed by a secret', () => {
  function counting(keys: (string | undefined)[]) {
    const built: (string | undefined)[] = [];
    const engine = new KeyedEngine(
      async () => keys.shift(),
      (key): AnalysisEngine => {
        built.push(key);
        return new OfflineEngine();
      },
    );
    return { engine, built };
  }

  it('builds its engine once per key, and again when the key changes', async () => {
    const { engine, built } = counting(['sk-1', 'sk-1', 'sk-2']);
    for (let i = 0; i < 3; i++) await engine.analyze(input, { targetLanguages: [] });
    expect(built).toEqual(['sk-1', 'sk-2']);
  });

  it('fails with a retryable LLM_UNAVAILABLE when the secret cannot be read', async () => {
    const engine = new KeyedEngine(
      async () => {
        throw new Error('AccessDeniedException');
      },
      () => new OfflineEngine(),
    );
    expect(await codeOfAsync(engine.analyze(input, { targetLanguages: [] }))).toBe('LLM_UNAVAILABLE');
  });
});

describe('the analysis engine as deployed (key in Secrets Manager)', () => {
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => secrets.reset());
  const config = loadConfig(analyzeEnvSchema, {
    PRECIS_TABLE: 't',
    PRECIS_BUCKET: 'b',
    PRECIS_OPENAI_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:precis-key',
  });

  it('answers with the offline engine while the secret holds no key, reading the named secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"apiKey": ""}' });
    const engine = buildAnalysisEngine(config, { secrets: new SecretsManagerClient({ region: 'eu-west-1' }) });
    const result = await engine.analyze(input, { targetLanguages: ['ar'] });
    expect(result.provenance.engine).toBe('offline');
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: config.PRECIS_OPENAI_SECRET_ARN,
    });
  });

  it('keeps the secret for five minutes instead of reading it for every article', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"apiKey": ""}' });
    const engine = buildAnalysisEngine(config, { secrets: new SecretsManagerClient({ region: 'eu-west-1' }) });
    for (let i = 0; i < 3; i++) await engine.analyze(input, { targetLanguages: [] });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});
