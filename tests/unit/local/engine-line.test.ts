import { describe, expect, it } from 'vitest';
import { engineLine } from '../../../local/engine-line.js';
import { localOptions } from '../../../local/stack.js';

const analyze = (env: Record<string, string>) =>
  localOptions({ ...env, PRECIS_DATA_DIR: '/tmp/precis-engine-line' }).analyze;

describe('the engine npm start names', () => {
  it('is the offline engine, and how to have an LLM, when none is configured', () => {
    expect(engineLine(analyze({}))).toBe(
      'offline, no LLM configured: no translations (set OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server)',
    );
    expect(engineLine(analyze({ OPENAI_API_KEY: 'sk-test', PRECIS_ENGINE: 'offline' }))).toBe(
      'offline (PRECIS_ENGINE=offline): no translations',
    );
  });

  it('is the LLM with its model and server when one is', () => {
    expect(engineLine(analyze({ OPENAI_API_KEY: 'sk-test', PRECIS_ANALYSIS_MODEL: 'gpt-test' }))).toBe(
      'LLM gpt-test at OpenAI (provider openai); the offline engine answers a last delivery',
    );
    expect(
      engineLine(analyze({ OPENAI_BASE_URL: 'http://127.0.0.1:11435/v1', PRECIS_LLM_PROVIDER: 'openai' })),
    ).toMatch(/^LLM \S+ at http:\/\/127\.0\.0\.1:11435\/v1 \(provider openai\); the offline engine answers/);
  });
});
