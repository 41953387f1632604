import * as z from 'zod/mini';
import { PrecisError } from '../../errors.js';
import { lazily } from '../../lazily.js';
import type { ServerModelInfo } from '../ports.js';
import { UsageMeter } from '../usage.js';
import { ArticleBudget, type BudgetLimits } from './budget.js';
import type { LlmCalls } from './calls.js';
import { type DatedPrice, daysUntil, type ReasoningEffort, type Shutdown } from './models.js';
import type { CapName, OutputMode, Provider } from './transport.js';

/** What precis knows about a model and what it will send it: `precis models`. */
export interface ModelDescription {
  model: string;
  /** Whether the table or configuration knows it; an unknown model is treated safely (see models.ts). */
  known: boolean;
  /** The table row it was matched to, or `unknown`. */
  family: string;
  provider: Provider;
  api: 'chat' | 'responses';
  contextTokens: number;
  /** The output cap of an analysis call: the answer's budget and room for reasoning, within the model's limits. */
  outputCap: number;
  maxOutputTokens: number;
  /** The output cap's name on Chat Completions. */
  capName: CapName | 'max_output_tokens';
  effort: { sent: ReasoningEffort | null; takes: readonly ReasoningEffort[]; reasonsByDefault: ReasoningEffort | null };
  outputMode: OutputMode;
  price: DatedPrice | null;
  shutdown: (Shutdown & { daysLeft: number }) | null;
  /** What the server's model list said, when it was asked and said something. */
  server: ServerModelInfo | null;
}

export interface ProbeResult {
  accepted: boolean;
  /** What was sent, as the server took it (after any lesson it taught). */
  outputMode?: OutputMode;
  capName?: CapName | 'max_output_tokens';
  effort?: ReasoningEffort | null;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number | null;
  /** What the server taught during the probe (a parameter name, an effort it does not take, an output mode). */
  learnt?: string[];
  error?: { code: string; message: string };
}

/** Asks the server about the model (once), then says what precis knows and will send. */
export async function describeModel(
  calls: LlmCalls,
  model: string,
  settings: { provider: Provider; answerTokens: number; defaultCapName: CapName; now: Date },
): Promise<ModelDescription> {
  await calls.knowledge.ready(model);
  const caps = calls.capabilitiesOf(model);
  const api = calls.apiOf(caps);
  const sent = calls.effortSent(model);
  return {
    model,
    known: caps.known,
    family: caps.family,
    provider: settings.provider,
    api,
    contextTokens: caps.contextTokens,
    outputCap: calls.outputCap(model, settings.answerTokens),
    maxOutputTokens: caps.maxOutputTokens,
    capName: api === 'responses' ? 'max_output_tokens' : (calls.lessonsOf(model).capName ?? settings.defaultCapName),
    effort: { sent: sent ?? null, takes: caps.efforts, reasonsByDefault: caps.defaultEffort },
    outputMode: calls.modeOf(model),
    price: caps.price,
    shutdown: caps.shutdown ? { ...caps.shutdown, daysLeft: daysUntil(caps.shutdown.date, settings.now) } : null,
    server: calls.knowledge.serverInfo(model),
  };
}

const probeAnswer = lazily(() => z.object({ ok: z.boolean() }));

/**
 * One small call with the parameters an analysis sends (output mode, cap
 * name, effort, room for reasoning), to confirm the server takes them. What
 * the server teaches on the way is learnt, as it would be in an analysis,
 * and reported. Billed, and counted against a ceiling of its own.
 */
export async function probeModel(
  calls: LlmCalls,
  model: string,
  settings: { limits: BudgetLimits; timeoutMs: number; defaultCapName: CapName },
): Promise<ProbeResult> {
  const before = calls.lessonsOf(model);
  const meter = new UsageMeter();
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const run = {
    meter,
    signal,
    deadline: Date.now() + settings.timeoutMs,
    budget: new ArticleBudget(settings.limits, { calls: 0, costUsd: 0 }),
    modes: new Set<OutputMode>(),
  };
  const learnt = () => {
    const after = calls.lessonsOf(model);
    return [
      after.capName !== before.capName ? `the output cap is named ${after.capName}` : null,
      after.efforts !== before.efforts
        ? after.efforts?.length
          ? `reasoning_effort takes ${after.efforts.join(', ')}`
          : 'reasoning_effort is not taken'
        : null,
      after.mode !== before.mode ? `the output mode is ${after.mode}` : null,
    ].filter((s): s is string => s !== null);
  };
  try {
    await calls.call(run, 'probe', model, {
      name: 'probe',
      system: 'You check that a service is reachable. Answer with the JSON object {"ok": true}.',
      user: 'Are you there?',
      wire: probeAnswer,
      validate: probeAnswer,
      answerTokens: 16,
    });
    const usage = UsageMeter.sum(meter.usage);
    const api = calls.apiOf(calls.capabilitiesOf(model));
    return {
      accepted: true,
      outputMode: [...run.modes][0] ?? calls.modeOf(model),
      capName: api === 'responses' ? 'max_output_tokens' : (calls.lessonsOf(model).capName ?? settings.defaultCapName),
      effort: calls.effortSent(model) ?? null,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      learnt: learnt(),
    };
  } catch (error) {
    const known = error instanceof PrecisError;
    const code = known ? error.code : 'INTERNAL_ERROR';
    return {
      // An answer cut at its cap, or not valid, still means the server took the request as sent.
      accepted: code === 'LLM_OUTPUT_TRUNCATED' || code === 'LLM_INVALID_OUTPUT',
      learnt: learnt(),
      error: { code, message: known ? error.message : String(error) },
    };
  }
}
