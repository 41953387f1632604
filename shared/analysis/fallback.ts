import type { AnalysisResult } from '../article.js';
import { PrecisError, toErrorInfo } from '../errors.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from './engine.js';
import { CallDeferred } from './llm/deferred.js';
import { UsageMeter } from './usage.js';

/**
 * A user always gets something, and knows what: when the primary engine
 * fails for good (a permanent error: the model refused the article, the
 * server refused the key) or on the queue's last delivery, the fallback
 * engine's results are used, marked as a fallback with the primary's error.
 * Other failures on earlier deliveries are let through, so the queue retries
 * the primary. What the primary spent before failing stays in the usage.
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
    const meter = options.meter ?? new UsageMeter(options.previous?.usage);
    try {
      return await this.primary.analyze(input, { ...options, meter });
    } catch (error) {
      // A call put off to a batch is not a failure: the article waits for the batch, not for the fallback.
      if (error instanceof CallDeferred) throw error;
      const permanent = error instanceof PrecisError && error.permanent;
      if (!options.lastAttempt && !permanent) throw error;
      const { code, message } = toErrorInfo(error);
      const result = await this.fallback.analyze(input, { ...options, previous: undefined, meter: undefined });
      const reason = `${code}: ${message} The offline fallback does not translate.`;
      const translations = Object.fromEntries(
        options.targetLanguages.map((lang) => [lang, { status: 'failed' as const, reason }]),
      );
      return {
        ...result,
        translations,
        usage: meter.usage,
        // Translations were asked for and the fallback has none: the result is partial.
        status: options.targetLanguages.length > 0 ? 'PARTIAL' : result.status,
        provenance: { ...result.provenance, fallback: { from: this.primary.name, code, message } },
      };
    }
  }
}
