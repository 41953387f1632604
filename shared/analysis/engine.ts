import type { AnalysisResult } from '../article.js';
import type { UsageMeter } from './usage.js';

/** What an engine is given: the cleaned article. */
export interface AnalysisInput {
  text: string;
  title: string | null;
  language: string | null;
  publishedAt: string | null;
  contentHash: string;
}

export interface AnalysisOptions {
  /** Languages to translate the summary and claims into (ISO 639-1). */
  targetLanguages: readonly string[];
  /** Aborted when the article's time budget runs out. */
  signal?: AbortSignal;
  /** Epoch ms by which the analysis must end (the delivery's lease); no wait goes past it. */
  deadline?: number;
  /**
   * Where the engine counts every billed call as it happens, so what was
   * spent is known even when the analysis then fails. Seeded by the caller
   * with earlier deliveries' spending; the result's usage is its total.
   */
  meter?: UsageMeter;
  /** This is the queue's last delivery: an engine with a fallback uses it now instead of failing. */
  lastAttempt?: boolean;
  /**
   * Called with what is paid for so far (the summary and claims, then each
   * translation as it arrives), for the caller to keep: a delivery that dies
   * after paying resumes from it (it comes back as `previous`).
   */
  onProgress?: (partial: AnalysisResult) => Promise<void>;
  /**
   * An earlier PARTIAL result of the same engine for this article: its
   * summary and claims are kept and only the failed translations are redone.
   */
  previous?: AnalysisResult;
  /**
   * A new run was asked for (a reprocess): nothing an earlier run of the
   * same text left (a cached result, a kept answer) is reused. The value
   * names the run, so a redelivery of this same run still resumes from what
   * it paid for.
   */
  fresh?: string;
}

/**
 * The analysis port: summary, claims and translations of one article. The
 * offline engine implements it without network; the LLM engine through the
 * openai package. Configuration picks one.
 */
export interface AnalysisEngine {
  readonly name: string;
  analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult>;
}
