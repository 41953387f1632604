import type { IncomingMessage } from 'node:http';
import type { ChatMessage, ChatRequest } from './stub-answers.js';
import { tokensOf } from './stub-tokens.js';

/** How the stand-in reads requests and writes answers on the wire, for each API and provider. */

export type ProviderProfile =
  | 'openai'
  | 'azure'
  | 'gateway'
  | 'ollama'
  | 'vllm'
  | 'lmstudio'
  | 'llamacpp'
  | 'openrouter';

/** One answer, before it is written: what the model produced and what the server counts. */
export interface Answer {
  content: string | null;
  refusal: string | null;
  /** The reasoning text a server that parses it apart returns beside the answer. */
  reasoningText: string | null;
  finish: 'stop' | 'length' | 'content_filter';
  /** The prompt tokens the server reports. */
  promptTokens: number;
  /** The cached prompt tokens it reports (OpenAI-like servers only). */
  cached: number;
  contentTokens: number;
  /** Reasoning tokens spent, inside the output. */
  reasoning: number;
  /** What the answer is billed, USD. */
  costUsd: number;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Tokens of a chat prompt as OpenAI counts them: each message's content plus a few for its framing. */
export const promptTokensOf = (messages: ChatMessage[]) =>
  messages.reduce((sum, m) => sum + tokensOf(String(m.content)) + 4, 3);

/** "1.5s", "6m0s": the reset format of OpenAI's rate-limit headers. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.ceil(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** The Responses API request as a chat request, so one answering path serves both. */
export function fromResponsesRequest(raw: Record<string, unknown>): ChatRequest {
  const input = raw.input;
  const messages: ChatMessage[] = [];
  if (typeof raw.instructions === 'string') messages.push({ role: 'system', content: raw.instructions });
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as { role?: string; content?: unknown }[]) {
      const content = Array.isArray(item.content)
        ? (item.content as { text?: string }[]).map((c) => c.text ?? '').join('')
        : String(item.content ?? '');
      messages.push({ role: item.role === 'developer' ? 'system' : (item.role ?? 'user'), content });
    }
  }
  const format = (raw.text as { format?: { type: string; name?: string; schema?: unknown } } | undefined)?.format;
  const reasoning = raw.reasoning as { effort?: string } | undefined;
  return {
    model: String(raw.model),
    messages,
    ...(format
      ? {
          response_format:
            format.type === 'json_schema'
              ? { type: 'json_schema', json_schema: { name: format.name ?? '', schema: format.schema } }
              : { type: format.type },
        }
      : {}),
    ...(typeof raw.max_output_tokens === 'number' ? { max_completion_tokens: raw.max_output_tokens } : {}),
    ...(reasoning?.effort ? { reasoning_effort: reasoning.effort } : {}),
  };
}

const OPENAI_LIKE: ProviderProfile[] = ['openai', 'azure', 'gateway'];

/**
 * A chat completion as each server writes it. OpenAI (and what a gateway
 * passes on) and OpenRouter report cached and reasoning tokens in the usage
 * details; the local servers report neither, and put the reasoning they
 * parse apart beside the answer: Ollama and OpenRouter as `reasoning`, vLLM,
 * llama.cpp and LM Studio as `reasoning_content`. OpenRouter adds the cost.
 */
export function chatBody(profile: ProviderProfile, model: string, a: Answer, id: number) {
  const completionTokens = a.contentTokens + a.reasoning;
  const usage: Record<string, unknown> = {
    prompt_tokens: a.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: a.promptTokens + completionTokens,
  };
  if (OPENAI_LIKE.includes(profile) || profile === 'openrouter') {
    usage.prompt_tokens_details = { cached_tokens: a.cached };
    usage.completion_tokens_details = { reasoning_tokens: a.reasoning };
  }
  if (profile === 'openrouter') usage.cost = Math.round(a.costUsd * 1e8) / 1e8;
  const message: Record<string, unknown> = { role: 'assistant', content: a.content, refusal: a.refusal };
  if (profile === 'openrouter' || profile === 'ollama') message.reasoning = a.reasoningText;
  if (profile === 'vllm' || profile === 'llamacpp' || profile === 'lmstudio')
    message.reasoning_content = a.reasoningText;
  return {
    id: `chatcmpl-stub-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, finish_reason: a.finish, message }],
    usage,
  };
}

export function responsesBody(model: string, a: Answer, id: number) {
  const content =
    a.refusal !== null
      ? [{ type: 'refusal', refusal: a.refusal }]
      : [{ type: 'output_text', text: a.content ?? '', annotations: [] }];
  const incomplete =
    a.finish === 'length' ? 'max_output_tokens' : a.finish === 'content_filter' ? 'content_filter' : null;
  return {
    id: `resp_stub_${id}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: incomplete } : null,
    output: [
      ...(a.reasoning > 0 ? [{ id: `rs_${id}`, type: 'reasoning', summary: [] }] : []),
      { id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content },
    ],
    usage: {
      input_tokens: a.promptTokens,
      input_tokens_details: { cached_tokens: a.cached },
      output_tokens: a.contentTokens + a.reasoning,
      output_tokens_details: { reasoning_tokens: a.reasoning },
      total_tokens: a.promptTokens + a.contentTokens + a.reasoning,
    },
  };
}
