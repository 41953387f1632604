import type { ZodMiniObject, ZodMiniType } from 'zod/mini';
import type { CallUsage } from '../usage.js';
import { puttingOff } from './deferred.js';
import type { ModelKnowledge } from './knowledge.js';
import { effortFor, type ModelCapabilities, REASONING_ROOM, type ReasoningEffort } from './models.js';
import { costOf, worstCaseCost } from './prices.js';
import type { PaceClock } from './rate-governor.js';
import type { Run } from './run.js';
import { StructuredCaller } from './structured.js';
import { estimateTokens } from './tokens.js';
import type { OutputMode, Provider, Transport } from './transport.js';

export interface CallLayerSettings {
  /** Who serves the models (parameter names, and whether a short read means a cut). */
  provider: Provider;
  /** `auto`: the Responses API for the models served only there, Chat Completions for the rest. */
  api: 'auto' | 'chat' | 'responses';
  reasoningEffort?: ReasoningEffort;
  /** Articles over this many tokens (or over what the context window leaves) are analysed in parts. */
  maxInputTokens: number;
  /** One request's time limit, retries of a failing one, and calls at once per model. */
  timeoutMs: number;
  retries: number;
  concurrency: number;
  /** What calls are paced by; the system's clock by default (tests pass a virtual one). */
  clock?: PaceClock;
}

export interface CallRequest<T> {
  name: string;
  system: string;
  user: string;
  wire: ZodMiniObject;
  validate: ZodMiniType<T>;
  /** The answer's own budget, before room for reasoning. */
  answerTokens: number;
  /** A second try of a request whose answer hit its cap: the cap as raised by `raisedCap`. */
  maxOutputTokens?: number;
  /** The effort this request wants, when not the configured one (translations: PRECIS_TRANSLATION_EFFORT). */
  effort?: ReasoningEffort;
}

/** The smallest window where the long instructions are sent: below it they would crowd out the article. */
const CACHED_HEAD_MIN_CONTEXT = 32_000;

/** Tokens a prompt takes besides the article, where the caller does not say (instructions, markers, metadata). */
export const PROMPT_OVERHEAD_TOKENS = 700;
/**
 * The estimate (tokens.ts) is at least 0.92× of OpenAI's count, and other
 * tokenizers count up to a tenth more: a call's worst case is priced on
 * this much more than the estimate, so no server's count can pass it.
 */
const PROMPT_MARGIN = 1.25;

/**
 * The call layer: every LLM request of an article goes through `call`.
 *
 * - The request follows what is known of the model (knowledge.ts): the API
 *   it answers on, the effort it takes (the configured one as the nearest
 *   value it takes, or none), an output cap with room for the reasoning it
 *   does by default or at that effort, within its limits.
 * - The article's ceiling (budget.ts) admits each request; the rate governor
 *   and retries are the structured caller's.
 * - Each billed answer is counted at once, by stage, priced by its model; an
 *   unknown price is recorded as null, with one warning.
 */
export class LlmCalls {
  private readonly callers: Record<'chat' | 'responses', StructuredCaller>;

  constructor(
    transports: { chat: Transport; responses: Transport },
    readonly knowledge: ModelKnowledge,
    private readonly settings: CallLayerSettings,
  ) {
    const callerSettings = {
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      concurrency: settings.concurrency,
      clock: settings.clock,
    };
    this.callers = {
      chat: new StructuredCaller(transports.chat, callerSettings),
      responses: new StructuredCaller(transports.responses, callerSettings),
    };
  }

  capabilitiesOf(model: string): ModelCapabilities {
    return this.knowledge.capabilitiesOf(model);
  }

  /**
   * Whether a long, fixed head of instructions pays for itself on `model`:
   * its provider bills cached input below fresh input (a head read from the
   * cache costs a tenth or so) and its window has room to spare. Elsewhere
   * the compact instructions are sent.
   */
  cachingPays(model: string): boolean {
    const caps = this.capabilitiesOf(model);
    const price = caps.price;
    return (
      price !== null &&
      price.cachedInput !== undefined &&
      price.cachedInput < price.input &&
      caps.contextTokens >= CACHED_HEAD_MIN_CONTEXT
    );
  }

  apiOf(caps: ModelCapabilities): 'chat' | 'responses' {
    return this.settings.api === 'auto' ? caps.api : this.settings.api;
  }

  private callerOf(model: string): StructuredCaller {
    return this.callers[this.apiOf(this.capabilitiesOf(model))];
  }

  /**
   * The effort the configuration wants sent to a model, as the table says it
   * takes it (warned once when changed). A stage's own effort (`stage`) is
   * taken as the nearest the model takes without a warning: it is asked of
   * every model, not chosen for this one.
   */
  effortOf(model: string, caps = this.capabilitiesOf(model), stage?: ReasoningEffort): ReasoningEffort | undefined {
    if (stage) return effortFor(caps, stage);
    const wanted = this.settings.reasoningEffort;
    const effort = effortFor(caps, wanted);
    if (wanted && effort !== wanted) {
      this.knowledge.warnOnce(
        `effort:${model}`,
        effort
          ? `${model} does not take reasoning_effort "${wanted}"; "${effort}" is sent instead.`
          : `${model} does not take reasoning_effort (or precis does not know which values it takes); PRECIS_REASONING_EFFORT is not sent to it.`,
      );
    }
    return effort;
  }

  /** The effort that goes out to a model now: the configured one (or a stage's), as the table and the server's lessons allow. */
  effortSent(model: string, stage?: ReasoningEffort): ReasoningEffort | undefined {
    return this.callerOf(model).effortSent(model, this.effortOf(model, undefined, stage));
  }

  /** The output mode a model is asked in now. */
  modeOf(model: string): OutputMode {
    return this.callerOf(model).modeOf(model, this.capabilitiesOf(model).structuredOutputs);
  }

  /** What the server taught about a model (cap name, efforts, output mode). */
  lessonsOf(model: string) {
    return this.callerOf(model).lessonsOf(model);
  }

  /** The output cap of a call: the answer, room for the reasoning it will do, within the model's limits. */
  outputCap(model: string, answerTokens: number, stage?: ReasoningEffort): number {
    const caps = this.capabilitiesOf(model);
    const reasoning = this.effortSent(model, stage) ?? caps.defaultEffort;
    const wanted = answerTokens + (reasoning ? REASONING_ROOM[reasoning] : 0);
    // A small context window leaves most of itself to the prompt.
    return Math.max(256, Math.min(wanted, caps.maxOutputTokens, Math.floor(caps.contextTokens * 0.4)));
  }

  /**
   * The cap for a second try of a request whose answer hit its cap: twice
   * as much, within the model's output limit and what its context leaves
   * after this prompt. Null when that is no more than before: the work is
   * split instead.
   */
  raisedCap(
    model: string,
    answerTokens: number,
    prompt: { system: string; user: string; effort?: ReasoningEffort },
  ): number | null {
    const caps = this.capabilitiesOf(model);
    const before = this.outputCap(model, answerTokens, prompt.effort);
    const left = caps.contextTokens - estimateTokens(prompt.system) - estimateTokens(prompt.user) - 64;
    const raised = Math.min(2 * before, caps.maxOutputTokens, left);
    return raised > before ? raised : null;
  }

  /** Article tokens one call of `model` may carry, besides `overheadTokens` of instructions, schema and markers. */
  inputBudget(model: string, answerTokens: number, overheadTokens = PROMPT_OVERHEAD_TOKENS): number {
    const caps = this.capabilitiesOf(model);
    const cap = this.outputCap(model, answerTokens);
    return Math.max(400, Math.min(this.settings.maxInputTokens, caps.contextTokens - cap - overheadTokens));
  }

  /** One structured call on the model's API, admitted by the article's ceiling, counted, within its deadline. */
  async call<T>(run: Run, stage: string, model: string, request: CallRequest<T>): Promise<T> {
    await this.knowledge.ready(model);
    const caps = this.capabilitiesOf(model);
    if (!caps.price) {
      this.knowledge.warnOnce(
        `price:${model}`,
        `No price is known for ${model}: its cost is recorded as null (set PRECIS_PRICES), and only PRECIS_MAX_CALLS_PER_ARTICLE limits it.`,
      );
    }
    const result = await this.callerOf(model).call({
      model,
      name: request.name,
      stage,
      system: request.system,
      user: request.user,
      wire: request.wire,
      validate: request.validate,
      maxOutputTokens: request.maxOutputTokens ?? this.outputCap(model, request.answerTokens, request.effort),
      effort: this.effortOf(model, caps, request.effort),
      structuredOutputs: caps.structuredOutputs,
      signal: run.signal,
      deadline: run.deadline,
      onUsage: (usage: CallUsage) => run.meter.add(stage, usage, costOf(caps.price, usage)),
      admit: async (call) => {
        // A call that will be put off is held at the batch price, what the batch will bill it.
        const prompt = Math.ceil(call.promptTokens * PROMPT_MARGIN);
        const worst = worstCaseCost(caps.price, prompt, call.maxOutputTokens, puttingOff());
        const ticket = await run.budget.reserve(worst, run.signal);
        return (billed) =>
          billed === 'deferred'
            ? run.budget.putOff(ticket)
            : run.budget.settle(ticket, billed ? { costUsd: costOf(caps.price, billed) } : null);
      },
      // OpenAI and Azure refuse a prompt over the context; they never cut one.
      judgeTruncation:
        this.settings.provider === 'openai' || this.settings.provider === 'azure'
          ? false
          : { allowCachedPrefix: this.knowledge.windowKnown(model) },
    });
    run.modes.add(result.mode);
    if (result.stub) run.stub = true;
    return result.value;
  }
}
