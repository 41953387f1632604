import OpenAI from 'openai';
import type { CallUsage } from '../usage.js';
import type { ReasoningEffort } from './models.js';

/**
 * One request to the LLM and its answer, whichever API carries them. The
 * parameter names a provider wants live here and nowhere else.
 */

/** Who serves the models: it decides the names of the output cap and the effort. */
export type Provider = 'openai' | 'azure' | 'openrouter' | 'compatible';

/** How the answer is constrained: JSON-schema structured outputs, JSON mode, or the schema in the prompt only. */
export type OutputMode = 'json_schema' | 'json_object' | 'prompt';

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  model: string;
  messages: Message[];
  mode: OutputMode;
  /** The schema's name and JSON Schema, for `json_schema` mode. */
  schema: { name: string; jsonSchema: Record<string, unknown> };
  maxOutputTokens: number;
  effort?: ReasoningEffort;
}

export interface LlmAnswer {
  content: string | null;
  refusal: string | null;
  finish: 'stop' | 'length' | 'content_filter' | 'other';
  usage: CallUsage;
  /** Whether the server reported usage at all (some local servers do not). */
  reportedUsage: boolean;
  headers: Headers | null;
}

export interface Transport {
  readonly api: 'chat' | 'responses';
  send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer>;
}

/** The provider a base URL points at. */
export function providerOf(baseURL: string | undefined): Provider {
  if (!baseURL) return 'openai';
  const host = (() => {
    try {
      return new URL(baseURL).hostname;
    } catch {
      return '';
    }
  })();
  if (host === 'api.openai.com') return 'openai';
  if (/\.(openai\.azure\.com|services\.ai\.azure\.com|cognitiveservices\.azure\.com)$/.test(host)) return 'azure';
  if (host === 'openrouter.ai' || host.endsWith('.openrouter.ai')) return 'openrouter';
  return 'compatible';
}

type Body = Record<string, unknown>;

/** Chat Completions, with each provider's names for the output cap and the effort. */
export class ChatTransport implements Transport {
  readonly api = 'chat' as const;

  constructor(
    private readonly client: OpenAI,
    private readonly provider: Provider,
    private readonly extraBody: Body = {},
  ) {}

  async send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer> {
    const openaiNamed = this.provider === 'openai' || this.provider === 'azure';
    const body: Body = {
      model: request.model,
      messages: request.messages,
      // OpenAI's reasoning models refuse max_tokens; most other servers know only max_tokens (Ollama ignores the other).
      [openaiNamed ? 'max_completion_tokens' : 'max_tokens']: request.maxOutputTokens,
      ...(request.mode === 'json_schema'
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: request.schema.name, strict: true, schema: request.schema.jsonSchema },
            },
          }
        : request.mode === 'json_object'
          ? { response_format: { type: 'json_object' } }
          : {}),
      ...(request.effort
        ? this.provider === 'openrouter'
          ? { reasoning: { effort: request.effort } }
          : { reasoning_effort: request.effort }
        : {}),
      ...this.extraBody,
    };
    const { data, response } = await this.client.chat.completions
      .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxRetries: 0,
      })
      .withResponse();
    const choice = data.choices?.[0];
    const usage = data.usage;
    const finish = choice?.finish_reason;
    return {
      content: choice?.message?.content ?? null,
      refusal: choice?.message?.refusal ?? null,
      finish: finish === 'stop' || finish === 'length' || finish === 'content_filter' ? finish : 'other',
      usage: {
        inputTokens: usage?.prompt_tokens ?? 0,
        outputTokens: usage?.completion_tokens ?? 0,
        cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
        reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
      },
      reportedUsage: Boolean(usage),
      headers: response.headers,
    };
  }
}

/** The Responses API (the only one some models answer on), with the same schemas. */
export class ResponsesTransport implements Transport {
  readonly api = 'responses' as const;

  constructor(
    private readonly client: OpenAI,
    private readonly extraBody: Body = {},
  ) {}

  async send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer> {
    const [system, ...rest] = request.messages;
    const body: Body = {
      model: request.model,
      instructions: system?.content,
      input: rest.map((m) => ({ role: m.role, content: m.content })),
      max_output_tokens: request.maxOutputTokens,
      store: false,
      ...(request.mode === 'json_schema'
        ? {
            text: {
              format: {
                type: 'json_schema',
                name: request.schema.name,
                strict: true,
                schema: request.schema.jsonSchema,
              },
            },
          }
        : request.mode === 'json_object'
          ? { text: { format: { type: 'json_object' } } }
          : {}),
      ...(request.effort ? { reasoning: { effort: request.effort } } : {}),
      ...this.extraBody,
    };
    const { data, response } = await this.client.responses
      .create(body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxRetries: 0,
      })
      .withResponse();
    let text = '';
    let refusal: string | null = null;
    for (const item of data.output ?? []) {
      if (item.type !== 'message') continue;
      for (const part of item.content) {
        if (part.type === 'output_text') text += part.text;
        else if (part.type === 'refusal') refusal = part.refusal;
      }
    }
    const reason = data.incomplete_details?.reason;
    const usage = data.usage;
    return {
      content: refusal === null ? text : null,
      refusal,
      finish:
        data.status === 'completed'
          ? 'stop'
          : reason === 'max_output_tokens'
            ? 'length'
            : reason === 'content_filter'
              ? 'content_filter'
              : 'other',
      usage: {
        inputTokens: usage?.input_tokens ?? 0,
        outputTokens: usage?.output_tokens ?? 0,
        cachedInputTokens: usage?.input_tokens_details?.cached_tokens ?? 0,
        reasoningTokens: usage?.output_tokens_details?.reasoning_tokens ?? 0,
      },
      reportedUsage: Boolean(usage),
      headers: response.headers,
    };
  }
}

/** What a failed request means, read from the openai package's error and the server's words. */
export type Failure =
  | { kind: 'aborted' }
  | { kind: 'retryable'; status: number | null; retryAfterMs: number | null; message: string }
  | { kind: 'format'; message: string }
  | { kind: 'context'; limit: number | null; message: string }
  | { kind: 'filtered'; message: string }
  | { kind: 'rejected'; status: number; message: string };

/** The server's message without anything that looks like a credential, cut to a readable length. */
export function serverMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return raw
    .replace(/\b(sk|rk|pk)-[\w*-]{4,}/g, '[redacted]')
    .replace(/\b(Bearer|api[-_ ]?key[:=]?)\s+\S+/gi, '$1 [redacted]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
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
  }
  return { kind: 'rejected', status, message };
}
