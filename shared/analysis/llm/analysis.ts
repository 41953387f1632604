import type { Summary } from '../../article.js';
import type { AnalysisInput } from '../ports.js';
import type { LlmCalls } from './calls.js';
import { isCode } from './errors.js';
import { type NumberedArticle, numberedText, splitRange, type TextRange } from './numbered.js';
import {
  ANALYSIS_SYSTEM,
  ANALYSIS_SYSTEM_COMPACT,
  ANALYSIS_SYSTEM_COMPACT_NO_REASONS,
  ANALYSIS_SYSTEM_NO_REASONS,
  articleMessage,
  MERGE_SYSTEM,
} from './prompts.js';
import { MAX_SPLITS, mapLimit, PARALLEL_CALLS, type Run } from './run.js';
import {
  ANALYSIS_ANSWER_TOKENS,
  type AnalysisOutput,
  analysisOutput,
  analysisWire,
  analysisWireNoReasons,
  answerBudget,
  summaryOutput,
  summaryWire,
} from './schemas.js';
import { withShort } from './short-summary.js';
import { estimateTokens } from './tokens.js';
import { promptSchema } from './wire-schema.js';

export interface AnalysisSettings {
  analysisModel: string;
  /** The answer's output cap, before room for reasoning: the most an answer's budget may be. */
  maxOutputTokens: number;
  /** Ask for each claim's check-worthiness reason (PRECIS_CLAIM_REASONS); false: the score alone. */
  claimReasons?: boolean;
}

/** What the analysis stage returns before its checks: one summary, every part's claims, how many parts. */
export interface RawAnalysis {
  summary: Summary;
  claims: AnalysisOutput['claims'];
  chunks: number;
}

/** Output budget of the merge of part summaries. */
export const MERGE_ANSWER_TOKENS = 1024;

/**
 * What an analysis prompt takes besides the article: the instructions, the
 * schema the server puts before them, and the markers and metadata line.
 */
const overhead = (system: string) =>
  estimateTokens(system) + estimateTokens(JSON.stringify(promptSchema(analysisWire))) + 200;
/** Counted at the first analysis, not at import: the schema and the estimate's patterns are built then. */
let overheadTokens: { cached: number; compact: number } | undefined;
const OVERHEAD_TOKENS = () => {
  overheadTokens ??= { cached: overhead(ANALYSIS_SYSTEM), compact: overhead(ANALYSIS_SYSTEM_COMPACT) };
  return overheadTokens;
};

/**
 * The analysis: summary and raw claims, by map-reduce.
 *
 * 1. An article within the input budget (PRECIS_MAX_INPUT_TOKENS, or what
 *    the model's context window leaves) goes in one call, its sentences
 *    numbered; a longer one is split on paragraphs (between sentences when
 *    a paragraph is too long) and each part analysed, its sentences keeping
 *    their numbers in the whole article.
 * 2. A part whose answer hits its output cap is asked once more with the
 *    cap raised; if it still does not fit, it is split in two and each half
 *    analysed, up to MAX_SPLITS deep.
 * 3. The parts' summaries are merged, in groups that fit one call; the
 *    short summary is made from the bullets (short-summary.ts).
 * 4. A server that refuses the prompt as longer than its context, or cuts
 *    it, is taken at its word once: its window is learnt and the article
 *    split to fit it.
 */
export class Analyser {
  constructor(
    private readonly calls: LlmCalls,
    private readonly settings: AnalysisSettings,
  ) {}

  /** Article tokens one analysis call of an article in `language` may carry now, beside its instructions and schema. */
  inputBudget(language: string | null): number {
    const answer = answerBudget(ANALYSIS_ANSWER_TOKENS, language, this.settings.maxOutputTokens);
    const model = this.settings.analysisModel;
    return this.calls.inputBudget(
      model,
      answer,
      OVERHEAD_TOKENS()[this.calls.cachingPays(model) ? 'cached' : 'compact'],
    );
  }

  /** The instructions: the long ones, cached, where caching pays; else the compact ones; with the claims' reasons or not. */
  private system(): string {
    const cached = this.calls.cachingPays(this.settings.analysisModel);
    if (this.settings.claimReasons === false) {
      return cached ? ANALYSIS_SYSTEM_NO_REASONS : ANALYSIS_SYSTEM_COMPACT_NO_REASONS;
    }
    return cached ? ANALYSIS_SYSTEM : ANALYSIS_SYSTEM_COMPACT;
  }

  /**
   * The article's summary and raw claims, its sentences numbered as the
   * model reads them (numbered.ts); each claim cites sentence numbers of the
   * whole article, whatever part it came from.
   */
  async analyse(input: AnalysisInput, article: NumberedArticle, run: Run): Promise<RawAnalysis> {
    const model = this.settings.analysisModel;
    await this.calls.knowledge.ready(model);
    for (let attempt = 0; ; attempt++) {
      const parts = splitRange(article, { start: 0, end: article.text.length }, this.inputBudget(input.language));
      try {
        const outputs = (
          await mapLimit(parts, PARALLEL_CALLS, (part, i) =>
            this.analysePart(
              input,
              article,
              part,
              parts.length > 1 ? { index: i + 1, of: parts.length } : undefined,
              run,
              0,
            ),
          )
        ).flat();
        return await this.merge(input, outputs, run);
      } catch (error) {
        const tooLong = isCode(error, 'LLM_CONTEXT_TRUNCATED') && error.contextLimit !== undefined;
        if (!tooLong || attempt > 0) throw error;
        const caps = this.calls.capabilitiesOf(model);
        this.calls.knowledge.learnContext(model, error.contextLimit ?? Math.floor(caps.contextTokens / 2));
      }
    }
  }

  /** One part's analysis: raised once, then split, when its answer does not fit. */
  private async analysePart(
    input: AnalysisInput,
    article: NumberedArticle,
    range: TextRange,
    part: { index: number; of: number } | undefined,
    run: Run,
    depth: number,
    raisedCap?: number,
  ): Promise<AnalysisOutput[]> {
    const model = this.settings.analysisModel;
    const request = {
      name: 'article_analysis',
      system: this.system(),
      user: articleMessage(numberedText(article, range), {
        title: input.title,
        publishedAt: input.publishedAt,
        part,
      }),
      wire: this.settings.claimReasons === false ? analysisWireNoReasons : analysisWire,
      validate: analysisOutput,
      answerTokens: answerBudget(ANALYSIS_ANSWER_TOKENS, input.language, this.settings.maxOutputTokens),
      ...(raisedCap ? { maxOutputTokens: raisedCap } : {}),
    };
    try {
      return [await this.calls.call(run, 'analysis', model, request)];
    } catch (error) {
      if (!isCode(error, 'LLM_OUTPUT_TRUNCATED')) throw error;
      if (depth === 0 && !raisedCap) {
        const raised = this.calls.raisedCap(model, request.answerTokens, request);
        if (raised) return this.analysePart(input, article, range, part, run, depth, raised);
      }
      if (depth >= MAX_SPLITS) throw error;
      const size = estimateTokens(numberedText(article, range));
      const halves = splitRange(article, range, Math.ceil(size / 2));
      if (halves.length < 2) throw error;
      const outputs = await mapLimit(halves, 2, (half) =>
        this.analysePart(input, article, half, part ?? { index: 1, of: 1 }, run, depth + 1),
      );
      return outputs.flat();
    }
  }

  /**
   * One summary from the parts' summaries. When they do not fit one call
   * (many parts, a small context window), they are merged in consecutive
   * groups that fit, and the groups' summaries merged again.
   */
  private async merge(input: AnalysisInput, outputs: AnalysisOutput[], run: Run): Promise<RawAnalysis> {
    const claims = outputs.flatMap((o) => o.claims);
    let summaries: Summary[] = outputs.map((o) => withShort(o, input.language));
    const budget = this.inputBudget(input.language);
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
      summaries = await mapLimit(rounds, PARALLEL_CALLS, (group) =>
        group.length === 1 ? Promise.resolve(group[0] as Summary) : this.mergeCall(input, group, run),
      );
    }
    return { summary: summaries[0] as Summary, claims, chunks: outputs.length };
  }

  private async mergeCall(input: AnalysisInput, parts: Summary[], run: Run): Promise<Summary> {
    const merged = await this.calls.call(run, 'analysis', this.settings.analysisModel, {
      name: 'summary_merge',
      system: MERGE_SYSTEM,
      user: JSON.stringify({
        title: input.title,
        parts: parts.map((o, i) => ({ part: i + 1, headline: o.headline, bullets: o.bullets })),
      }),
      wire: summaryWire,
      validate: summaryOutput,
      answerTokens: MERGE_ANSWER_TOKENS,
    });
    return withShort(merged, input.language);
  }
}
