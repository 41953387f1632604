import { zodResponseFormat } from 'openai/helpers/zod';
import * as z from 'zod';
import { type ErrorCode, PrecisError } from '../../errors.js';
import type { CallUsage } from '../usage.js';
import type { ReasoningEffort } from './models.js';
import { jsonModeInstruction } from './prompts.js';
import { RateGovernor, sleep } from './rate-governor.js';
import { estimateTokens } from './tokens.js';
import { classify, type LlmAnswer, type Message, type OutputMode, type Transport } from './transport.js';

/**
 * An LLM failure with its code. Permanent ones (the server refused the
 * credentials, the model, the request or the article; an answer that does
 * not fit) end the stage at once; the others may pass and are retried by the
 * queue. `retryAfterMs` is how long the server asked to wait, when that is
 * past the article's budget.
 */
export class LlmError extends PrecisError {
  override readonly name = 'LlmError';
  constructor(
    code: ErrorCode,
    message: string,
    options: { permanent: boolean; cause?: unknown; retryAfterMs?: number; contextLimit?: number | null } = {
      permanent: false,
    },
  ) {
    super(code, message, { permanent: options.permanent, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.contextLimit = options.contextLimit;
  }
  readonly retryAfterMs: number | undefined;
  /** For LLM_CONTEXT_TRUNCATED from a server that refused the prompt: its context window, when it said. */
  readonly contextLimit: number | null | undefined;
}

const PERMANENT = { permanent: true };
const TRANSIENT = { permanent: false };

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
  /** The output cap, reasoning room included. */
  maxOutputTokens: number;
  effort?: ReasoningEffort;
  /** Whether the model does JSON-schema structured outputs (the capability table). */
  structuredOutputs: boolean;
  signal?: AbortSignal;
  /** Epoch ms by which every wait and call must end. */
  deadline: number;
  /** Called with each billed answer's usage as it arrives, before the answer is checked. */
  onUsage: (usage: CallUsage) => void;
}

export interface StructuredResult<T> {
  value: T;
  /** How the answer was constrained. */
  mode: OutputMode;
}

export interface CallerSettings {
  /** One request's time limit. */
  timeoutMs: number;
  /** Retries of one request on 5xx, timeouts and connection errors (429s wait instead, within the deadline). */
  retries: number;
  /** Calls at once per model at most. */
  concurrency: number;
}

/** Tokens the server should count for a prompt: contents plus a few per message for their framing. */
export function promptTokens(messages: Message[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 3);
}

/** The JSON inside an answer: after any `<think>` block, inside any code fence, between the outer braces. */
export function jsonText(content: string): string {
  let text = content.replace(/^\s*<(think|thinking|reasoning)>[\s\S]*?<\/\1>\s*/i, '');
  const fenced = /```(?:json)?\s*([\s\S]*?)\s*```/i.exec(text);
  if (fenced?.[1]) text = fenced[1];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

function validationProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 12)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * A prompt is taken as cut by the server when it counted less than this
 * share of the tokens sent (estimated here, tokens.ts). The estimate is
 * 0.92–1.41× of o200k's count, and servers' tokenizers differ from o200k by
 * about a tenth on news text (older ones count more tokens, not fewer): a
 * prompt read whole is counted at 0.65× of the estimate or more, while a
 * server that cuts an article to its context reads far less of it.
 */
const TRUNCATION_RATIO = 0.6;
/** Prompts shorter than this are not checked: tokenizers differ too much on little text. */
const TRUNCATION_MIN_TOKENS = 1000;
/** Time kept back from the deadline for what follows a call (saving the result). */
const MARGIN_MS = 250;

/**
 * Structured calls: one request, its answer read as it is, and at most one
 * repair.
 *
 * 1. The request carries a JSON-schema format, unless this model refused one
 *    before (then JSON mode, then the schema in the prompt only); a server
 *    that refuses `response_format` itself moves the model down one mode, and
 *    the choice is remembered per model.
 * 2. Each answer's usage is counted at once. A prompt the server counted far
 *    shorter than sent was cut to its context: LLM_CONTEXT_TRUNCATED. A
 *    refusal or a content filter is LLM_REFUSED; an answer cut at its output
 *    cap is LLM_OUTPUT_TRUNCATED (the caller splits the work). Neither is
 *    repaired.
 * 3. The answer is parsed (after any `<think>` block) and validated with zod.
 *    An invalid one gets one repair request that quotes the problems, with
 *    the schema when the answer was not JSON; a second is LLM_INVALID_OUTPUT.
 *
 * Retries are its own, not the openai client's, so no wait passes the
 * deadline: 5xx and connection errors back off up to `retries` times; a 429
 * waits for its Retry-After while the deadline allows, and past it the
 * error says how long to wait (LLM_RATE_LIMITED) for the queue to do it.
 */
export class StructuredCaller {
  private readonly modes = new Map<string, OutputMode>();
  private readonly governors = new Map<string, RateGovernor>();

  constructor(
    private readonly transport: Transport,
    private readonly settings: CallerSettings,
  ) {}

  /** The output mode this model is asked in now. */
  modeOf(model: string, structuredOutputs = true): OutputMode {
    return this.modes.get(model) ?? (structuredOutputs ? 'json_schema' : 'json_object');
  }

  async call<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const messages: Message[] = [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ];
    const first = await this.answer(request, messages);
    const checked = this.check(first.content, request.validate);
    if (checked.ok) return { value: checked.value, mode: first.mode };

    const repair: Message[] = [
      ...messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: `That answer is not valid: ${checked.problems}. Answer again with the corrected JSON object only, following the same rules.${
          checked.notJson ? jsonModeInstruction(z.toJSONSchema(request.wire)) : ''
        }`,
      },
    ];
    const second = await this.answer(request, repair);
    const rechecked = this.check(second.content, request.validate);
    if (rechecked.ok) return { value: rechecked.value, mode: second.mode };
    throw new LlmError(
      'LLM_INVALID_OUTPUT',
      `The model's answer failed validation twice (${rechecked.problems}).`,
      TRANSIENT,
    );
  }

  /** One answer's content, after its usage is counted and its finish read. */
  private async answer<T>(
    request: StructuredRequest<T>,
    messages: Message[],
  ): Promise<{ content: string; mode: OutputMode }> {
    const { answer, mode, sent } = await this.send(request, messages);
    request.onUsage(answer.usage);
    const counted = answer.usage.inputTokens;
    const expected = promptTokens(sent);
    if (
      answer.reportedUsage &&
      expected >= TRUNCATION_MIN_TOKENS &&
      counted > 0 &&
      counted < expected * TRUNCATION_RATIO
    ) {
      throw new LlmError(
        'LLM_CONTEXT_TRUNCATED',
        `The server read ${counted} of the about ${expected} prompt tokens sent: it cut the article to its context window. Raise the server's context (OLLAMA_CONTEXT_LENGTH, --ctx-size, --max-model-len) and set PRECIS_CONTEXT_TOKENS to it.`,
        PERMANENT,
      );
    }
    if (answer.refusal) {
      throw new LlmError('LLM_REFUSED', `The model refused: ${answer.refusal.slice(0, 300)}`, PERMANENT);
    }
    if (answer.finish === 'content_filter') {
      throw new LlmError('LLM_REFUSED', "The provider's content filter withheld the answer.", PERMANENT);
    }
    if (answer.finish === 'length') {
      throw new LlmError(
        'LLM_OUTPUT_TRUNCATED',
        `The answer reached its output cap of ${request.maxOutputTokens} tokens (${answer.usage.reasoningTokens} of them reasoning).`,
        PERMANENT,
      );
    }
    return { content: answer.content ?? '', mode };
  }

  /** Sends until an answer comes, within the deadline: the output mode falls back, 5xx retry, 429s wait. */
  private async send<T>(
    request: StructuredRequest<T>,
    messages: Message[],
  ): Promise<{ answer: LlmAnswer; mode: OutputMode; sent: Message[] }> {
    const governor = this.governorOf(request.model);
    // The strict JSON Schema structured outputs need (every field required, no extra ones).
    const jsonSchema = zodResponseFormat(request.wire, request.name).json_schema.schema as Record<string, unknown>;
    const promptSchema = z.toJSONSchema(request.wire);
    let failures = 0;
    for (;;) {
      const mode = this.modeOf(request.model, request.structuredOutputs);
      const sent = mode === 'json_schema' ? messages : withSchemaInPrompt(messages, promptSchema);
      const remaining = request.deadline - Date.now() - MARGIN_MS;
      if (remaining <= 0) throw timeUp();
      const estimate = promptTokens(sent) + request.maxOutputTokens;
      const held = await this.wait(
        () => governor.acquire(estimate, request.deadline - MARGIN_MS, request.signal),
        request.signal,
      );
      if (held) throw rateLimited(held.waitMs);
      let answer: LlmAnswer;
      try {
        answer = await this.transport.send(
          {
            model: request.model,
            messages: sent,
            mode,
            schema: { name: request.name, jsonSchema },
            maxOutputTokens: request.maxOutputTokens,
            effort: request.effort,
          },
          { signal: request.signal, timeoutMs: Math.min(this.settings.timeoutMs, remaining) },
        );
      } catch (error) {
        const failure = classify(error);
        const status = failure.kind === 'retryable' || failure.kind === 'rejected' ? failure.status : 400;
        governor.release({
          headers: (error as { headers?: Headers }).headers ?? null,
          status: status ?? 599,
          retryAfterMs: failure.kind === 'retryable' ? (failure.retryAfterMs ?? undefined) : undefined,
        });
        if (failure.kind === 'aborted') throw timeUp(error);
        if (failure.kind === 'format' && mode !== 'prompt') {
          this.modes.set(request.model, mode === 'json_schema' ? 'json_object' : 'prompt');
          continue;
        }
        if (failure.kind === 'retryable') {
          const rateLimit = failure.status === 429;
          if (!rateLimit) failures++;
          const exhausted = !rateLimit && failures > this.settings.retries;
          const waitMs = failure.retryAfterMs ?? backoff(rateLimit ? 0 : failures);
          const late = Date.now() + waitMs > request.deadline - MARGIN_MS;
          if (rateLimit && late) throw rateLimited(waitMs, error);
          if (exhausted || late) throw unavailable(failure.status, failure.message, error);
          await this.wait(() => sleep(waitMs, request.signal), request.signal);
          continue;
        }
        throw finalError(failure, request.model, error);
      }
      governor.release({ headers: answer.headers, status: 200 });
      return { answer, mode, sent };
    }
  }

  /** Runs a wait; an abort (the budget) becomes LLM_TIMEOUT. */
  private async wait<R>(run: () => Promise<R>, signal?: AbortSignal): Promise<R> {
    try {
      return await run();
    } catch (error) {
      if (signal?.aborted) throw timeUp(error);
      throw error;
    }
  }

  private governorOf(model: string): RateGovernor {
    let governor = this.governors.get(model);
    if (!governor) {
      governor = new RateGovernor(this.settings.concurrency);
      this.governors.set(model, governor);
    }
    return governor;
  }

  private check<T>(
    content: string,
    schema: z.ZodType<T>,
  ): { ok: true; value: T } | { ok: false; problems: string; notJson: boolean } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonText(content));
    } catch {
      return { ok: false, problems: 'it is not valid JSON', notJson: true };
    }
    const result = schema.safeParse(parsed);
    return result.success
      ? { ok: true, value: result.data }
      : { ok: false, problems: validationProblems(result.error), notJson: false };
  }
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s … up to 8 s. */
function backoff(failures: number): number {
  const base = Math.min(8000, 500 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + Math.random() * 0.25));
}

function timeUp(cause?: unknown): LlmError {
  return new LlmError('LLM_TIMEOUT', "The article's time budget ran out during an LLM call.", { ...TRANSIENT, cause });
}

function rateLimited(waitMs: number, cause?: unknown): LlmError {
  return new LlmError(
    'LLM_RATE_LIMITED',
    `The LLM server asked to wait ${Math.ceil(waitMs / 1000)} s, past the article's time budget.`,
    { ...TRANSIENT, cause, retryAfterMs: waitMs },
  );
}

function unavailable(status: number | null, message: string, cause: unknown): LlmError {
  if (status === null && /timed? ?out/i.test(message)) {
    return new LlmError('LLM_TIMEOUT', 'An LLM call timed out through every retry.', { ...TRANSIENT, cause });
  }
  const what = status === null ? 'could not be reached' : `kept failing (${status})`;
  return new LlmError('LLM_UNAVAILABLE', `The LLM server ${what} through every retry: ${message}`, {
    ...TRANSIENT,
    cause,
  });
}

function finalError(
  failure: Exclude<ReturnType<typeof classify>, { kind: 'aborted' | 'retryable' }>,
  model: string,
  cause: unknown,
): LlmError {
  switch (failure.kind) {
    case 'filtered':
      return new LlmError('LLM_REFUSED', `The provider's content filter refused the prompt: ${failure.message}`, {
        ...PERMANENT,
        cause,
      });
    case 'context':
      return new LlmError(
        'LLM_CONTEXT_TRUNCATED',
        `The prompt is longer than the model's context: ${failure.message}`,
        {
          ...PERMANENT,
          cause,
          contextLimit: failure.limit,
        },
      );
    case 'format':
      return new LlmError(
        'LLM_REJECTED',
        `The LLM server refused every output format (JSON schema, JSON mode, plain): ${failure.message}`,
        { ...PERMANENT, cause },
      );
    default: {
      const what =
        failure.status === 401 || failure.status === 403
          ? 'refused the credentials; check the API key'
          : failure.status === 404
            ? `does not serve the model "${model}"`
            : 'refused the request';
      return new LlmError('LLM_REJECTED', `The LLM server ${what} (${failure.status}): ${failure.message}`, {
        ...PERMANENT,
        cause,
      });
    }
  }
}

function withSchemaInPrompt(messages: Message[], schema: unknown): Message[] {
  const [system, ...rest] = messages;
  return [{ role: 'system', content: `${system?.content ?? ''}${jsonModeInstruction(schema)}` }, ...rest];
}
