import { TransientError } from '../errors.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from './engine.js';

/**
 * The API key as stored in a secret: the bare key, or JSON with an `apiKey`
 * (or `OPENAI_API_KEY`) field. An empty secret means no key.
 */
export function apiKeyFromSecret(value: string | undefined): string | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const key = parsed.apiKey ?? parsed.OPENAI_API_KEY ?? parsed.key;
      return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
    } catch {
      return undefined;
    }
  }
  return text;
}

/**
 * An engine built from a key read at run time (a secret a user fills in
 * after deploying): rebuilt when the key changes, so a key put into the
 * secret is used within the read cache's lifetime, with no redeploy.
 */
export class KeyedEngine implements AnalysisEngine {
  readonly name = 'configured';
  private current: { key: string | undefined; engine: AnalysisEngine } | null = null;

  constructor(
    private readonly readKey: () => Promise<string | undefined>,
    private readonly build: (key: string | undefined) => AnalysisEngine,
  ) {}

  async analyze(input: AnalysisInput, options: AnalysisOptions) {
    let key: string | undefined;
    try {
      key = await this.readKey();
    } catch (error) {
      throw new TransientError('LLM_UNAVAILABLE', 'The LLM API key could not be read from its secret.', error);
    }
    if (!this.current || this.current.key !== key) this.current = { key, engine: this.build(key) };
    return this.current.engine.analyze(input, options);
  }
}
