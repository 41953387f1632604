import type { AnalysisResult, Translation } from '../article.js';
import { InvalidInputError } from '../errors.js';
import { extractClaims } from './claims.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from './engine.js';
import { MAX_SENTENCE_BYTES } from './sentences.js';
import { summarize } from './summarize.js';

export const OFFLINE_TRANSLATION_REASON =
  'The offline engine does not translate. Configure an LLM (OPENAI_API_KEY or OPENAI_BASE_URL) for translations.';

/**
 * The engine that needs no network and no key: an extractive summary by
 * sentence ranking, heuristic check-worthy claims, and no translation.
 */
export class OfflineEngine implements AnalysisEngine {
  readonly name = 'offline';

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    const translations: Record<string, Translation> = {};
    for (const lang of options.targetLanguages) {
      translations[lang] = { status: 'unavailable', reason: OFFLINE_TRANSLATION_REASON };
    }
    const summary = summarize(input.text, input.language);
    // No sentence a bullet can be (each is past the bound a sentence has, say): nothing to store, and it says so.
    if (summary.bullets.length === 0) {
      throw new InvalidInputError(
        'NO_ARTICLE_TEXT',
        `The text has no sentence a summary can be made of (each is a table row, or longer than ${MAX_SENTENCE_BYTES.toLocaleString('en')} bytes).`,
      );
    }
    return {
      status: 'DONE',
      summary,
      claims: extractClaims(input.text, input.language),
      translations,
      usage: {},
      provenance: { engine: this.name, model: null, promptVersion: null },
    };
  }
}
