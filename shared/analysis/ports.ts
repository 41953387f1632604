import type { AnalysisResult, Faithfulness, Summary, SummaryCheck } from '../article.js';
import type { AnalysisOutput } from './llm/schemas.js';
import type { UsageMeter } from './usage.js';

/**
 * The analysis ports: what the use cases call (AnalysisEngine), and what the
 * engines are given to keep what was paid for and to ask the LLM server
 * about its models. Adapters live beside the engines (cache.ts,
 * llm/server-models.ts); the composition root (lambdas/analyze/deps.ts)
 * wires them.
 */

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

/** An engine whose results depend only on the input and what `fingerprint` names. */
export interface FingerprintedEngine extends AnalysisEngine {
  fingerprint(options: AnalysisOptions): string;
  /**
   * A result this engine made, as it reads one kept from before (the
   * analysis cache's, a syndicated copy's), its source in `language`: the
   * LLM engine bounds its model's texts (answer-bounds.ts), which a result
   * kept before the bounds existed may not be. Absent: as it was kept.
   */
  reread?(result: AnalysisResult, language: string | null): AnalysisResult;
}

/** A finished analysis, kept with its text's sketch and figures, for near copies of the text to reuse. */
export interface SyndicationEntry {
  contentHash: string;
  /** The MinHash sketch of the cleaned text (sketch.ts). */
  sketch: number[];
  /** The figures of the text, as written (checks/numbers.ts), each as often as it occurs. */
  figures: string[];
  /** The text's language and the day it was published (as the metadata gives it), which its dates were resolved against. */
  language: string | null;
  publishedDay: string | null;
  result: AnalysisResult;
}

/** Where analyses are found by their texts' sketches: by band keys (sketch.ts), each bound to the engine's settings. */
export interface SketchIndex {
  /**
   * The entries that share at least one of `bands`. With `near`, only those
   * whose sketch is at least `threshold` similar to `near.sketch`, most
   * similar first: an index that keeps each text's sketch with its bands
   * reads no entry of a text below it.
   */
  candidates(bands: readonly string[], near?: { sketch: number[]; threshold: number }): Promise<SyndicationEntry[]>;
  add(bands: readonly string[], entry: SyndicationEntry): Promise<void>;
}

/** Where finished analyses are kept by what produced them. */
export interface AnalysisCache {
  get(key: string): Promise<AnalysisResult | null>;
  put(key: string, result: AnalysisResult): Promise<void>;
}

/** The analysis stage's answer for one prompt, as kept between deliveries. */
export interface KeptAnswer {
  summary: Summary;
  claims: AnalysisOutput['claims'];
  chunks: number;
  /** Set once the summary's figures were checked (and repaired or replaced): `summary` is then the one to store. */
  summaryCheck?: SummaryCheck;
  /** The model's judgement of that summary, when one was asked for. */
  judge?: NonNullable<Faithfulness['judge']>;
}

/**
 * Where the LLM engine keeps its analysis answer the moment it arrives, by
 * everything that went into the prompt: any later delivery, or a twin
 * upload of the same text with the same metadata, takes it instead of
 * paying again.
 */
export interface AnswerStore {
  get(key: string): Promise<KeptAnswer | null>;
  put(key: string, answer: KeptAnswer): Promise<void>;
}

/** What an LLM server says about one of its models, where it says it. */
export interface ServerModelInfo {
  /** Its context window (vLLM's `max_model_len`, OpenRouter's `context_length`, LM Studio's loaded context). */
  contextTokens?: number;
  /** Its output cap (OpenRouter's `top_provider.max_completion_tokens`). */
  maxOutputTokens?: number;
  /** The day it shuts down (OpenAI's `shutdown_date`, YYYY-MM-DD), or null when none is announced. */
  shutdownDate?: string | null;
}

/** The server's model list: what it says about a model, or null when it says nothing (or cannot be asked). */
export interface ModelDirectory {
  describe(model: string): Promise<ServerModelInfo | null>;
}
