import type { ChatRequest, Recorded } from './stub-answers.js';
import type { ServedModel } from './stub-models.js';
import { type ProviderProfile, promptTokensOf } from './stub-wire.js';

/** What each provider refuses before it answers, as its documentation says. */

export interface Refusal {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The options these rules read. */
export interface StubRules {
  apiKey?: string;
  refuseJsonSchema?: boolean;
  filterPrompt?: RegExp;
}

const OPENAI_LIKE: ProviderProfile[] = ['openai', 'azure', 'gateway'];

export const openaiError = (status: number, message: string, extra: Record<string, unknown> = {}): Refusal => ({
  status,
  body: { error: { message, type: 'invalid_request_error', param: null, code: null, ...extra } },
});

/** What the provider refuses before answering, as its documentation says. */
export function refusalOf(
  recorded: Recorded,
  model: ServedModel | null,
  p: ProviderProfile,
  options: StubRules,
): Refusal | null {
  const { body } = recorded;
  const openaiLike = OPENAI_LIKE.includes(p);
  if (options.apiKey) {
    const bearer = /^Bearer (.+)$/.exec(String(recorded.headers.authorization ?? ''))?.[1];
    const key = p === 'azure' ? (recorded.headers['api-key'] ?? bearer) : bearer;
    if (key !== options.apiKey) {
      return openaiError(401, 'Incorrect API key provided: sk-wr****ng.', { code: 'invalid_api_key' });
    }
  }
  if (!model) {
    return p === 'azure'
      ? openaiError(404, 'The API deployment for this resource does not exist.', { code: 'DeploymentNotFound' })
      : openaiError(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, {
          code: 'model_not_found',
        });
  }
  if (p === 'lmstudio' && body.response_format?.type === 'json_object') {
    return { status: 400, body: { error: "'response_format.type' must be 'json_schema' or 'text'" } };
  }
  if (options.refuseJsonSchema && body.response_format?.type === 'json_schema') {
    return openaiError(400, "response_format 'json_schema' is not supported", { param: 'response_format' });
  }
  if (openaiLike) {
    if (recorded.api === 'chat' && model.api === 'responses') {
      return openaiError(404, 'This model is only supported in v1/responses and not in v1/chat/completions.');
    }
    const reasons = model.efforts.length > 0 || model.defaultEffort !== null;
    if (body.max_tokens !== undefined && reasons) {
      return openaiError(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        { param: 'max_tokens', code: 'unsupported_parameter' },
      );
    }
    if (body.reasoning_effort !== undefined) {
      if (model.efforts.length === 0) {
        return openaiError(400, "Unsupported parameter: 'reasoning_effort' is not supported with this model.", {
          param: 'reasoning_effort',
          code: 'unsupported_parameter',
        });
      }
      if (!model.efforts.includes(body.reasoning_effort)) {
        const listed = model.efforts.map((e) => `'${e}'`);
        const values = `${listed.slice(0, -1).join(', ')}, and ${listed.at(-1)}`;
        return openaiError(
          400,
          `Unsupported value: '${body.reasoning_effort}' is not supported with the '${body.model}' model. Supported values are: ${values}.`,
          { param: 'reasoning_effort', code: 'unsupported_value' },
        );
      }
    }
    if (p === 'azure' && options.filterPrompt?.test(body.messages.map((m) => m.content).join('\n'))) {
      return {
        status: 400,
        body: {
          error: {
            message:
              "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
            type: null,
            param: 'prompt',
            code: 'content_filter',
            status: 400,
            innererror: {
              code: 'ResponsibleAIPolicyViolation',
              content_filter_result: { violence: { filtered: true, severity: 'medium' } },
            },
          },
        },
      };
    }
  }
  return contextRefusal(body, model, p);
}

/** What OpenAI, vLLM and llama.cpp answer a prompt over the context (Ollama cuts it instead). */
function contextRefusal(body: ChatRequest, model: ServedModel, p: ProviderProfile): Refusal | null {
  const openaiLike = OPENAI_LIKE.includes(p);
  const prompt = promptTokensOf(body.messages);
  const cap = outputCap(body, p) ?? 0;
  if (openaiLike && prompt + cap > model.contextTokens) {
    return openaiError(
      400,
      `This model's maximum context length is ${model.contextTokens} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
      { param: 'messages', code: 'context_length_exceeded' },
    );
  }
  if (p === 'vllm' && prompt + cap > model.contextTokens) {
    return {
      status: 400,
      // vLLM's current error body (older versions sent the same fields without the `error` wrapper).
      body: {
        error: {
          message: `This model's maximum context length is ${model.contextTokens} tokens. However, you requested ${prompt + cap} tokens (${prompt} in the messages, ${cap} in the completion). Please reduce the length of the messages or completion.`,
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      },
    };
  }
  if (p === 'llamacpp' && prompt > model.contextTokens) {
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'the request exceeds the available context size, try increasing it',
          type: 'exceed_context_size_error',
          n_prompt_tokens: prompt,
          n_ctx: model.contextTokens,
        },
      },
    };
  }
  return null;
}

/** The output cap the provider honours: Ollama knows `max_tokens` only. */
export function outputCap(body: ChatRequest, p: ProviderProfile): number | undefined {
  if (p === 'ollama') return body.max_tokens;
  return body.max_completion_tokens ?? body.max_tokens;
}
