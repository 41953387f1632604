/**
 * Every way an article or a request can fail, with a stable code. Codes are a
 * contract: they appear in the article record, the API's problem documents
 * and the CLI output, and are documented in the README. Add codes; never
 * rename or remove one. What a code means to HTTP is decided at the API edge,
 * what it means to a queue at the SQS edge; here it is only a fact.
 */
export const ERROR_CODES = {
  EMPTY_OBJECT: 'The uploaded object is empty (0 bytes).',
  TOO_LARGE: 'The uploaded object is larger than the size limit.',
  BINARY_CONTENT: 'The object is a binary file (PDF, ZIP, image, …), not an article.',
  UNDECODABLE_TEXT: 'The bytes could not be decoded as text in any supported encoding.',
  INVALID_JSON: 'The JSON file is malformed or lacks a "body" or "html" field.',
  NO_ARTICLE_TEXT: 'No article text was found in the document.',
  TEXT_TOO_SHORT: 'The article text is too short to summarise.',
  TOO_LONG:
    'The article text is longer than the word limit (PRECIS_MAX_WORDS) allows: more words, or more than 16 characters for each word allowed.',
  STAGE_TIMEOUT: 'A stage ran out of its time budget on this input, and would again.',
  TOO_COMPLEX:
    "The document's structure is past what cleaning works within (nesting, elements, children of one element, links, attributes, table cells, link definitions, lines read as dates), or cleaning it exhausted its memory.",
  INGEST_INTERRUPTED:
    'An earlier attempt to clean this upload stopped without finishing (its process died); it is not cleaned again unless reprocessed.',
  INGEST_ABANDONED:
    'Every delivery of this upload to ingest failed before it had a record, also after the sweep sent it again several times; it is not sent again unless reprocessed.',
  SOURCE_NOT_FOUND: 'The uploaded object no longer exists (deleted before it was read).',
  STORAGE_UNAVAILABLE: 'Storage (S3 or DynamoDB) could not be reached; the work is retried.',
  STORAGE_REJECTED:
    'The article table refused a write as invalid (a record past its size limit, or a malformed request); retrying would not help.',
  QUEUE_UNAVAILABLE: 'The analysis queue could not be reached; the work is retried.',
  ANALYSIS_FAILED: 'The analysis engine failed.',
  CONTENT_IN_PROGRESS:
    'The same text is being analysed for another article; this one comes back for that result instead of paying again.',
  LLM_UNAVAILABLE: 'The LLM could not be reached, or kept answering 429 or 5xx, through every retry.',
  LLM_TIMEOUT: "The LLM did not finish within the call's timeout or the article's time budget.",
  LLM_REJECTED: 'The LLM server refused the request (authentication, model name or request format).',
  LLM_INVALID_OUTPUT: 'The LLM answered with output that failed validation, even after one repair request.',
  LLM_REFUSED: "The model refused the article, or the provider's content filter withheld the prompt or the answer.",
  LLM_OUTPUT_TRUNCATED: "The model's answer hit its output cap even for the smallest parts the article splits into.",
  LLM_CONTEXT_TRUNCATED:
    "The LLM server cut the prompt to fit its context window, or refused it as too long even in parts; raise the server's context and PRECIS_CONTEXT_TOKENS.",
  LLM_RATE_LIMITED:
    "The LLM server asked to wait longer than the article's time budget; the article goes back to the queue for that long.",
  LLM_BUDGET_EXCEEDED:
    'The article reached its ceiling on billed LLM calls or spend (PRECIS_MAX_CALLS_PER_ARTICLE, PRECIS_MAX_COST_PER_ARTICLE).',
  RECORD_FULL:
    "A translation would take the article's record past what one DynamoDB item keeps (400 KB); it is left out (`unavailable`), the summary, the claims and the other languages kept.",
  INTERNAL_ERROR: 'An unexpected error occurred.',
  // Requests: the API and the CLI answer these; no article is marked with them.
  FILE_UNREADABLE: 'The file could not be read (it does not exist, or permission is denied).',
  ARTICLE_NOT_FOUND: 'There is no article with that id.',
  NOT_ANALYSED: 'The article has no analysis: it is not finished, or it failed.',
  NOT_CLEANED: 'The article has no cleaned text yet.',
  TRANSLATION_NOT_FOUND: 'The article has no translation into that language.',
  INVALID_CURSOR: 'The cursor is not one this API returned.',
  INVALID_PARAMETER:
    'A query parameter or a field of the request body is malformed, misplaced or unknown to the route.',
  ROUTE_NOT_FOUND: 'There is no such route.',
  METHOD_NOT_ALLOWED: 'The route exists but does not take that method (the Allow header lists those it takes).',
  HEADERS_TOO_LARGE:
    "The request's URL and headers together are larger than the server reads (a query string of many kilobytes, say).",
  ARTICLE_BUSY: 'The article is being processed; it can be reprocessed once it ends DONE, PARTIAL or FAILED.',
  NOTHING_TO_REPROCESS: 'Nothing of the article is left to redo in that scope (every translation is done).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The pipeline stage where an error happened. */
export type Stage = 'ingest' | 'analyze';

/**
 * A failure the pipeline knows about. `permanent` errors end the article in
 * FAILED at once; the others are retried by the queue and end it in FAILED
 * only after the last receive.
 */
export class PrecisError extends Error {
  override readonly name: string = 'PrecisError';
  readonly code: ErrorCode;
  readonly permanent: boolean;

  constructor(code: ErrorCode, message: string, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.permanent = options.permanent ?? true;
  }
}

/** Input that can never become an article: retrying will not help. */
export class InvalidInputError extends PrecisError {
  override readonly name = 'InvalidInputError';
  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(code, message, { permanent: true, cause });
  }
}

/** A dependency failed in a way that may pass: the queue should redeliver. */
export class TransientError extends PrecisError {
  override readonly name = 'TransientError';
  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(code, message, { permanent: false, cause });
  }
}

/** The code and human sentence stored on a failed article. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/**
 * The code and sentence a user is shown for an error: a known error keeps
 * its own; anything else is INTERNAL_ERROR with a generic sentence, so no
 * internals leave the process.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof PrecisError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL_ERROR', message: ERROR_CODES.INTERNAL_ERROR };
}

const KB = 1024;
const MB = 1024 * 1024;

/** A size in the unit that suits it (bytes, KB under 1 MB, else MB), with `digits` more decimals than it needs alone. */
function sizeText(bytes: number, digits: number): string {
  if (bytes < KB) return `${bytes} bytes`;
  if (bytes < MB) return `${(bytes / KB).toFixed(digits + (bytes < 10 * KB ? 1 : 0))} KB`;
  return `${(bytes / MB).toFixed(digits + 1)} MB`;
}

/**
 * "The object is 350 KB; the limit is 256 KB.": each size in its own unit,
 * with as many decimals as it takes for the two to read differently (an
 * object one byte over its limit is given in bytes). `limitFor` says which
 * limit it is, when there are several.
 */
export function tooLargeMessage(size: number, maxBytes: number, limitFor = ''): string {
  const say = (object: string, limit: string) =>
    `The object is ${object}; the limit is ${limit}${limitFor ? ` ${limitFor}` : ''}.`;
  for (let digits = 0; digits <= 2; digits++) {
    const [object, limit] = [sizeText(size, digits), sizeText(maxBytes, digits)];
    if (object !== limit) return say(object, limit);
  }
  const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;
  return say(bytes(size), bytes(maxBytes));
}
