import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { AnalysisResult, Checks, Claim, Provenance, Summary, Translation } from '../../article.js';
import { PrecisError } from '../../errors.js';
import { inputIdentity } from '../cache.js';
import { type ArticleSupport, articleSupport } from '../checks/grounding.js';
import { compareFigures } from '../checks/numbers.js';
import { verifySummary } from '../checks/verify.js';
import type {
  AnalysisEngine,
  AnalysisInput,
  AnalysisOptions,
  AnswerStore,
  KeptAnswer,
  ModelDirectory,
} from '../ports.js';
import { UsageMeter } from '../usage.js';
import { Analyser } from './analysis.js';
import {
  boundedChecks,
  boundedClaim,
  boundedJudge,
  boundedResult,
  boundedSummary,
  boundedTranslation,
  judgedSentences,
  leftOutForRoom,
  translationsThatFit,
} from './answer-bounds.js';
import { AnswerChecks } from './answer-checks.js';
import { ArticleBudget } from './budget.js';
import { type CallLayerSettings, LlmCalls } from './calls.js';
import { type KnowledgeSettings, ModelKnowledge } from './knowledge.js';
import { LatestSave } from './latest-save.js';
import { type ReasoningEffort, shutdownNotice } from './models.js';
import { type NumberedArticle, numberArticle } from './numbered.js';
import { PROMPT_VERSION } from './prompts.js';
import { asSentences, emptyChecks, mapLimit, PARALLEL_CALLS, type Run, summaryText, translatableText } from './run.js';
import { keepClaims } from './selection.js';
import { Translator } from './translator.js';
import type { OutputMode, Transport } from './transport.js';

export type { AnswerStore, KeptAnswer } from '../ports.js';

export interface LlmEngineSettings extends CallLayerSettings, KnowledgeSettings {
  analysisModel: string;
  translationModel: string;
  /** The answer's output cap, before room for reasoning. */
  maxOutputTokens: number;
  /** All calls of one article together. */
  budgetMs: number;
  /** The article's ceiling, over all its deliveries. */
  maxCallsPerArticle: number;
  maxCostPerArticle: number;
  dropUngrounded: boolean;
  /** Ask for each claim's check-worthiness reason (PRECIS_CLAIM_REASONS); false: the score alone. */
  claimReasons?: boolean;
  /**
   * The effort translations are asked at (PRECIS_TRANSLATION_EFFORT), as the
   * nearest the model takes; undefined: the analysis's. Translating needs no
   * reasoning, and a reasoning model's default would bill it in every language.
   */
  translationEffort?: ReasoningEffort;
  /** Ask the model to judge each summary sentence against the article (PRECIS_VERIFY=llm). */
  judge?: boolean;
  /** Where the engine says what a user should know once (a model shutting down, an unpriced model, an effort not taken). */
  warn?: (message: string) => void;
  /** Where the analysis answer is kept by prompt the moment it arrives (see AnswerStore). */
  answers?: AnswerStore;
  /** The server's model list: context windows and shutdown dates where it gives them. */
  directory?: ModelDirectory;
  /** Today, for shutdown dates (tests). */
  now?: () => Date;
}

const MODE_ORDER: OutputMode[] = ['json_schema', 'json_object', 'prompt'];

/**
 * The analysis port on an OpenAI-compatible LLM.
 *
 * 1. The summary and raw claims come from the analysis (analysis.ts:
 *    map-reduce), kept by prompt as soon as they arrive (AnswerStore); the
 *    summary's figures are checked, and repaired or replaced, and the judge
 *    asked when configured (answer-checks.ts), each kept as it is settled.
 * 2. Each claim's evidence is taken from the sentences it cites and checked
 *    against the article; ungrounded claims are flagged or dropped; the
 *    policy selects the rest (selection.ts).
 * 3. One call per target language translates the summary and claims
 *    (translator.ts); a failed language makes the result PARTIAL, and a
 *    later delivery retries only those.
 * 4. Every call goes through the call layer (calls.ts): requests as the
 *    model takes them, the article's ceiling on calls and spend, usage
 *    counted by stage as it arrives, with its cost.
 */
export class LlmEngine implements AnalysisEngine {
  readonly name = 'openai';
  readonly calls: LlmCalls;
  private readonly analyser: Analyser;
  private readonly checker: AnswerChecks;
  private readonly translator: Translator;

  constructor(
    transports: { chat: Transport; responses: Transport },
    private readonly settings: LlmEngineSettings,
  ) {
    const now = settings.now ?? (() => new Date());
    const knowledge = new ModelKnowledge(settings, settings.directory, settings.warn, now);
    this.calls = new LlmCalls(transports, knowledge, settings);
    this.analyser = new Analyser(this.calls, settings);
    this.checker = new AnswerChecks(this.calls, settings);
    this.translator = new Translator(this.calls, settings.translationModel, settings.translationEffort);
    // Configuration is read at cold start: a model shut down, or shutting down within 30 days, is said then.
    for (const model of new Set([settings.analysisModel, settings.translationModel])) {
      const notice = shutdownNotice(model, knowledge.capabilitiesOf(model).shutdown, now());
      if (notice) knowledge.warnOnce(`shutdown:${model}`, notice);
    }
  }

  /** What makes two analyses of the same input interchangeable: the cache key besides the input itself. */
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
      // Only when off, so that the analyses kept before it existed still match.
      ...(s.claimReasons === false ? ['no-reasons'] : []),
      s.translationEffort ?? null,
    ]);
  }

  /** A result this engine made, kept (the analysis cache, a syndicated copy's): its texts bounded as an answer read now is. */
  reread(result: AnalysisResult, language: string | null): AnalysisResult {
    return boundedResult(result, language);
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    const started = Date.now();
    const meter = options.meter ?? new UsageMeter(options.previous?.usage);
    const spent = UsageMeter.sum(meter.usage);
    const run: Run = {
      meter,
      signal: AbortSignal.any(
        [options.signal, AbortSignal.timeout(this.settings.budgetMs)].filter((s): s is AbortSignal => Boolean(s)),
      ),
      deadline: Math.min(options.deadline ?? Number.POSITIVE_INFINITY, started + this.settings.budgetMs),
      budget: new ArticleBudget(
        { maxCalls: this.settings.maxCallsPerArticle, maxCostUsd: this.settings.maxCostPerArticle },
        { calls: spent.calls ?? 0, costUsd: spent.costUsd },
      ),
      modes: new Set(),
    };
    // Every call of the article listens on its signal (a long article makes dozens).
    setMaxListeners(0, run.signal);

    const previous = options.previous?.provenance.engine === this.name ? options.previous : undefined;
    // An earlier delivery's texts, bounded as an answer read now is (answer-bounds.ts): it may predate the bounds.
    const previousSummary = previous ? boundedSummary(previous.summary, input.language) : undefined;
    const analysed =
      previous && previousSummary
        ? {
            summary: previousSummary,
            claims: previous.claims.map(boundedClaim),
            checks: previous.checks ? boundedChecks(previous.checks, previousSummary) : emptyChecks(),
            chunks: previous.provenance.chunks ?? 1,
          }
        : await this.checkedAnalysis(input, run, options.fresh);
    const { summary, claims, checks, chunks } = analysed;

    const translations: Record<string, Translation> = {};
    // What is paid for is handed to the caller as it arrives, one save after another (LatestSave).
    const onProgress = options.onProgress;
    const saves = onProgress ? new LatestSave(onProgress) : null;
    const progress = () => {
      if (!saves) return;
      const waiting = options.targetLanguages.map((lang) => [
        lang,
        { status: 'failed', reason: 'Not translated yet.' },
      ]);
      saves.offer({
        status: 'PARTIAL',
        summary,
        claims,
        translations: translationsThatFit(
          { summary, claims, translations: { ...Object.fromEntries(waiting), ...structuredClone(translations) } },
          options.targetLanguages,
        ),
        usage: run.meter.usage,
        checks: structuredClone(checks),
        provenance: this.provenance(run, chunks, options.previous),
      });
    };
    const pending: string[] = [];
    for (const lang of options.targetLanguages) {
      const before = options.previous?.translations[lang];
      // One the record had no room for is not paid for again: it would not fit again.
      if (before?.status === 'done') translations[lang] = boundedTranslation(before, lang);
      else if (leftOutForRoom(before)) translations[lang] = before as Translation;
      else if (lang === input.language)
        translations[lang] = {
          status: 'done',
          ...summary,
          claims: claims.map(({ id, text, speaker }) => ({ id, text, speaker })),
        };
      else pending.push(lang);
    }
    if (!previous) progress();
    await mapLimit(pending, PARALLEL_CALLS, async (lang) => {
      try {
        const translation = await this.translator.translate(lang, summary, claims, run, input.language);
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

    await saves?.settled();
    // What the record has room for, in the order the languages were asked (answer-bounds.ts).
    const kept = translationsThatFit({ summary, claims, translations }, options.targetLanguages);
    const failed = Object.values(kept).some((t) => t.status !== 'done');
    return {
      status: failed ? 'PARTIAL' : 'DONE',
      summary,
      claims,
      translations: kept,
      usage: run.meter.usage,
      checks,
      provenance: this.provenance(run, chunks, options.previous),
    };
  }

  /** The summary and claims of an input, checked: from the kept answer, or paid for now. */
  private async checkedAnalysis(
    input: AnalysisInput,
    run: Run,
    fresh: string | undefined,
  ): Promise<{ summary: Summary; claims: Claim[]; checks: Checks; chunks: number }> {
    const support = await articleSupport(input);
    const article = numberArticle(input.text, input.language);
    const { answer, figuresChecked } = await this.keptAnswer(input, article, run, fresh, support);
    const grounded = keepClaims(this.checker.ground(article, answer.claims, support), this.settings.dropUngrounded);
    const dates = { allowed: support.dates, reader: support.reader };
    return {
      summary: answer.summary,
      claims: grounded.claims,
      chunks: answer.chunks,
      checks: {
        ...(answer.summaryCheck ? { summary: answer.summaryCheck } : {}),
        faithfulness: {
          ...verifySummary(input.text, asSentences(answer.summary), undefined, dates),
          ...(answer.judge ? { judge: answer.judge } : {}),
        },
        claims: grounded.counts,
        numbers: {
          // Found clean by this run's own check of this very summary: not read through again.
          summaryNotInArticle: figuresChecked
            ? []
            : this.checker.absentFigures(input, support)(summaryText(answer.summary)),
          translations: {},
        },
      },
    };
  }

  /**
   * The analysis answer kept for this prompt (the input, its metadata and
   * the analysis settings, and this fresh run if one was asked for), or a
   * new one, kept before anything else is done with it. The figure check
   * may pay for a repair, the judge for its call: what each settles is kept
   * too, so no delivery pays for it again. `figuresChecked`: this run
   * checked the summary it returns and found no figure the article lacks.
   */
  private async keptAnswer(
    input: AnalysisInput,
    article: NumberedArticle,
    run: Run,
    fresh: string | undefined,
    support: ArticleSupport,
  ): Promise<{ answer: KeptAnswer; figuresChecked: boolean }> {
    const s = this.settings;
    const store = s.answers;
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          ...inputIdentity(input),
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
    const kept = (await store?.get(key).catch(() => null)) ?? null;
    // Kept before the bounds, perhaps: its texts bounded as the answer's read now are (answer-bounds.ts).
    let answer = kept && boundedAnswer(kept, input.language);
    let figuresChecked = false;
    if (!answer) {
      const paid = await this.analyser.analyse(input, article, run);
      // A summary whose figures are all in the article is settled without a call: its check goes in the same
      // write, rather than in a second one of the whole answer again.
      const settled = this.checker.settledSummary(input, paid.summary, support);
      figuresChecked = settled !== null;
      answer = await keep({ ...paid, ...settled });
    }
    if (!answer.summaryCheck) {
      const checked = await this.checker.checkedSummary(input, answer.summary, run, support);
      figuresChecked = checked.summaryCheck.verified;
      answer = await keep({ ...answer, ...checked });
    }
    if (s.judge && !answer.judge)
      answer = await keep({ ...answer, judge: await this.checker.judged(input, answer.summary, run) });
    return { answer, figuresChecked };
  }

  private provenance(
    run: Run,
    chunks: number,
    previous: AnalysisResult | undefined,
  ): Omit<Provenance, 'cleanerVersion'> {
    const s = this.settings;
    const caps = this.calls.capabilitiesOf(s.analysisModel);
    // The weakest mode any call needed; a retry that made no call keeps what the first delivery used.
    const outputMode =
      MODE_ORDER.filter((m) => run.modes.has(m)).at(-1) ??
      previous?.provenance.llm?.outputMode ??
      this.calls.modeOf(s.analysisModel);
    return {
      engine: this.name,
      model: s.analysisModel,
      ...(s.translationModel !== s.analysisModel ? { translationModel: s.translationModel } : {}),
      promptVersion: PROMPT_VERSION,
      chunks,
      // A retry that made no call keeps what the first delivery was answered by.
      ...(run.stub || previous?.provenance.stub ? { stub: true } : {}),
      llm: {
        api: this.calls.apiOf(caps),
        provider: s.provider,
        outputMode,
        reasoningEffort: this.calls.effortSent(s.analysisModel) ?? null,
      },
    };
  }
}

/** An answer kept by prompt, its texts bounded as the schemas bound them as an answer is read (answer-bounds.ts). */
function boundedAnswer(answer: KeptAnswer, language: string | null): KeptAnswer {
  const summary = boundedSummary(answer.summary, language);
  return {
    ...answer,
    summary,
    claims: answer.claims.map(boundedClaim),
    ...(answer.judge ? { judge: boundedJudge(answer.judge, judgedSentences(summary)) } : {}),
  };
}
