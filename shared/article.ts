import { createHash } from 'node:crypto';
import type { ErrorCode, Stage } from './errors.js';

export const STATUSES = ['RECEIVED', 'CLEANED', 'ANALYZING', 'DONE', 'PARTIAL', 'FAILED'] as const;
export type Status = (typeof STATUSES)[number];
export const TERMINAL_STATUSES = ['DONE', 'PARTIAL', 'FAILED'] as const satisfies readonly Status[];
/** A status an article passes through on its way to a terminal one. */
export type InProgressStatus = Exclude<Status, (typeof TERMINAL_STATUSES)[number]>;

/** The event each terminal state publishes: its source and detail-type, what an EventBridge rule matches. */
export const EVENT_SOURCE = 'precis';
export const EVENT_DETAIL_TYPE = 'Article finished';

export const CLAIM_KINDS = ['statistic', 'quote', 'event', 'policy', 'prediction', 'other'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export type SourceFormat = 'html' | 'text' | 'markdown' | 'json';

export interface Summary {
  headline: string;
  short: string;
  bullets: string[];
}

export interface Claim {
  id: string;
  text: string;
  speaker: string | null;
  kind: ClaimKind;
  /**
   * Verbatim from the cleaned text when grounded: `text.slice(start, end) === evidence`.
   * An ungrounded claim keeps the evidence the engine gave, with null offsets.
   */
  evidence: string;
  start: number | null;
  end: number | null;
  /**
   * The evidence was found in the cleaned text and states what the claim
   * states: the claim's figures, and its names, are in it.
   */
  grounded: boolean;
  /** How the evidence was found: verbatim, after folding quotes, dashes, case and spaces, or as the most similar words; null when not found. */
  match: 'exact' | 'normalized' | 'fuzzy' | null;
  /** 1 for exact and normalized matches, the similarity (0.85–1) for fuzzy ones; null when not found. */
  matchScore: number | null;
  /** What the claim states that its evidence does not (figures, names); absent when nothing. */
  unsupported?: string[];
  checkworthiness: number;
  /** Why it is (or is not) worth checking: public interest, harm if false, verifiable (the LLM engine's). */
  checkworthinessReason?: string;
}

export type Translation =
  | {
      status: 'done';
      headline: string;
      short: string;
      bullets: string[];
      /** Each claim's text and speaker in the language (a claim translated before speakers were has none). */
      claims: { id: string; text: string; speaker?: string | null }[];
    }
  | { status: 'unavailable' | 'failed'; reason: string };

/**
 * What one stage spent, over every call it made: answered, repaired,
 * retried, failed or fallen back from, and over every delivery of the
 * article. The totals are what the provider bills.
 */
export interface StageUsage {
  /** Input tokens, cached ones included. */
  inputTokens: number;
  /** Output tokens, reasoning included (billed as output). */
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached rate). */
  cachedInputTokens?: number;
  /** Output tokens the model spent reasoning. */
  reasoningTokens?: number;
  /** Answers the provider returned (and billed) for this stage. */
  calls?: number;
  /** Of those, the ones answered through the provider's Batch API (billed at its batch price, in `costUsd`). */
  batchCalls?: number;
  /** Null when the model's price is unknown (a local model, say). */
  costUsd: number | null;
}

export interface Provenance {
  engine: string;
  model: string | null;
  /** The translation model, when it differs from the analysis model. */
  translationModel?: string | null;
  promptVersion: string | null;
  cleanerVersion: string;
  /** How many parts the article was analysed in (map-reduce) when it exceeded the model's input budget. */
  chunks?: number;
  /** The result was reused from an identical earlier analysis: nothing was paid for it. */
  cacheHit?: boolean;
  /**
   * The LLM's answers came from precis's stand-in server (`npm run stub:llm`):
   * the summary is extractive, and the translations are filler words in the
   * language's script, not translations.
   */
  stub?: boolean;
  /**
   * The result was reused from an earlier analysis of a near copy of this text
   * (a syndicated story): that text's hash and the sketches' similarity.
   * Nothing was paid for it; claims whose evidence is not in this text were dropped.
   */
  duplicateOf?: { contentHash: string; similarity: number };
  /** The LLM kept failing, so these are the offline engine's results; the LLM's error is kept. */
  fallback?: { from: string; code: string; message: string };
  /** How the LLM was asked: the API, who served it, how the answer was constrained, the effort sent. */
  llm?: {
    api: 'chat' | 'responses';
    provider: string;
    /** `json_schema` (structured outputs), `json_object` (JSON mode), or `prompt` (the schema in the prompt only). */
    outputMode: 'json_schema' | 'json_object' | 'prompt';
    /** The reasoning effort sent, or null when none was (the model's default, or a model that does not reason). */
    reasoningEffort: string | null;
  };
}

/** What became of the figures of the model's summary (headline, short, bullets) that the article does not give. */
export interface SummaryCheck {
  /** The stored summary is the model's own, with no figure the article lacks (repaired or not). */
  verified: boolean;
  /** The figures the article lacks: those the model's summary carried (empty when none). */
  unsupportedFigures: string[];
  /** The model was asked once to correct them, quoting them. */
  repaired?: boolean;
  /** The fields that kept such a figure after the repair, replaced by the offline engine's text (`bullets.1` is the second bullet). */
  replaced?: string[];
}

/** What the model-free verifier found of the stored summary (`precis verify`). */
export interface Faithfulness {
  supported: boolean;
  unsupported: { text: string; reason: string }[];
  /** With PRECIS_VERIFY=llm: the model's own judgement of each sentence against the article. */
  judge?: { model: string; supported: boolean; unsupported: { text: string; reason: string }[] };
}

/** What the code checked after the model answered. */
export interface Checks {
  summary?: SummaryCheck;
  /** The verifier's reading of the stored summary, sentence by sentence; informational, it changes nothing. */
  faithfulness?: Faithfulness;
  /** `ungrounded` counts both the claims whose evidence was not found and those it does not support (`unsupported`). */
  claims: { total: number; grounded: number; ungrounded: number; unsupported?: number; dropped: number };
  numbers: {
    /** Figures in the summary that the article does not contain. */
    summaryNotInArticle: string[];
    /** Per language: figures of the source summary and claims missing from the translation, and figures it added. */
    translations: Record<string, { missing: string[]; added: string[] }>;
  };
}

export interface ArticleError {
  code: ErrorCode;
  message: string;
  stage: Stage;
  attempts: number;
}

/** What the cleaner learns about a document, besides its text. */
export interface ArticleMetadata {
  title: string | null;
  byline: string | null;
  publishedAt: string | null;
  site: string | null;
  url: string | null;
  language: string | null;
}

/** What the analysis engine returns for one article. */
export interface AnalysisResult {
  status: 'DONE' | 'PARTIAL';
  summary: Summary;
  claims: Claim[];
  translations: Record<string, Translation>;
  usage: Record<string, StageUsage>;
  provenance: Omit<Provenance, 'cleanerVersion'>;
  checks?: Checks;
}

/** What a reprocess redoes: everything, or only the translations that are not done. */
export type ReprocessScope = 'all' | 'translations';

/** Kept on a reopened article until its next run ends: when it was asked for, and what it redoes. */
export interface ReprocessRequest {
  scope: ReprocessScope;
  requestedAt: string;
  /** The status the article had before. */
  from: Status;
  /** Its calls go through the provider's Batch API (at the batch price), answered within 24 hours. */
  batch?: boolean;
  /**
   * Where the record as it was before is kept (`history/`), when the reprocess
   * took its analysis away: its summary and claims are read from there, marked
   * as the previous run's, until the new run gives the article its own.
   */
  previousKey?: string;
}

/**
 * An article whose calls wait on the provider's Batch API (batch mode),
 * while it is ANALYZING: `queued` until the batch function submits them,
 * `submitted` in batch `id` until `deadline`; `collected` once that batch
 * ended and the article's next run takes its answers; `realtime` when the
 * batch expired, failed or was cancelled, or some of its calls failed: the
 * article goes on on the normal path, and only the calls the batch did not
 * answer are made (and paid for) at once. Kept after the article ends, as
 * the last state it had.
 */
export interface BatchWait {
  state: 'queued' | 'submitted' | 'collected' | 'realtime';
  /** The provider's batch id; null until submitted. */
  id: string | null;
  /** The input file the batch was made from, which names its job in the table; null until submitted. */
  job: string | null;
  /** When the provider expires the batch (ISO 8601); null until submitted, or when it never expires. */
  deadline: string | null;
  /** Calls waiting in this round. */
  requests: number;
  /** Batches the article went through so far. */
  rounds: number;
  /** When its calls were put off (ISO 8601), which names this round. */
  queuedAt: string;
  /** Why it went back to the normal path (`realtime`): the batch's status, or its failed calls. */
  reason?: string;
}

/** One item per article in the table. Optional fields fill in as it moves through the stages. */
export interface ArticleRecord extends Partial<ArticleMetadata> {
  id: string;
  sourceBucket: string;
  sourceKey: string;
  sourceEtag: string | null;
  sourceSize: number | null;
  sourceSequencer: string;
  status: Status;
  error?: ArticleError;
  format?: SourceFormat;
  encoding?: string;
  contentHash?: string;
  wordCount?: number;
  textKey?: string;
  /** Where an earlier version copied the result (`results/`, retired): kept on the records it wrote. */
  resultKey?: string;
  summary?: Summary;
  claims?: Claim[];
  translations?: Record<string, Translation>;
  usage?: Record<string, StageUsage>;
  provenance?: Provenance;
  checks?: Checks;
  /** Batch mode: what the article's calls wait on in the provider's Batch API (see BatchWait). */
  batch?: BatchWait;
  /** Set while a reprocess asked for is under way; the last one asked for stays after it ends. */
  reprocess?: ReprocessRequest;
  /** Milliseconds each stage took, by stage name. */
  timings?: Record<string, number>;
  receivedAt: string;
  updatedAt: string;
  cleanedAt?: string;
  analyzedAt?: string;
}

/** What an article id looks like: 24 hex digits (see articleIdFor). */
export const ARTICLE_ID = /^[a-f0-9]{24}$/;

/**
 * A folder marker: a key ending in `/` with no bytes, what the S3 console's
 * "Create folder" makes. One that holds bytes was put there by a tool that
 * left the file name off the key; its bytes are the upload, so it is
 * ingested (its format told from its content) rather than dropped unseen.
 * An S3 event always gives the object's size; without one, the key alone
 * cannot tell, and it is taken for a marker as before.
 */
export function isFolderMarker(object: { key: string; size: number | null }): boolean {
  return object.key.endsWith('/') && (object.size === null || object.size === 0);
}

/**
 * The article id is derived from the bucket and key, so that a user who knows
 * what they uploaded can find it, and a re-upload of the same key replaces
 * the same article.
 */
export function articleIdFor(bucket: string, key: string): string {
  return createHash('sha256').update(`${bucket}\u0000${key}`).digest('hex').slice(0, 24);
}

export function isTerminal(status: Status): status is (typeof TERMINAL_STATUSES)[number] {
  return (TERMINAL_STATUSES as readonly Status[]).includes(status);
}

/**
 * What a list shows of an article, and all that the list indexes project:
 * enough to pick one, without its summary, claims or translations.
 */
export const LISTING_FIELDS = [
  'id',
  'sourceKey',
  'status',
  'title',
  'language',
  'publishedAt',
  'receivedAt',
  'updatedAt',
  'error',
] as const satisfies readonly (keyof ArticleRecord)[];

export type ArticleListing = Pick<ArticleRecord, (typeof LISTING_FIELDS)[number]>;

// The bucket's keys are named with its layout (shared/layout.ts); imported from here too.
export { objectKeys } from './layout.js';
