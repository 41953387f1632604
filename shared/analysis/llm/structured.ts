import type { ZodMiniObject, ZodMiniType } from 'zod/mini';
import { truncate } from '../../truncate.js';
import type { CallUsage } from '../usage.js';
import { checkAnswer } from './answers.js';
import { CallDeferred } from './deferred.js';
import { finalError, LlmError, PERMANENT, rateLimited, TRANSIENT, timeUp, unavailable } from './errors.js';
import { classify } from './failures.js';
import { Lessons, type ModelLessons } from './lessons.js';
import type { ReasoningEffort } from './models.js';
import { jsonModeInstruction } from './prompts.js';
import { type PaceClock, RateGovernor, SYSTEM_CLOCK } from './rate-governor.js';
import {
  fromStub,
  type LlmAnswer,
  type LlmRequest,
  type Message,
  type OutputMode,
  type Transport,
} from './transport.js';
import { promptText, promptTokens, shortRead } from './truncation.js';
import { promptSchema, strictSchema } from './wire-schema.js';

export { jsonText } from './answers.js';
export { LlmError } from './errors.js';
export type { ModelLessons };

export interface StructuredRequest<T> {
  model: string;
  /** The schema name the server sees. */
  name: string;
  system: string;
  user: string;
  /** What the server is told to produce (JSON Schema from zod, wire-schema.ts). */
  wire: ZodMiniObject;
  /** What the answer must satisfy to be used; may be stricter than `wire`. */
  validate: ZodMiniType<T>;
  /** The output cap, reasoning room included. */
  maxOutputTokens: number;
  effort?: ReasoningEffort;
  /** The stage the call is counted under, passed to the transport (a batch line's call kind). */
  stage?: string;
  /** Whether the model does JSON-schema structured outputs (the capability table). */
  structuredOutputs: boolean;
  signal?: AbortSignal;
  /** Epoch ms by which every wait and call must end. */
  deadline: number;
  /** Called with each billed answer's usage as it arrives, before the answer is checked. */
  onUsage: (usage: CallUsage) => void;
  /**
   * Held before each request goes out (the article's ceiling on calls and
   * spend); the release says what was billed, null when nothing was, or
   * `deferred` when the call was put off to a batch, to be billed there.
   */
  admit?: (call: {
    promptTokens: number;
    maxOutputTokens: number;
  }) => Promise<(billed: CallUsage | null | 'deferred') => void>;
  /**
   * Whether a prompt the server counted short is taken as cut (servers that
   * refuse long prompts never cut them), and whether the beginning it shares
   * with an earlier prompt may be missing from the count (truncation.ts).
   */
  judgeTruncation: false | { allowCachedPrefix: boolean };
}

export interface StructuredResult<T> {
  value: T;
  /** How the answer was constrained. */
  mode: OutputMode;
  /** The answer came from precis's stand-in server (fromStub). */
  stub: boolean;
}

export interface CallerSettings {
  /** One request's time limit. */
  timeoutMs: number;
  /** Retries of one request on 5xx, timeouts and connection errors (429s wait instead, within the deadline). */
  retries: number;
  /** Calls at once per model at most. */
  concurrency: number;
  /** What calls are paced by (the rate governor's time and waits); the system's by default. */
  clock?: PaceClock;
}

/** Time kept back from the deadline for what follows a call (saving the result). */
const MARGIN_MS = 250;
/** Prompts remembered per model, for what a server may have kept in its cache. */
const RECENT_PROMPTS = 16;

/**
 * Structured calls: one request, its answer read as it is, and at most one
 * repair.
 *
 * 1. The request carries a JSON-schema format, the output cap by the name
 *    the provider uses and the effort, unless the model taught otherwise: a
 *    400 about `response_format` moves it down one output mode, one that
 *    names the cap's name switches to the other name, one that names the
 *    effort drops it (or takes a value the server lists). Each lesson is
 *    kept per model, and the request sent again.
 * 2. Each answer's usage is counted at once. A first call whose prompt the
 *    server counted short was cut to its context: LLM_CONTEXT_TRUNCATED
 *    (truncation.ts). A refusal or a content filter is LLM_REFUSED; an
 *    answer cut at its output cap is LLM_OUTPUT_TRUNCATED (the caller raises
 *    the cap or splits the work). Neither is repaired.
 * 3. The answer is parsed (after any `<think>` block) and validated with zod.
 *    An invalid one gets one repair request that quotes the problems, with
 *    the schema when the answer was not JSON; a second is LLM_INVALID_OUTPUT.
 *
 * Retries are its own, not the openai client's, so no wait passes the
 * deadline: 5xx and connection errors back off up to `retries` times; a 429
 * waits for its Retry-After while the deadline allows, and past it the
 * error says how long to wait (LLM_RATE_LIMITED) for the queue to do it.
 * Every request first passes `admit`, the article's ceiling.
 */
export class StructuredCaller {
  private readonly lessons = new Lessons();
  private readonly governors = new Map<string, RateGovernor>();
  private readonly recent = new Map<string, string[]>();

  constructor(
    private readonly transport: Transport,
    private readonly settings: CallerSettings,
  ) {}

  /** What the server taught about a model so far. */
  lessonsOf(model: string): ModelLessons {
    return this.lessons.of(model);
  }

  /** The output mode this model is asked in now. */
  modeOf(model: string, structuredOutputs = true): OutputMode {
    return this.lessons.modeOf(model, structuredOutputs);
  }

  /** The effort sent to the model: the wanted one, as the server said it takes it. */
  effortSent(model: string, wanted: ReasoningEffort | undefined): ReasoningEffort | undefined {
    return this.lessons.effortSent(model, wanted);
  }

  async call<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const messages: Message[] = [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ];
    const first = await this.answer(request, messages);
    const checked = checkAnswer(first.content, request.validate);
    if (checked.ok) return { value: checked.value, mode: first.mode, stub: first.stub };

    const repair: Message[] = [
      ...messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: `That answer is not valid: ${checked.problems}. Answer again with the corrected JSON object only, following the same rules.${
          checked.notJson ? jsonModeInstruction(promptSchema(request.wire)) : ''
        }`,
      },
    ];
    const second = await this.answer(request, repair);
    const rechecked = checkAnswer(second.content, request.validate);
    if (rechecked.ok) return { value: rechecked.value, mode: second.mode, stub: second.stub };
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
  ): Promise<{ content: string; mode: OutputMode; stub: boolean }> {
    const { answer, mode, sent } = await this.send(request, messages);
    request.onUsage(answer.usage);
    const earlier = this.recent.get(request.model) ?? [];
    // Only a conversation's first call is judged: a repair repeats a prompt the server may have kept.
    if (request.judgeTruncation && answer.reportedUsage && messages.length === 2) {
      const cut = await shortRead({
        sent,
        counted: answer.usage.inputTokens,
        cached: answer.usage.cachedInputTokens,
        reportedCache: answer.reportedCache,
        earlier: request.judgeTruncation.allowCachedPrefix ? earlier : [],
      });
      if (cut) {
        throw new LlmError(
          'LLM_CONTEXT_TRUNCATED',
          `The server read ${cut.read} of the ${cut.expected} prompt tokens sent: it cut the article to its context window. Raise the server's context (OLLAMA_CONTEXT_LENGTH, --ctx-size, --max-model-len) and set PRECIS_CONTEXT_TOKENS to it.`,
          { ...PERMANENT, contextLimit: cut.read },
        );
      }
    }
    this.recent.set(request.model, [...earlier.slice(1 - RECENT_PROMPTS), promptText(sent)]);
    if (answer.refusal) {
      throw new LlmError('LLM_REFUSED', `The model refused: ${truncate(answer.refusal, 300)}`, PERMANENT);
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
    return { content: answer.content ?? '', mode, stub: fromStub(answer.headers) };
  }

  /** Sends until an answer comes, within the deadline: lessons are learnt, 5xx retry, 429s wait. */
  private async send<T>(
    request: StructuredRequest<T>,
    messages: Message[],
  ): Promise<{ answer: LlmAnswer; mode: OutputMode; sent: Message[] }> {
    const governor = this.governorOf(request.model);
    // The strict JSON Schema structured outputs need (every field required, no extra ones).
    const jsonSchema = strictSchema(request.wire);
    const inPrompt = promptSchema(request.wire);
    let failures = 0;
    for (;;) {
      const lessons = this.lessons.of(request.model);
      const mode = this.modeOf(request.model, request.structuredOutputs);
      const sent = mode === 'json_schema' ? messages : withSchemaInPrompt(messages, inPrompt);
      const remaining = request.deadline - Date.now() - MARGIN_MS;
      if (remaining <= 0) throw timeUp();
      const tokens = promptTokens(sent);
      const wired: LlmRequest = {
        model: request.model,
        messages: sent,
        mode,
        schema: { name: request.name, jsonSchema },
        maxOutputTokens: request.maxOutputTokens,
        capName: lessons.capName,
        effort: this.effortSent(request.model, request.effort),
        ...(request.stage ? { stage: request.stage } : {}),
      };
      // An answer a batch brought was paid when it was collected: it needs no room under the ceiling.
      const admit = this.transport.prepaid?.(wired) ? undefined : request.admit;
      const release = admit
        ? await this.wait(
            () => admit({ promptTokens: tokens, maxOutputTokens: request.maxOutputTokens }),
            request.signal,
          )
        : () => undefined;
      const held = await this.wait(
        () => governor.acquire(tokens + request.maxOutputTokens, request.deadline - MARGIN_MS, request.signal),
        request.signal,
      ).catch((error: unknown) => {
        release(null);
        throw error;
      });
      if (held) {
        release(null);
        throw rateLimited(held.waitMs);
      }
      let answer: LlmAnswer;
      try {
        answer = await this.transport.send(wired, {
          signal: request.signal,
          timeoutMs: Math.min(this.settings.timeoutMs, remaining),
        });
      } catch (error) {
        // A call put off to a batch is no failure of the server's: the run stops here, for the batch to answer.
        // What it may cost stays held against the article's ceiling: the batch will bill it.
        if (error instanceof CallDeferred) {
          release('deferred');
          governor.release({ headers: null, status: 200 });
          throw error;
        }
        release(null);
        const failure = classify(error);
        const status = failure.kind === 'retryable' || failure.kind === 'rejected' ? failure.status : 400;
        governor.release({
          headers: (error as { headers?: Headers }).headers ?? null,
          status: status ?? 599,
          retryAfterMs: failure.kind === 'retryable' ? (failure.retryAfterMs ?? undefined) : undefined,
        });
        if (failure.kind === 'aborted') throw timeUp(error);
        if (this.lessons.learn(request.model, request.effort, failure, mode)) continue;
        if (failure.kind === 'retryable') {
          const rateLimit = failure.status === 429;
          if (!rateLimit) failures++;
          const exhausted = !rateLimit && failures > this.settings.retries;
          const waitMs = failure.retryAfterMs ?? backoff(rateLimit ? 0 : failures);
          const late = Date.now() + waitMs > request.deadline - MARGIN_MS;
          if (rateLimit && late) throw rateLimited(waitMs, error);
          if (exhausted || late) throw unavailable(failure.status, failure.message, error);
          await this.wait(() => this.clock.sleep(waitMs, request.signal), request.signal);
          continue;
        }
        if (failure.kind === 'cap-name' || failure.kind === 'effort') {
          // The lesson was learnt before and the server still refuses: nothing else to try.
          throw new LlmError('LLM_REJECTED', `The LLM server refused the request (400): ${failure.message}`, {
            ...PERMANENT,
            cause: error,
          });
        }
        throw finalError(failure, request.model, error);
      }
      // The stand-in's answers are counted as any, and cost nothing: no provider bills them.
      if (fromStub(answer.headers)) answer = { ...answer, usage: { ...answer.usage, standIn: true } };
      release(answer.usage);
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

  private get clock(): PaceClock {
    return this.settings.clock ?? SYSTEM_CLOCK;
  }

  private governorOf(model: string): RateGovernor {
    let governor = this.governors.get(model);
    if (!governor) {
      governor = new RateGovernor(this.settings.concurrency, this.clock.now, this.clock.sleep);
      this.governors.set(model, governor);
    }
    return governor;
  }
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s … up to 8 s. */
function backoff(failures: number): number {
  const base = Math.min(8000, 500 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + Math.random() * 0.25));
}

function withSchemaInPrompt(messages: Message[], schema: unknown): Message[] {
  const [system, ...rest] = messages;
  return [{ role: 'system', content: `${system?.content ?? ''}${jsonModeInstruction(schema)}` }, ...rest];
}
