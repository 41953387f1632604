import type { Faithfulness, Summary, SummaryCheck } from '../../article.js';
import { withoutAllowedDates } from '../checks/dates.js';
import { type ArticleSupport, unsupportedByEvidence } from '../checks/grounding.js';
import { figuresAbsentFrom } from '../checks/numbers.js';
import { sentencesOf } from '../checks/verify.js';
import type { AnalysisInput } from '../ports.js';
import { summarize } from '../summarize.js';
import { bounded } from './answer-bounds.js';
import type { LlmCalls } from './calls.js';
import { type NumberedArticle, spanOf } from './numbered.js';
import { articleMessage, JUDGE_SYSTEM, SUMMARY_REPAIR_SYSTEM, summaryRepairMessage } from './prompts.js';
import { asSentences, type Run, summaryText } from './run.js';
import { type AnalysisOutput, judgeWire, summaryOutput, summaryWire } from './schemas.js';
import type { LocatedClaim } from './selection.js';
import { withShort } from './short-summary.js';
import { estimateTokens } from './tokens.js';

export interface CheckSettings {
  analysisModel: string;
  /** The answer's output cap, before room for reasoning. */
  maxOutputTokens: number;
}

/** Output budget of a summary repair. */
const REPAIR_ANSWER_TOKENS = 1024;

/**
 * The checks of the model's answer against its article, which accept what
 * the prompt asks for (a date worked out from the publication time, a name
 * the article gives anywhere) and nothing the article lacks:
 *
 * - grounding: each claim's evidence taken from the sentences it cites, and
 *   checked to state the claim's figures, its names found in the article;
 * - figures: a summary field with a figure the article lacks gets one repair
 *   request, then is replaced by the offline engine's text;
 * - the judge (PRECIS_VERIFY=llm): the model's verdict on each summary
 *   sentence.
 */
export class AnswerChecks {
  constructor(
    private readonly calls: LlmCalls,
    private readonly settings: CheckSettings,
  ) {}

  /**
   * Takes each claim's evidence from the sentences it cites (its span and
   * offsets are the article's own, exact by construction) and checks that
   * it states what the claim states: its figures, and its names found in
   * the article. A claim that cites no sentence of the article (or only
   * sentences past MAX_SENTENCE_BYTES, see spanOf) has no evidence and no
   * offsets, and is ungrounded.
   */
  ground(article: NumberedArticle, raw: AnalysisOutput['claims'], support: ArticleSupport): LocatedClaim[] {
    return raw.map(({ sentences, ...claim }) => {
      const span = spanOf(article, sentences);
      if (!span)
        return { ...claim, evidence: '', start: null, end: null, grounded: false, match: null, matchScore: null };
      const evidence = article.text.slice(span.start, span.end);
      const unsupported = unsupportedByEvidence(claim, evidence, support);
      return {
        ...claim,
        evidence,
        start: span.start,
        end: span.end,
        grounded: unsupported.length === 0,
        match: 'exact' as const,
        matchScore: 1,
        ...(unsupported.length > 0 ? { unsupported } : {}),
      };
    });
  }

  /** The figures of a text that its article lacks, a date the article allows aside. */
  absentFigures(input: AnalysisInput, support: ArticleSupport): (text: string) => string[] {
    const absent = figuresAbsentFrom(input.text);
    return (text) => absent(withoutAllowedDates(text, support.dates, support.reader));
  }

  /** The summary's check when no figure of it is absent from the article: settled without a call; null otherwise. */
  settledSummary(
    input: AnalysisInput,
    summary: Summary,
    support: ArticleSupport,
  ): { summary: Summary; summaryCheck: SummaryCheck } | null {
    if (this.absentFigures(input, support)(summaryText(summary)).length > 0) return null;
    return { summary, summaryCheck: { verified: true, unsupportedFigures: [] } };
  }

  /**
   * The summary with no figure the article lacks. A summary whose headline
   * or bullets (and so its short) carry one gets one repair request that quotes
   * the figures (when the article fits one call); a field that still carries
   * one is replaced by the offline engine's text for it, and the check says
   * which. A repair that fails counts as not repaired.
   */
  async checkedSummary(
    input: AnalysisInput,
    summary: Summary,
    run: Run,
    support: ArticleSupport,
  ): Promise<{ summary: Summary; summaryCheck: SummaryCheck }> {
    const settled = this.settledSummary(input, summary, support);
    if (settled) return settled;
    const absent = this.absentFigures(input, support);
    const bad = absent(summaryText(summary));
    const model = this.settings.analysisModel;
    let repaired: Summary | null = null;
    if (this.fitsOneCall(input)) {
      try {
        const answer = await this.calls.call(run, 'analysis', model, {
          name: 'summary_repair',
          system: SUMMARY_REPAIR_SYSTEM,
          user: summaryRepairMessage(input.text, input, summary, bad),
          wire: summaryWire,
          validate: summaryOutput,
          answerTokens: REPAIR_ANSWER_TOKENS,
        });
        repaired = withShort(answer, input.language);
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
    // The short is made again from the bullets kept, so it carries no figure they lost.
    const fixed: Summary = withShort(
      {
        headline: keep('headline', candidate.headline, offline.headline) ?? offline.headline,
        // A bullet with no offline counterpart is dropped rather than kept wrong.
        bullets: candidate.bullets
          .map((bullet, i) => keep(`bullets.${i}`, bullet, offline.bullets[i]))
          .filter((b): b is string => b !== null),
      },
      input.language,
    );
    return {
      summary: fixed,
      summaryCheck: { verified: false, unsupportedFigures: bad, repaired: repaired !== null, replaced },
    };
  }

  /**
   * The model's judgement of each summary sentence against the article
   * (entailment), billed to the `verification` stage. An article that does
   * not fit one call is judged on nothing: the judge says so.
   */
  async judged(input: AnalysisInput, summary: Summary, run: Run): Promise<NonNullable<Faithfulness['judge']>> {
    const model = this.settings.analysisModel;
    const sentences = sentencesOf(asSentences(summary));
    if (!this.fitsOneCall(input)) {
      return {
        model,
        supported: true,
        unsupported: [{ text: '', reason: 'The article is too long to judge in one call.' }],
      };
    }
    const verdict = await this.calls.call(run, 'verification', model, {
      name: 'summary_judge',
      system: JUDGE_SYSTEM,
      user: `${articleMessage(input.text, input)}\n\nSummary sentences (JSON): ${JSON.stringify(sentences.map((text, i) => ({ index: i + 1, text })))}`,
      wire: judgeWire,
      validate: judgeWire,
      answerTokens: Math.min(this.settings.maxOutputTokens, 200 + 80 * sentences.length),
    });
    // One verdict a sentence of the summary, the first given: a judge that answers ten thousand verdicts, or
    // for sentences the summary does not have, fills no record (answer-bounds.ts).
    const judged = new Map<number, { supported: boolean; reason: string }>();
    for (const s of verdict.sentences) {
      if (Number.isInteger(s.index) && s.index >= 1 && s.index <= sentences.length && !judged.has(s.index))
        judged.set(s.index, s);
    }
    const unsupported = [...judged]
      .filter(([, s]) => !s.supported)
      .map(([index, s]) => ({ text: sentences[index - 1] ?? '', reason: bounded('reason', s.reason) }));
    return { model, supported: unsupported.length === 0, unsupported };
  }

  private fitsOneCall(input: AnalysisInput): boolean {
    const model = this.settings.analysisModel;
    return estimateTokens(input.text) <= this.calls.inputBudget(model, this.settings.maxOutputTokens);
  }
}
