import { describe, expect, it } from 'vitest';
import { analyzeEnvSchema, ConfigError, ingestEnvSchema, loadConfig } from '../../shared/config.js';

describe('loadConfig', () => {
  it('applies defaults and parses the language list', () => {
    const config = loadConfig(analyzeEnvSchema, {
      PRECIS_TABLE: 't',
      PRECIS_BUCKET: 'b',
      TARGET_LANGUAGES: ' AR, fr ,',
    });
    expect(config).toMatchObject({ TARGET_LANGUAGES: ['ar', 'fr'], PRECIS_MAX_RECEIVES: 3, PRECIS_ENGINE: 'auto' });
  });

  it('names a missing or malformed variable', () => {
    expect(() => loadConfig(ingestEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b' })).toThrow(
      new ConfigError('Invalid configuration: PRECIS_ANALYZE_QUEUE_URL is not set'),
    );
    expect(() =>
      loadConfig(analyzeEnvSchema, { PRECIS_TABLE: 't', PRECIS_BUCKET: 'b', TARGET_LANGUAGES: 'arabic!' }),
    ).toThrow(/TARGET_LANGUAGES is invalid/);
  });
});
