import type { AnalysisEngine } from '../analysis/engine.js';
import type { AnalysisResult } from '../article.js';
import { type CleanedArticle, cleanDocument, loadLanguageModels } from '../cleaning/index.js';
import { assertSummarisable } from './analyze-article.js';

export type DocumentAnalysis = Omit<CleanedArticle, 'text' | 'cleanerVersion'> &
  Pick<AnalysisResult, 'summary' | 'claims' | 'translations' | 'usage' | 'checks'> & {
    status: AnalysisResult['status'];
    provenance: AnalysisResult['provenance'] & { cleanerVersion: string };
  };

/**
 * Cleans and analyses one document held in memory: what the pipeline does to
 * an upload, without storage or queues (the `precis analyze` command).
 *
 * 1. Clean the bytes (as ingest does).
 * 2. Refuse a text too short to summarise.
 * 3. Run the engine.
 */
export async function analyzeDocument(
  bytes: Uint8Array,
  options: {
    name: string;
    engine: AnalysisEngine;
    targetLanguages: readonly string[];
    languages?: readonly string[];
    maxWords?: number;
  },
): Promise<DocumentAnalysis> {
  await loadLanguageModels();
  const cleaned = cleanDocument(bytes, {
    name: options.name,
    languages: options.languages,
    maxWords: options.maxWords,
  });
  assertSummarisable(cleaned.text, cleaned.language);
  // One attempt, no queue to retry: an engine with a fallback uses it at once.
  const result = await options.engine.analyze(cleaned, { targetLanguages: options.targetLanguages, lastAttempt: true });
  const { text: _text, cleanerVersion, ...metadata } = cleaned;
  return {
    ...metadata,
    status: result.status,
    summary: result.summary,
    claims: result.claims,
    translations: result.translations,
    usage: result.usage,
    provenance: { ...result.provenance, cleanerVersion },
    checks: result.checks,
  };
}
