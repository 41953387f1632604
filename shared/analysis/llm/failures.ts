import OpenAI from 'openai';
import { truncate } from '../../truncate.js';
import { REASONING_EFFORTS, type ReasoningEffort } from './models.js';

/**
 * What a failed request means, read from the openai package's error and the
 * server's words. A 400 that names one of the parameters precis chooses is
 * a lesson about the model, not a verdict on the article: the caller changes
 * that parameter and asks again.
 */
export type Failure =
  | { kind: 'aborted' }
  | { kind: 'retryable'; status: number | null; retryAfterMs: number | null; message: string }
  | { kind: 'format'; message: string }
  | { kind: 'context'; limit: number | null; message: string }
  | { kind: 'filtered'; message: string }
  /** The output cap's name is refused: the other name is wanted. */
  | { kind: 'cap-name'; refused: 'max_tokens' | 'max_completion_tokens'; message: string }
  /** The effort is refused: `takes` lists what the server said it takes, or is empty when it takes none. */
  | { kind: 'effort'; takes: ReasoningEffort[]; message: string }
  | { kind: 'rejected'; status: number; message: string };

/** The server's message without anything that looks like a credential, cut to a readable length. */
export function serverMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const redacted = raw
    .replace(/\b(sk|rk|pk)-[\w*-]{4,}/g, '[redacted]')
    .replace(/\b(Bearer|api[-_ ]?key[:=]?)\s+\S+/gi, '$1 [redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(redacted, 300);
}

function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers?.get('retry-after');
  if (!after) return null;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

const CONTEXT =
  /maximum context length|context[_ ]length|exceeds? the (available )?context|context (size|window)|too many tokens|prompt is too long/i;
const FORMAT = /response_format|json_schema|json_object|structured output|text\.format/i;
const CAP_NAME = /\b(max_completion_tokens|max_tokens)\b/;
const EFFORT = /\breasoning[_.]effort\b|'reasoning'|"reasoning"/i;

/**
 * The parameter a 400 is about: OpenAI names it in `param` and in the
 * message ("Unsupported parameter: 'max_tokens' is not supported with this
 * model. Use 'max_completion_tokens' instead."); a gateway may pass on only
 * the words, where the refused parameter is the one named first.
 */
function parameterLesson(error: InstanceType<typeof OpenAI.APIError>, message: string): Failure | null {
  const param = String(error.param ?? '');
  if (param === 'max_tokens' || param === 'max_completion_tokens') return { kind: 'cap-name', refused: param, message };
  if (param === 'reasoning_effort' || param.startsWith('reasoning')) return effortLesson(message);
  if (!/unsupported|not supported|unrecognized|unknown|not allowed|invalid/i.test(message)) return null;
  const cap = CAP_NAME.exec(message)?.[1];
  if (cap === 'max_tokens' || cap === 'max_completion_tokens') return { kind: 'cap-name', refused: cap, message };
  return EFFORT.test(message) ? effortLesson(message) : null;
}

/** "Supported values are: 'low', 'medium', and 'high'.": the efforts it takes, when the server lists them. */
function effortLesson(message: string): Failure {
  const listed = /supported values? (?:are|is)[:\s]+([^.]*)/i.exec(message)?.[1] ?? '';
  const takes = [...listed.matchAll(/'(\w+)'/g)]
    .map((m) => m[1] as ReasoningEffort)
    .filter((e) => REASONING_EFFORTS.includes(e));
  return { kind: 'effort', takes, message };
}

export function classify(error: unknown): Failure {
  if (error instanceof OpenAI.APIUserAbortError) return { kind: 'aborted' };
  if (error instanceof OpenAI.APIConnectionError) {
    // Timeouts included (APIConnectionTimeoutError is one).
    return { kind: 'retryable', status: null, retryAfterMs: null, message: serverMessage(error) };
  }
  if (!(error instanceof OpenAI.APIError) || typeof error.status !== 'number') {
    return { kind: 'retryable', status: null, retryAfterMs: null, message: serverMessage(error) };
  }
  const status = error.status;
  const message = serverMessage(error);
  const code = String(error.code ?? '');
  const type = String(error.type ?? '');
  const shouldRetry = error.headers?.get('x-should-retry');
  if (
    shouldRetry === 'true' ||
    (shouldRetry !== 'false' && (status === 408 || status === 409 || status === 429 || status >= 500))
  ) {
    return { kind: 'retryable', status, retryAfterMs: retryAfterMs(error.headers), message };
  }
  if (code === 'content_filter' || /content management policy|content_filter/i.test(message)) {
    return { kind: 'filtered', message };
  }
  if (status === 400 || status === 413 || status === 422) {
    if (code === 'context_length_exceeded' || type === 'exceed_context_size_error' || CONTEXT.test(message)) {
      const limit =
        /maximum context length is (\d+)/i.exec(message)?.[1] ??
        /"?n_ctx"?\s*[:=]\s*(\d+)/.exec(JSON.stringify(error.error ?? ''))?.[1];
      return { kind: 'context', limit: limit ? Number(limit) : null, message };
    }
    if (FORMAT.test(message) || String(error.param ?? '').startsWith('response_format'))
      return { kind: 'format', message };
    const lesson = parameterLesson(error, message);
    if (lesson) return lesson;
  }
  return { kind: 'rejected', status, message };
}
