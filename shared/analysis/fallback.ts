import type { AnalysisResult } from '../article.js';
import { toErrorInfo } from '../errors.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from './engine.js';

/**
 * A user always gets something, and knows what: when the primary engine
 * fails on the queue's last delivery, the fallback engine's results are used,
 * marked as a fallback with the primary's error. Earlier deliveries let the
 * error through, so the queue retries the primary.
 */
export class FallbackEngine implements AnalysisEngine {
  readonly name: string;

  constructor(
    private readonly primary: AnalysisEngine,
    private readonly fallback: AnalysisEngine,
  ) {
    this.name = primary.name;
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    try {
      return await this.primary.analyze(input, options);
    } catch (error) {
      if (!options.lastAttempt) throw error;
      const { code, message } = toErrorInfo(error);
      const result = await this.fallback.analyze(input, { ...options, previous: undefined });
      const reason = `${code}: ${message} The offline fallback does not translate.`;
      const translations = Object.fromEntries(
        options.targetLanguages.map((lang) => [lang, { status: 'failed' as const, reason }]),
      );
      return {
        ...result,
        translations,
        // Translations were asked for and the fallback has none: the result is partial.
        status: options.targetLanguages.length > 0 ? 'PARTIAL' : result.status,
        provenance: { ...result.provenance, fallback: { from: this.primary.name, code, message } },
      };
    }
  }
}
