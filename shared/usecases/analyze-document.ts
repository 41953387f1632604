import type { AnalysisEngine } from '../analysis/engine.js';
import type { AnalysisResult } from '../article.js';
import { type CleanedArticle, cleanDocument, loadLanguageModels } from '../cleaning/index.js';
import { CLEAN_BUDGET_MS } from '../limits.js';
import type { Cleaner } from '../ports.js';
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
 * 1. Clean the bytes (as ingest does): with the cleaner given (the CLI's
 *    worker, with its heap cap), within the ingest function's budget; else in
 *    this thread.
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
    maxBytes?: number;
    cleaner?: Pick<Cleaner, 'clean'>;
  },
): Promise<DocumentAnalysis> {
  const { name, languages, maxWords, maxBytes } = options;
  const cleaned = options.cleaner
    ? await options.cleaner.clean(bytes, cleanRequest({ name, languages, maxWords, maxBytes }))
    : await loadLanguageModels().then(() => cleanDocument(bytes, { name, languages, maxWords, maxBytes }));
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

/**
 * A cleaning request with no delivery around it (the CLI): the ingest
 * function's budget once started, and no lease to end by.
 */
export function cleanRequest(options: {
  name: string;
  languages?: readonly string[];
  maxWords?: number;
  maxBytes?: number;
}) {
  return { ...options, budgetMs: CLEAN_BUDGET_MS, endBy: Number.POSITIVE_INFINITY };
}
