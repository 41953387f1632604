import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { type ErrorCode, TransientError } from '../../errors.js';
import { jsonModeInstruction } from './prompts.js';

export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

export const addUsage = (a: CallUsage, b: CallUsage): CallUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
});
export const NO_USAGE: CallUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/** An LLM failure: retryable by the queue, and the reason the offline fallback gives. */
export class LlmError extends TransientError {
  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(code, message, cause);
  }
}

/** Maps the openai package's errors to precis codes, keeping the server's words out of 5xx-style messages. */
export function llmError(error: unknown, model: string): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof OpenAI.APIUserAbortError) {
    return new LlmError('LLM_TIMEOUT', "The article's time budget ran out during an LLM call.", error);
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError('LLM_TIMEOUT', 'An LLM call timed out through every retry.', error);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new LlmError('LLM_UNAVAILABLE', 'The LLM server could not be reached through every retry.', error);
  }
  if (error instanceof OpenAI.RateLimitError) {
    return new LlmError(
      'LLM_UNAVAILABLE',
      'The LLM server kept answering 429 (rate limited) through every retry.',
      error,
    );
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return new LlmError(
      'LLM_REJECTED',
      `The LLM server refused the credentials (${error.status}); check the API key.`,
      error,
    );
  }
  if (error instanceof OpenAI.NotFoundError) {
    return new LlmError('LLM_REJECTED', `The LLM server does not know the model "${model}" (404).`, error);
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number' && error.status >= 500) {
    return new LlmError('LLM_UNAVAILABLE', `The LLM server kept failing (${error.status}) through every retry.`, error);
  }
  if (error instanceof OpenAI.APIError) {
    return new LlmError('LLM_REJECTED', `The LLM server refused the request (${error.status}).`, error);
  }
  return new LlmError('LLM_UNAVAILABLE', 'The LLM call failed.', error);
}

export interface StructuredRequest<T> {
  model: string;
  /** The schema name the server sees. */
  name: string;
  system: string;
  user: string;
  /** What the server is told to produce (JSON Schema from zod). */
  wire: z.ZodObject;
  /** What the answer must satisfy to be used; may be stricter than `wire`. */
  validate: z.ZodType<T>;
  signal?: AbortSignal;
}

export interface StructuredResult<T> {
  value: T;
  usage: CallUsage;
  /** Requests made: 1, or 2 with a repair, plus one if the server refused structured outputs. */
  requests: number;
}

/** Strips the code fence some models put around JSON. */
function jsonText(content: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(content);
  return fenced?.[1] ?? content;
}

function validationProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 12)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Structured calls to an OpenAI-compatible chat completions endpoint.
 *
 * 1. Ask with a JSON-schema `response_format` built from zod. A server that
 *    refuses it (400/422) is asked again in JSON mode, with the schema in the
 *    prompt, and is not offered JSON schema again.
 * 2. Validate the answer with zod. An invalid answer gets one repair request
 *    that quotes the problems; a second invalid answer is LLM_INVALID_OUTPUT.
 *
 * Timeouts, retries with backoff and Retry-After are the openai client's.
 */
export class StructuredCaller {
  private jsonSchemaRefused = false;

  constructor(
    private readonly client: OpenAI,
    private readonly options: { reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' } = {},
  ) {}

  /** Whether the server refused JSON-schema structured outputs and JSON mode is used instead. */
  get usesJsonMode(): boolean {
    return this.jsonSchemaRefused;
  }

  async call<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    let usage = NO_USAGE;
    let requests = 0;
    const send = async (messages: ChatCompletionMessageParam[]) => {
      for (;;) {
        const jsonMode = this.jsonSchemaRefused;
        requests++;
        try {
          const completion = await this.client.chat.completions.create(
            {
              model: request.model,
              messages: jsonMode ? withSchemaInPrompt(messages, request.wire) : messages,
              response_format: jsonMode ? { type: 'json_object' } : zodResponseFormat(request.wire, request.name),
              ...(this.options.reasoningEffort ? { reasoning_effort: this.options.reasoningEffort } : {}),
            },
            { signal: request.signal },
          );
          usage = addUsage(usage, {
            inputTokens: completion.usage?.prompt_tokens ?? 0,
            outputTokens: completion.usage?.completion_tokens ?? 0,
            cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
          });
          const message = completion.choices[0]?.message;
          return message?.refusal ? `REFUSAL: ${message.refusal}` : (message?.content ?? '');
        } catch (error) {
          const refusedSchema =
            !jsonMode && (error instanceof OpenAI.BadRequestError || error instanceof OpenAI.UnprocessableEntityError);
          if (!refusedSchema) throw llmError(error, request.model);
          this.jsonSchemaRefused = true;
        }
      }
    };

    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ];
    const first = await send(messages);
    const checked = this.check(first, request.validate);
    if (checked.ok) return { value: checked.value, usage, requests };

    const repair: ChatCompletionMessageParam[] = [
      ...messages,
      { role: 'assistant', content: first },
      {
        role: 'user',
        content: `That answer is not valid: ${checked.problems}. Answer again with the corrected JSON object only, following the same rules.`,
      },
    ];
    const second = await send(repair);
    const rechecked = this.check(second, request.validate);
    if (rechecked.ok) return { value: rechecked.value, usage, requests };
    throw new LlmError('LLM_INVALID_OUTPUT', `The model's answer failed validation twice (${rechecked.problems}).`);
  }

  private check<T>(content: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; problems: string } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonText(content));
    } catch {
      return { ok: false, problems: content.startsWith('REFUSAL:') ? 'the model refused' : 'it is not valid JSON' };
    }
    const result = schema.safeParse(parsed);
    return result.success
      ? { ok: true, value: result.data }
      : { ok: false, problems: validationProblems(result.error) };
  }
}

function withSchemaInPrompt(messages: ChatCompletionMessageParam[], wire: z.ZodObject): ChatCompletionMessageParam[] {
  const [system, ...rest] = messages;
  const schema = z.toJSONSchema(wire);
  return [{ role: 'system', content: `${String(system?.content ?? '')}${jsonModeInstruction(schema)}` }, ...rest];
}
