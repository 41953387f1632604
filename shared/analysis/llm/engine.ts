import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ZodObject, ZodType } from 'zod';
import type {
  AnalysisResult,
  Checks,
  Claim,
  Faithfulness,
  Provenance,
  Summary,
  SummaryCheck,
  Translation,
} from '../../article.js';
import type { Price } from '../../config.js';
import { PrecisError } from '../../errors.js';
import { extendSpan, locate, unsupportedByEvidence } from '../checks/grounding.js';
import { compareFigures, figuresAbsentFrom, unsupportedFigures } from '../checks/numbers.js';
import { languageName, loadLanguageDetector, translationProblems } from '../checks/translation.js';
import { sentencesOf, verifySummary } from '../checks/verify.js';
import { selectClaims } from '../claim-policy.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from '../engine.js';
import { summarize } from '../summarize.js';
import { type CallUsage, UsageMeter } from '../usage.js';
import { chunkText } from './chunking.js';
import {
  type CapabilityOverrides,
  capabilitiesOf,
  effortFor,
  type ModelCapabilities,
  REASONING_ROOM,
  type ReasoningEffort,
} from './models.js';
import { costOf } from './prices.js';
import {
  ANALYSIS_SYSTEM,
  articleMessage,
  JUDGE_SYSTEM,
  MERGE_SYSTEM,
  PROMPT_VERSION,
  SUMMARY_REPAIR_SYSTEM,
  summaryRepairMessage,
  translationSystem,
} from './prompts.js';
import {
  type AnalysisOutput,
  analysisOutput,
  analysisWire,
  claimsTranslationWire,
  judgeWire,
  summaryOutput,
  summaryWire,
  translationOutput,
  translationWire,
} from './schemas.js';
import { LlmError, StructuredCaller } from './structured.js';
import { estimateTokens } from './tokens.js';
import type { OutputMode, Provider, Transport } from './transport.js';

export interface LlmEngineSettings {
  analysisModel: string;
  translationModel: string;
  /** Who serves the models (parameter names follow it). */
  provider: Provider;
  /** `auto`: the Responses API for the models served only there, Chat Completions for the rest. */
  api: 'auto' | 'chat' | 'responses';
  reasoningEffort?: ReasoningEffort;
  /** The answer's output cap, before room for reasoning. */
  maxOutputTokens: number;
  /** All calls of one article together. */
  budgetMs: number;
  /** Articles over this many tokens (or over what the context window leaves) are analysed in parts. */
  maxInputTokens: number;
  dropUngrounded: boolean;
  /** Ask the model to judge each summary sentence against the article (PRECIS_VERIFY=llm). */
  judge?: boolean;
  /** The family of models whose names do not say (Azure deployments). */
  family?: string;
  /** The server's context window, when configuration says it. */
  contextTokens?: number;
  /** Capability table fields by model name. */
  capabilities: Record<string, CapabilityOverrides>;
  prices: Record<string, Price>;
  /** One request's time limit, retries of a failing one, and calls at once per model. */
  timeoutMs: number;
  retries: number;
  concurrency: number;
  /** Where the engine says what a user should know once (an unpriced model, an effort a model does not take). */
  warn?: (message: string) => void;
  /**
   * Where the analysis answer (summary and claims) is kept by text the moment
   * it arrives, whatever becomes of the delivery: any later delivery, or a
   * twin upload of the same text, takes it instead of paying again.
   */
  answers?: AnswerStore;
}

/** The analysis stage's answer for one text, as kept between deliveries. */
export interface KeptAnswer {
  summary: Summary;
  claims: AnalysisOutput['claims'];
  chunks: number;
  /** Set once the summary's figures were checked (and repaired or replaced): `summary` is then the one to store. */
  summaryCheck?: SummaryCheck;
  /** The model's judgement of that summary, when one was asked for. */
  judge?: NonNullable<Faithfulness['judge']>;
}

export interface AnswerStore {
  get(key: string): Promise<KeptAnswer | null>;
  put(key: string, answer: KeptAnswer): Promise<void>;
}

/** Tokens the instructions and markers take besides the article. */
const PROMPT_OVERHEAD_TOKENS = 700;
const TRANSLATION_CONCURRENCY = 3;
/** How often an answer that did not fit is split again before the stage gives up. */
const MAX_SPLITS = 3;
/** Output budget of the merge of part summaries. */
const MERGE_ANSWER_TOKENS = 1024;
const MODE_ORDER: OutputMode[] = ['json_schema', 'json_object', 'prompt'];

const summaryText = (s: Summary) => [s.headline, s.short, ...s.bullets].join('\n');
/** What a translation renders, as one text: the summary's fields (when given) and the claims. */
const translatableText = (v: Partial<Summary> & { claims: { text: string }[] }) =>
  [v.headline ?? '', v.short ?? '', ...(v.bullets ?? []), ...v.claims.map((c) => c.text)].join('\n');
/** The summary as sentences for the verifier: each field ends with a stop. */
const asSentences = (s: Summary) =>
  [s.headline, s.short, ...s.bullets].map((f) => (/[.!?؟。]$/u.test(f.trim()) ? f.trim() : `${f.trim()}.`)).join(' ');

/**
 * Runs `run` over the items, at most `limit` at a time, keeping their order.
 * After a failure no item is started, and the calls already running are
 * waited for before the first error is thrown: no call outlives the analysis
 * that made it (and goes unaccounted).
 */
async function mapLimit<T, R>(items: T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await run(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

const isCode = (error: unknown, code: string): error is LlmError => error instanceof LlmError && error.code === code;

/** What one analysis needs to make its calls: where to count, when to stop, which modes it used. */
interface Run {
  meter: UsageMeter;
  signal: AbortSignal;
  deadline: number;
  modes: Set<OutputMode>;
}

type ClaimSource = { id: string; text: string; speaker: string | null };
type TranslationPiece = { summary?: Summary; claims: ClaimSource[] };

/**
 * The analysis port on an OpenAI-compatible LLM.
 *
 * 1. One structured call returns the summary and the claims. An article over
 *    the input budget (PRECIS_MAX_INPUT_TOKENS, or what the model's context
 *    window leaves) is analysed part by part and the summaries merged; a part
 *    whose answer hits the output cap is split in two and retried.
 * 2. Each claim's evidence is located in the text (exact, normalised, fuzzy);
 *    ungrounded claims are flagged or dropped.
 * 3. The summary's figures are checked against the article.
 * 4. One call per target language translates the summary and claims (split
 *    into summary and claim halves when the answer does not fit); each
 *    translation is checked for its script and its figures. A failed
 *    language makes the result PARTIAL; a later call retries only those.
 * 5. Every billed call is counted by stage as it arrives, with its cost.
 *
 * Requests follow the capability table (models.ts): the output cap is sent
 * on every call with room for reasoning, the effort only to models that take
 * it, in a value they take.
 */
export class LlmEngine implements AnalysisEngine {
  readonly name = 'openai';
  private readonly callers: Record<'chat' | 'responses', StructuredCaller>;
  /** Context windows servers told us by refusing a prompt, by model. */
  private readonly learnedContext = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    transports: { chat: Transport; responses: Transport },
    private readonly settings: LlmEngineSettings,
  ) {
    const callerSettings = {
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      concurrency: settings.concurrency,
    };
    this.callers = {
      chat: new StructuredCaller(transports.chat, callerSettings),
      responses: new StructuredCaller(transports.responses, callerSettings),
    };
  }

  /** What the configuration and the capability table say about a model. */
  capabilitiesOf(model: string): ModelCapabilities {
    const s = this.settings;
    const caps = capabilitiesOf(model, { family: s.family, prices: s.prices });
    if (s.contextTokens) caps.contextTokens = s.contextTokens;
    Object.assign(caps, s.capabilities[model] ?? {});
    const learned = this.learnedContext.get(model);
    if (learned) caps.contextTokens = Math.min(caps.contextTokens, learned);
    return caps;
  }

  private apiOf(caps: ModelCapabilities): 'chat' | 'responses' {
    return this.settings.api === 'auto' ? caps.api : this.settings.api;
  }

  /** The effort sent to a model: the configured one as the model takes it, or none. */
  private effortOf(model: string, caps: ModelCapabilities): ReasoningEffort | undefined {
    const wanted = this.settings.reasoningEffort;
    const effort = effortFor(caps, wanted);
    if (wanted && effort !== wanted) {
      this.warnOnce(
        `effort:${model}`,
        effort
          ? `${model} does not take reasoning_effort "${wanted}"; "${effort}" is sent instead.`
          : `${model} does not take reasoning_effort; PRECIS_REASONING_EFFORT is not sent to it.`,
      );
    }
    return effort;
  }

  /** The output cap of a call: the answer, room for the reasoning the effort implies, within the model's limits. */
  private outputCap(caps: ModelCapabilities, effort: ReasoningEffort | undefined, answerTokens: number): number {
    const reasoning = effort ?? caps.defaultEffort;
    const wanted = answerTokens + (reasoning ? REASONING_ROOM[reasoning] : 0);
    // A small context window leaves most of itself to the prompt.
    return Math.max(256, Math.min(wanted, caps.maxOutputTokens, Math.floor(caps.contextTokens * 0.4)));
  }

  /** Article tokens one analysis call may carry. */
  private inputBudget(caps: ModelCapabilities): number {
    const cap = this.outputCap(caps, this.effortOf(this.settings.analysisModel, caps), this.settings.maxOutputTokens);
    return Math.max(400, Math.min(this.settings.maxInputTokens, caps.contextTokens - cap - PROMPT_OVERHEAD_TOKENS));
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.settings.warn?.(message);
  }

  /** Counts one billed call of a stage, priced by its model. */
  private counter(run: Run, stage: string, model: string, caps: ModelCapabilities) {
    if (!caps.price)
      this.warnOnce(
        `price:${model}`,
        `No price is known for ${model}: its cost is recorded as null (set PRECIS_PRICES).`,
      );
    return (call: CallUsage) => run.meter.add(stage, call, costOf(caps.price, call));
  }

  /** One structured call on the model's API, counted and within the run's deadline. */
  private async call<T>(
    run: Run,
    stage: string,
    model: string,
    request: {
      name: string;
      system: string;
      user: string;
      wire: ZodObject;
      validate: ZodType<T>;
      answerTokens: number;
    },
  ): Promise<T> {
    const caps = this.capabilitiesOf(model);
    const effort = this.effortOf(model, caps);
    const result = await this.callers[this.apiOf(caps)].call({
      model,
      name: request.name,
      system: request.system,
      user: request.user,
      wire: request.wire,
      validate: request.validate,
      maxOutputTokens: this.outputCap(caps, effort, request.answerTokens),
      effort,
      structuredOutputs: caps.structuredOutputs,
      signal: run.signal,
      deadline: run.deadline,
      onUsage: this.counter(run, stage, model, caps),
    });
    run.modes.add(result.mode);
    return result.value;
  }

  /** What makes two analyses of the same text interchangeable: the cache key besides the content hash. */
  fingerprint(options: AnalysisOptions): string {
    const s = this.settings;
    return JSON.stringify([
      this.name,
      s.analysisModel,
      s.translationModel,
      PROMPT_VERSION,
      [...options.targetLanguages].sort(),
      s.maxInputTokens,
      s.dropUngrounded,
      s.reasoningEffort ?? null,
    ]);
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    const started = Date.now();
    const run: Run = {
      meter: options.meter ?? new UsageMeter(options.previous?.usage),
      signal: AbortSignal.any(
        [options.signal, AbortSignal.timeout(this.settings.budgetMs)].filter((s): s is AbortSignal => Boolean(s)),
      ),
      deadline: Math.min(options.deadline ?? Number.POSITIVE_INFINITY, started + this.settings.budgetMs),
      modes: new Set(),
    };
    // Every call of the article listens on its signal (a long article makes dozens).
    setMaxListeners(0, run.signal);

    let summary: Summary;
    let claims: Claim[];
    let checks: Checks;
    let chunks: number;
    const previous = options.previous;
    if (previous && previous.provenance.engine === this.name) {
      ({ summary, claims } = previous);
      checks = previous.checks ?? emptyChecks();
      chunks = previous.provenance.chunks ?? 1;
    } else {
      const analysed = await this.keptAnalysis(input, run, options.fresh);
      summary = analysed.summary;
      chunks = analysed.chunks;
      const grounded = this.ground(input.text, analysed.claims);
      claims = grounded.claims;
      checks = {
        ...(analysed.summaryCheck ? { summary: analysed.summaryCheck } : {}),
        faithfulness: {
          ...verifySummary(input.text, asSentences(summary)),
          ...(analysed.judge ? { judge: analysed.judge } : {}),
        },
        claims: grounded.counts,
        numbers: { summaryNotInArticle: unsupportedFigures(summaryText(summary), input.text), translations: {} },
      };
    }

    const translations: Record<string, Translation> = {};
    // What is paid for is handed to the caller as it arrives, one save after another.
    let saving = Promise.resolve();
    const progress = () => {
      const onProgress = options.onProgress;
      if (!onProgress) return;
      const snapshot: AnalysisResult = {
        status: 'PARTIAL',
        summary,
        claims,
        translations: {
          ...Object.fromEntries(
            options.targetLanguages.map((lang) => [lang, { status: 'failed' as const, reason: 'Not translated yet.' }]),
          ),
          ...structuredClone(translations),
        },
        usage: run.meter.usage,
        checks: structuredClone(checks),
        provenance: this.provenance(run, chunks, previous),
      };
      saving = saving.then(() => onProgress(snapshot)).catch(() => undefined);
    };
    const pending: string[] = [];
    for (const lang of options.targetLanguages) {
      const before = previous?.translations[lang];
      if (before?.status === 'done') translations[lang] = before;
      else if (lang === input.language)
        translations[lang] = {
          status: 'done',
          ...summary,
          claims: claims.map(({ id, text, speaker }) => ({ id, text, speaker })),
        };
      else pending.push(lang);
    }
    if (!previous || previous.provenance.engine !== this.name) progress();
    await mapLimit(pending, TRANSLATION_CONCURRENCY, async (lang) => {
      try {
        const translation = await this.translate(lang, summary, claims, run, input.language);
        translations[lang] = translation;
        checks.numbers.translations[lang] = compareFigures(
          translatableText({ ...summary, claims }),
          translatableText(translation),
        );
        if (pending.length > 1) progress();
      } catch (error) {
        const reason = error instanceof PrecisError ? `${error.code}: ${error.message}` : 'The translation failed.';
        translations[lang] = { status: 'failed', reason };
      }
    });

    await saving;
    const failed = Object.values(translations).some((t) => t.status !== 'done');
    return {
      status: failed ? 'PARTIAL' : 'DONE',
      summary,
      claims,
      translations,
      usage: run.meter.usage,
      checks,
      provenance: this.provenance(run, chunks, previous),
    };
  }

  private provenance(
    run: Run,
    chunks: number,
    previous: AnalysisResult | undefined,
  ): Omit<Provenance, 'cleanerVersion'> {
    const s = this.settings;
    const caps = this.capabilitiesOf(s.analysisModel);
    // The weakest mode any call needed; a retry that made no call keeps what the first delivery used.
    const outputMode =
      MODE_ORDER.filter((m) => run.modes.has(m)).at(-1) ??
      previous?.provenance.llm?.outputMode ??
      this.callers[this.apiOf(caps)].modeOf(s.analysisModel, caps.structuredOutputs);
    return {
      engine: this.name,
      model: s.analysisModel,
      ...(s.translationModel !== s.analysisModel ? { translationModel: s.translationModel } : {}),
      promptVersion: PROMPT_VERSION,
      chunks,
      llm: {
        api: this.apiOf(caps),
        provider: s.provider,
        outputMode,
        reasoningEffort: this.effortOf(s.analysisModel, caps) ?? null,
      },
    };
  }

  /**
   * The analysis answer kept for this text and these analysis settings (and
   * this fresh run, if one was asked for), or a new one, kept before anything
   * else is done with it.
   */
  private async keptAnalysis(input: AnalysisInput, run: Run, fresh: string | undefined): Promise<KeptAnswer> {
    const store = this.settings.answers;
    const s = this.settings;
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          input.contentHash,
          s.analysisModel,
          PROMPT_VERSION,
          s.maxInputTokens,
          s.reasoningEffort ?? null,
          s.family ?? null,
          ...(fresh ? [fresh] : []),
        ]),
      )
      .digest('hex');
    const keep = async (answer: KeptAnswer) => {
      await store?.put(key, answer).catch(() => undefined);
      return answer;
    };
    let answer = (await store?.get(key).catch(() => null)) ?? (await keep(await this.analyseText(input, run)));
    // The figure check may pay for a repair, the judge for its call: what each settles is kept too, so no delivery pays for it again.
    if (!answer.summaryCheck)
      answer = await keep({ ...answer, ...(await this.checkedSummary(input, answer.summary, run)) });
    if (s.judge && !answer.judge)
      answer = await keep({ ...answer, judge: await this.judged(input, answer.summary, run) });
    return answer;
  }

  /**
   * The model's judgement of each summary sentence against the article
   * (entailment), billed to the `verification` stage. An article that does
   * not fit one call is judged on nothing: the judge says so.
   */
  private async judged(input: AnalysisInput, summary: Summary, run: Run): Promise<NonNullable<Faithfulness['judge']>> {
    const model = this.settings.analysisModel;
    const sentences = sentencesOf(asSentences(summary));
    if (estimateTokens(input.text) > this.inputBudget(this.capabilitiesOf(model))) {
      return {
        model,
        supported: true,
        unsupported: [{ text: '', reason: 'The article is too long to judge in one call.' }],
      };
    }
    const verdict = await this.call(run, 'verification', model, {
      name: 'summary_judge',
      system: JUDGE_SYSTEM,
      user: `${articleMessage(input.text, input)}\n\nSummary sentences (JSON): ${JSON.stringify(sentences.map((text, i) => ({ index: i + 1, text })))}`,
      wire: judgeWire,
      validate: judgeWire,
      answerTokens: Math.min(this.settings.maxOutputTokens, 200 + 80 * sentences.length),
    });
    const unsupported = verdict.sentences
      .filter((s) => !s.supported)
      .map((s) => ({ text: sentences[s.index - 1] ?? '', reason: s.reason }));
    return { model, supported: unsupported.length === 0, unsupported };
  }

  /**
   * The summary with no figure the article lacks. A summary whose headline,
   * short summary or bullets carry one gets one repair request that quotes
   * the figures (when the article fits one call); a field that still carries
   * one is replaced by the offline engine's text for it, and the check says
   * which. A repair that fails counts as not repaired.
   */
  private async checkedSummary(
    input: AnalysisInput,
    summary: Summary,
    run: Run,
  ): Promise<{ summary: Summary; summaryCheck: SummaryCheck }> {
    const absent = figuresAbsentFrom(input.text);
    const bad = absent(summaryText(summary));
    if (bad.length === 0) return { summary, summaryCheck: { verified: true, unsupportedFigures: [] } };
    const model = this.settings.analysisModel;
    let repaired: Summary | null = null;
    if (estimateTokens(input.text) <= this.inputBudget(this.capabilitiesOf(model))) {
      try {
        repaired = await this.call(run, 'analysis', model, {
          name: 'summary_repair',
          system: SUMMARY_REPAIR_SYSTEM,
          user: summaryRepairMessage(input.text, input, summary, bad),
          wire: summaryWire,
          validate: summaryOutput,
          answerTokens: MERGE_ANSWER_TOKENS,
        });
      } catch (error) {
        // The deadline or the run's abort ends the analysis; any other failure leaves the figures to replace.
        if (run.signal.aborted) throw error;
      }
    }
    const candidate = repaired ?? summary;
    if (absent(summaryText(candidate)).length === 0) {
      return { summary: candidate, summaryCheck: { verified: true, unsupportedFigures: bad, repaired: true } };
    }
    const offline = summarize(input.text, input.language);
    const replaced: string[] = [];
    const keep = (field: string, value: string, fallback: string | undefined): string | null => {
      if (absent(value).length === 0) return value;
      replaced.push(field);
      return fallback ?? null;
    };
    const fixed: Summary = {
      headline: keep('headline', candidate.headline, offline.headline) ?? offline.headline,
      short: keep('short', candidate.short, offline.short) ?? offline.short,
      // A bullet with no offline counterpart is dropped rather than kept wrong.
      bullets: candidate.bullets
        .map((bullet, i) => keep(`bullets.${i}`, bullet, offline.bullets[i]))
        .filter((b): b is string => b !== null),
    };
    return {
      summary: fixed,
      summaryCheck: { verified: false, unsupportedFigures: bad, repaired: repaired !== null, replaced },
    };
  }

  /**
   * Summary and raw claims: one call, or one per part and a merge when the
   * article is over budget. A server that refuses the prompt as longer than
   * its context is taken at its word once: the parts are cut to fit it.
   */
  private async analyseText(
    input: AnalysisInput,
    run: Run,
  ): Promise<{ summary: Summary; claims: AnalysisOutput['claims']; chunks: number }> {
    const model = this.settings.analysisModel;
    for (let attempt = 0; ; attempt++) {
      const budget = this.inputBudget(this.capabilitiesOf(model));
      const parts = estimateTokens(input.text) <= budget ? [input.text] : chunkText(input.text, budget, input.language);
      try {
        const outputs = (
          await mapLimit(parts, TRANSLATION_CONCURRENCY, (part, i) =>
            this.analysePart(input, part, parts.length > 1 ? { index: i + 1, of: parts.length } : undefined, run, 0),
          )
        ).flat();
        return await this.merge(input, outputs, run);
      } catch (error) {
        const refusedAsTooLong = isCode(error, 'LLM_CONTEXT_TRUNCATED') && error.contextLimit !== undefined;
        if (!refusedAsTooLong || attempt > 0) throw error;
        const caps = this.capabilitiesOf(model);
        this.learnedContext.set(model, error.contextLimit ?? Math.floor(caps.contextTokens / 2));
      }
    }
  }

  /** One part's analysis; an answer that hit the output cap is split in two, up to MAX_SPLITS deep. */
  private async analysePart(
    input: AnalysisInput,
    text: string,
    part: { index: number; of: number } | undefined,
    run: Run,
    depth: number,
  ): Promise<AnalysisOutput[]> {
    try {
      const output = await this.call(run, 'analysis', this.settings.analysisModel, {
        name: 'article_analysis',
        system: ANALYSIS_SYSTEM,
        user: articleMessage(text, { title: input.title, publishedAt: input.publishedAt, part }),
        wire: analysisWire,
        validate: analysisOutput,
        answerTokens: this.settings.maxOutputTokens,
      });
      return [output];
    } catch (error) {
      if (!isCode(error, 'LLM_OUTPUT_TRUNCATED') || depth >= MAX_SPLITS) throw error;
      const halves = chunkText(text, Math.ceil(estimateTokens(text) / 2), input.language);
      if (halves.length < 2) throw error;
      const outputs = await mapLimit(halves, 2, (half) =>
        this.analysePart(input, half, part ?? { index: 1, of: 1 }, run, depth + 1),
      );
      return outputs.flat();
    }
  }

  /**
   * One summary from the parts' summaries. When they do not fit one call
   * (many parts, a small context window), they are merged in consecutive
   * groups that fit, and the groups' summaries merged again.
   */
  private async merge(
    input: AnalysisInput,
    outputs: AnalysisOutput[],
    run: Run,
  ): Promise<{ summary: Summary; claims: AnalysisOutput['claims']; chunks: number }> {
    const claims = outputs.flatMap((o) => o.claims);
    let summaries: Summary[] = outputs.map((o) => ({ headline: o.headline, short: o.short, bullets: o.bullets }));
    const budget = this.inputBudget(this.capabilitiesOf(this.settings.analysisModel));
    while (summaries.length > 1) {
      const groups: Summary[][] = [];
      for (const summary of summaries) {
        const group = groups.at(-1);
        if (group && group.length > 0 && estimateTokens(JSON.stringify([...group, summary])) <= budget)
          group.push(summary);
        else groups.push([summary]);
      }
      // Groups of one cannot shrink: pair them so each round halves the list at least.
      const rounds = groups.every((g) => g.length === 1)
        ? Array.from({ length: Math.ceil(summaries.length / 2) }, (_, i) => summaries.slice(2 * i, 2 * i + 2))
        : groups;
      summaries = await mapLimit(rounds, TRANSLATION_CONCURRENCY, (group) =>
        group.length === 1 ? Promise.resolve(group[0] as Summary) : this.mergeCall(input, group, run),
      );
    }
    return { summary: summaries[0] as Summary, claims, chunks: outputs.length };
  }

  private mergeCall(input: AnalysisInput, parts: Summary[], run: Run): Promise<Summary> {
    return this.call(run, 'analysis', this.settings.analysisModel, {
      name: 'summary_merge',
      system: MERGE_SYSTEM,
      user: JSON.stringify({
        title: input.title,
        parts: parts.map((o, i) => ({ part: i + 1, headline: o.headline, short: o.short, bullets: o.bullets })),
      }),
      wire: summaryWire,
      validate: summaryOutput,
      answerTokens: MERGE_ANSWER_TOKENS,
    });
  }

  /**
   * Locates each claim's evidence in the text (grown to whole tokens and
   * closing punctuation) and checks that it states what the claim states;
   * keeps the best-grounded, most check-worthy, in reading order.
   */
  private ground(text: string, raw: AnalysisOutput['claims']): { claims: Claim[]; counts: Checks['claims'] } {
    const located = raw.map((claim) => {
      const found = locate(text, claim.evidence);
      if (!found) return { ...claim, start: null, end: null, grounded: false, match: null, matchScore: null };
      const span = extendSpan(text, found);
      const evidence = text.slice(span.start, span.end);
      const unsupported = unsupportedByEvidence(claim, evidence, text.slice(0, span.end));
      return {
        ...claim,
        evidence,
        start: span.start,
        end: span.end,
        grounded: unsupported.length === 0,
        match: span.match,
        matchScore: Math.round(span.score * 1000) / 1000,
        ...(unsupported.length > 0 ? { unsupported } : {}),
      };
    });
    const seen = new Set<string>();
    const unique = located.filter((c) => {
      // One evidence may state several atomic claims; the same claim from two overlapping parts is one.
      const key = `${c.start === null ? c.evidence : `${c.start}:${c.end}`}\u0000${c.text.toLocaleLowerCase().replace(/\s+/gu, ' ').trim()}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const ungrounded = unique.filter((c) => !c.grounded).length;
    const kept = selectClaims(this.settings.dropUngrounded ? unique.filter((c) => c.grounded) : unique);
    return {
      claims: kept.map((c) => ({
        id: c.id,
        text: c.text,
        speaker: c.speaker,
        kind: c.kind,
        evidence: c.evidence,
        start: c.start,
        end: c.end,
        grounded: c.grounded,
        match: c.match,
        matchScore: c.matchScore,
        ...('unsupported' in c && c.unsupported ? { unsupported: c.unsupported } : {}),
        checkworthiness: Math.round(c.checkworthiness * 100) / 100,
        ...(c.checkworthinessReason ? { checkworthinessReason: c.checkworthinessReason } : {}),
      })),
      counts: {
        total: unique.length,
        grounded: unique.length - ungrounded,
        ungrounded,
        unsupported: unique.filter((c) => c.start !== null && !c.grounded).length,
        dropped: this.settings.dropUngrounded ? ungrounded : 0,
      },
    };
  }

  private async translate(
    lang: string,
    summary: Summary,
    claims: Claim[],
    run: Run,
    sourceLanguage: string | null,
  ): Promise<Extract<Translation, { status: 'done' }>> {
    const translated = await this.translatePiece(
      lang,
      { summary, claims: claims.map(({ id, text, speaker }) => ({ id, text, speaker })) },
      run,
      0,
      sourceLanguage,
    );
    const byId = new Map(translated.claims.map((c) => [c.id, c]));
    const done = translated.summary ?? summary;
    return {
      status: 'done',
      headline: done.headline,
      short: done.short,
      bullets: done.bullets,
      // The speaker as the target language writes the name (or the role: "the ministry").
      claims: claims.map((c) => ({
        id: c.id,
        text: byId.get(c.id)?.text ?? '',
        speaker: byId.get(c.id)?.speaker ?? c.speaker,
      })),
    };
  }

  /**
   * One translation call; an answer that hit the output cap is split (the
   * summary apart from the claims, then the claims in halves) and each piece
   * translated on its own.
   */
  private async translatePiece(
    lang: string,
    piece: TranslationPiece,
    run: Run,
    depth: number,
    sourceLanguage: string | null,
  ): Promise<TranslationPiece> {
    const name = languageName(lang);
    const detector = await loadLanguageDetector();
    const source = piece.summary ? { ...piece.summary, claims: piece.claims } : { claims: piece.claims };
    const sourceText = translatableText(source);
    // Checked as a translation, not only as a script: a failure gets the one repair request, quoting why.
    const validate = translationOutput({ bullets: piece.summary?.bullets, claims: piece.claims }).superRefine(
      (value, ctx) => {
        const output = translatableText(value as Partial<Summary> & { claims: ClaimSource[] });
        for (const message of translationProblems(sourceText, output, lang, sourceLanguage, detector)) {
          ctx.addIssue({ code: 'custom', path: [], message });
        }
      },
    );
    try {
      const value = (await this.call(run, `translation:${lang}`, this.settings.translationModel, {
        name: 'translation',
        system: translationSystem(name, lang, sourceLanguage ? languageName(sourceLanguage) : null),
        user: JSON.stringify(source),
        wire: piece.summary ? translationWire : claimsTranslationWire,
        validate,
        answerTokens: Math.max(1024, estimateTokens(JSON.stringify(source)) * 3 + 256),
      })) as Partial<Summary> & { claims: ClaimSource[] };
      return {
        ...(piece.summary
          ? { summary: { headline: value.headline ?? '', short: value.short ?? '', bullets: value.bullets ?? [] } }
          : {}),
        claims: value.claims,
      };
    } catch (error) {
      if (!isCode(error, 'LLM_OUTPUT_TRUNCATED') || depth >= MAX_SPLITS) throw error;
      const pieces: TranslationPiece[] =
        piece.summary && piece.claims.length > 0
          ? [{ summary: piece.summary, claims: [] }, { claims: piece.claims }]
          : piece.claims.length > 1
            ? [
                { claims: piece.claims.slice(0, Math.ceil(piece.claims.length / 2)) },
                { claims: piece.claims.slice(Math.ceil(piece.claims.length / 2)) },
              ]
            : [];
      if (pieces.length === 0) throw error;
      const done = await mapLimit(pieces, 2, (p) => this.translatePiece(lang, p, run, depth + 1, sourceLanguage));
      return { summary: done.find((d) => d.summary)?.summary, claims: done.flatMap((d) => d.claims) };
    }
  }
}

function emptyChecks(): Checks {
  return {
    claims: { total: 0, grounded: 0, ungrounded: 0, dropped: 0 },
    numbers: { summaryNotInArticle: [], translations: {} },
  };
}
