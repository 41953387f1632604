import type OpenAI from 'openai';
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

/** The names of the output cap on Chat Completions: OpenAI's reasoning models take only the second. */
export type CapName = 'max_tokens' | 'max_completion_tokens';

export interface LlmRequest {
  model: string;
  messages: Message[];
  mode: OutputMode;
  /** The schema's name and JSON Schema, for `json_schema` mode. */
  schema: { name: string; jsonSchema: Record<string, unknown> };
  maxOutputTokens: number;
  /** Chat Completions: the cap's name, when the model taught it; else the provider's. */
  capName?: CapName;
  effort?: ReasoningEffort;
  /** The stage the call is counted under (`analysis`, `translation:ar`): a batch line's call kind. */
  stage?: string;
}

export interface LlmAnswer {
  content: string | null;
  refusal: string | null;
  finish: 'stop' | 'length' | 'content_filter' | 'other';
  usage: CallUsage;
  /** Whether the server reported usage at all (some local servers do not). */
  reportedUsage: boolean;
  /** Whether the usage says how much of the prompt came from the server's cache (a `cached_tokens` field). */
  reportedCache: boolean;
  headers: Headers | null;
}

/**
 * The `Server` header of precis's stand-in LLM (`npm run stub:llm`, the
 * tests' server). Its summaries are extractive and its "translations" filler
 * words in the language's script, so what it answered is marked as a stub's.
 */
export const STUB_SERVER = 'precis-stub';

/** Whether an answer came from the stand-in server. */
export const fromStub = (headers: Headers | null | undefined): boolean => headers?.get('server') === STUB_SERVER;

export interface Transport {
  readonly api: 'chat' | 'responses';
  send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer>;
  /** Whether the request's answer is already paid for (a batch brought it): sending it bills nothing. */
  prepaid?(request: LlmRequest): boolean;
}

/** A transport whose request body and answer can be written and read apart from a call: a Batch API line's. */
export interface WiredTransport extends Transport {
  /** The request's body as this API takes it. */
  bodyOf(request: LlmRequest): Record<string, unknown>;
  /** An answer's body as this API returns it, read as a call's answer. */
  answerOf(data: unknown, headers: Headers | null): LlmAnswer;
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

/**
 * The output cap's name before a model teaches another: OpenAI's for OpenAI
 * and Azure, whose reasoning models refuse max_tokens; the older name
 * elsewhere, the only one most other servers know (Ollama ignores the
 * other). A gateway in front of OpenAI refuses it, and teaches the other.
 */
export function defaultCapName(provider: Provider): CapName {
  return provider === 'openai' || provider === 'azure' ? 'max_completion_tokens' : 'max_tokens';
}

type Body = Record<string, unknown>;

/** Chat Completions, with each provider's names for the output cap and the effort. */
export class ChatTransport implements WiredTransport {
  readonly api = 'chat' as const;

  constructor(
    private readonly client: OpenAI,
    private readonly provider: Provider,
    private readonly extraBody: Body = {},
  ) {}

  async send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer> {
    const { data, response } = await this.client.chat.completions
      .create(this.bodyOf(request) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxRetries: 0,
      })
      .withResponse();
    return this.answerOf(data, response.headers);
  }

  bodyOf(request: LlmRequest): Body {
    return {
      model: request.model,
      messages: request.messages,
      [request.capName ?? defaultCapName(this.provider)]: request.maxOutputTokens,
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
  }

  answerOf(body: unknown, headers: Headers | null): LlmAnswer {
    const data = body as OpenAI.ChatCompletion;
    const choice = data.choices?.[0];
    const usage = data.usage;
    const details = usage?.prompt_tokens_details as { cached_tokens?: number; cache_write_tokens?: number } | undefined;
    const finish = choice?.finish_reason;
    return {
      content: answerText(choice?.message),
      refusal: choice?.message?.refusal ?? null,
      finish: finish === 'stop' || finish === 'length' || finish === 'content_filter' ? finish : 'other',
      usage: {
        inputTokens: usage?.prompt_tokens ?? 0,
        outputTokens: usage?.completion_tokens ?? 0,
        cachedInputTokens: details?.cached_tokens ?? 0,
        reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
        ...(details?.cache_write_tokens ? { cacheWriteTokens: details.cache_write_tokens } : {}),
      },
      reportedUsage: Boolean(usage),
      reportedCache: typeof details?.cached_tokens === 'number',
      headers,
    };
  }
}

/** The Responses API (the only one some models answer on), with the same schemas. */
export class ResponsesTransport implements WiredTransport {
  readonly api = 'responses' as const;

  constructor(
    private readonly client: OpenAI,
    private readonly extraBody: Body = {},
  ) {}

  async send(request: LlmRequest, options: { signal?: AbortSignal; timeoutMs: number }): Promise<LlmAnswer> {
    const { data, response } = await this.client.responses
      .create(this.bodyOf(request) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxRetries: 0,
      })
      .withResponse();
    return this.answerOf(data, response.headers);
  }

  bodyOf(request: LlmRequest): Body {
    const [system, ...rest] = request.messages;
    return {
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
  }

  answerOf(body: unknown, headers: Headers | null): LlmAnswer {
    const data = body as OpenAI.Responses.Response;
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
      reportedCache: typeof usage?.input_tokens_details?.cached_tokens === 'number',
      headers,
    };
  }
}

/**
 * The answer's text. A server that parses reasoning apart (LM Studio, vLLM
 * with a reasoning parser, Ollama) puts it in `reasoning_content` or
 * `reasoning`; LM Studio with a reasoning model and a JSON schema puts the
 * answer itself there and leaves `content` empty (its bug tracker, #1698 and
 * #1773, open). That field is read only then, and only for a JSON object:
 * reasoning prose is never taken for the answer.
 */
function answerText(message: unknown): string | null {
  const m = (message ?? {}) as { content?: string | null; reasoning_content?: unknown; reasoning?: unknown };
  const content = m.content ?? null;
  if (content !== null && content.trim() !== '') return content;
  for (const field of [m.reasoning_content, m.reasoning]) {
    if (typeof field === 'string' && /^\s*(?:```(?:json)?\s*)?\{[\s\S]*\}\s*(?:```)?\s*$/.test(field)) return field;
  }
  return content;
}
