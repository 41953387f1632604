import type OpenAI from 'openai';
import type { AnalysisResult, Checks, Claim, StageUsage, Summary, Translation } from '../../article.js';
import { PrecisError } from '../../errors.js';
import { scriptShare } from '../../scripts.js';
import { locate } from '../checks/grounding.js';
import { compareFigures, unsupportedFigures } from '../checks/numbers.js';
import { selectClaims } from '../claim-policy.js';
import type { AnalysisEngine, AnalysisInput, AnalysisOptions } from '../engine.js';
import { chunkText, tokenCount } from './chunking.js';
import { costOf, type Price, priceOf } from './prices.js';
import { ANALYSIS_SYSTEM, articleMessage, MERGE_SYSTEM, PROMPT_VERSION, translationSystem } from './prompts.js';
import {
  type AnalysisOutput,
  analysisOutput,
  analysisWire,
  summaryOutput,
  summaryWire,
  translationOutput,
  translationWire,
} from './schemas.js';
import { addUsage, type CallUsage, StructuredCaller } from './structured.js';

export interface LlmEngineSettings {
  analysisModel: string;
  translationModel: string;
  reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high';
  /** All calls of one article together. */
  budgetMs: number;
  /** Articles over this many tokens are analysed in parts. */
  maxInputTokens: number;
  dropUngrounded: boolean;
  prices: Record<string, Price>;
}

/** Tokens the instructions and markers take besides the article. */
const PROMPT_OVERHEAD_TOKENS = 700;
const TRANSLATION_CONCURRENCY = 3;

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

const summaryText = (s: Summary) => [s.headline, s.short, ...s.bullets].join('\n');

/** Runs `run` over the items, at most `limit` at a time, keeping their order. */
async function mapLimit<T, R>(items: T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The analysis port on an OpenAI-compatible LLM.
 *
 * 1. One structured call returns the summary and the claims; an article over
 *    the input budget is analysed part by part and the summaries merged.
 * 2. Each claim's evidence is located in the text (exact, normalised, fuzzy);
 *    ungrounded claims are flagged or dropped.
 * 3. The summary's figures are checked against the article.
 * 4. One call per target language translates the summary and claims; each
 *    translation is checked for its script and its figures. A failed
 *    language makes the result PARTIAL; a later call retries only those.
 * 5. Tokens and cost are counted per stage.
 */
export class LlmEngine implements AnalysisEngine {
  readonly name = 'openai';
  private readonly caller: StructuredCaller;

  constructor(
    client: OpenAI,
    private readonly settings: LlmEngineSettings,
  ) {
    this.caller = new StructuredCaller(client, { reasoningEffort: settings.reasoningEffort });
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
    ]);
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    const signal = AbortSignal.any(
      [options.signal, AbortSignal.timeout(this.settings.budgetMs)].filter((s): s is AbortSignal => Boolean(s)),
    );
    const usage: Record<string, StageUsage> = { ...(options.previous?.usage ?? {}) };
    const record = (stage: string, model: string, call: CallUsage) => {
      const before = usage[stage];
      const total = addUsage(
        { inputTokens: before?.inputTokens ?? 0, outputTokens: before?.outputTokens ?? 0, cachedInputTokens: 0 },
        call,
      );
      const cost = costOf(priceOf(model, this.settings.prices), call);
      usage[stage] = {
        inputTokens: total.inputTokens,
        outputTokens: total.outputTokens,
        costUsd: cost === null ? null : Math.round(((before?.costUsd ?? 0) + cost) * 1e8) / 1e8,
      };
    };

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
      const analysed = await this.analyseText(input, signal, (call) =>
        record('analysis', this.settings.analysisModel, call),
      );
      summary = analysed.summary;
      chunks = analysed.chunks;
      const grounded = this.ground(input.text, analysed.claims);
      claims = grounded.claims;
      checks = {
        claims: grounded.counts,
        numbers: { summaryNotInArticle: unsupportedFigures(summaryText(summary), input.text), translations: {} },
      };
    }

    const translations: Record<string, Translation> = {};
    const pending: string[] = [];
    for (const lang of options.targetLanguages) {
      const before = previous?.translations[lang];
      if (before?.status === 'done') translations[lang] = before;
      else if (lang === input.language)
        translations[lang] = { status: 'done', ...summary, claims: claims.map(({ id, text }) => ({ id, text })) };
      else pending.push(lang);
    }
    await mapLimit(pending, TRANSLATION_CONCURRENCY, async (lang) => {
      try {
        const translation = await this.translate(lang, summary, claims, signal, (call) =>
          record(`translation:${lang}`, this.settings.translationModel, call),
        );
        translations[lang] = translation;
        const source = [summaryText(summary), ...claims.map((c) => c.text)].join('\n');
        const target = [summaryText(translation), ...translation.claims.map((c) => c.text)].join('\n');
        checks.numbers.translations[lang] = compareFigures(source, target);
      } catch (error) {
        const reason = error instanceof PrecisError ? `${error.code}: ${error.message}` : 'The translation failed.';
        translations[lang] = { status: 'failed', reason };
      }
    });

    const failed = Object.values(translations).some((t) => t.status !== 'done');
    return {
      status: failed ? 'PARTIAL' : 'DONE',
      summary,
      claims,
      translations,
      usage,
      checks,
      provenance: {
        engine: this.name,
        model: this.settings.analysisModel,
        ...(this.settings.translationModel !== this.settings.analysisModel
          ? { translationModel: this.settings.translationModel }
          : {}),
        promptVersion: PROMPT_VERSION,
        chunks,
      },
    };
  }

  /** Summary and raw claims: one call, or one per part and a merge when the article is over budget. */
  private async analyseText(
    input: AnalysisInput,
    signal: AbortSignal,
    count: (usage: CallUsage) => void,
  ): Promise<{ summary: Summary; claims: AnalysisOutput['claims']; chunks: number }> {
    const model = this.settings.analysisModel;
    const budget = Math.max(200, this.settings.maxInputTokens - PROMPT_OVERHEAD_TOKENS);
    const parts = tokenCount(input.text) <= budget ? [input.text] : chunkText(input.text, budget, input.language);
    const outputs = await mapLimit(parts, TRANSLATION_CONCURRENCY, async (part, i) => {
      const result = await this.caller.call({
        model,
        name: 'article_analysis',
        system: ANALYSIS_SYSTEM,
        user: articleMessage(part, {
          title: input.title,
          part: parts.length > 1 ? { index: i + 1, of: parts.length } : undefined,
        }),
        wire: analysisWire,
        validate: analysisOutput,
        signal,
      });
      count(result.usage);
      return result.value;
    });
    const claims = outputs.flatMap((o) => o.claims);
    if (outputs.length === 1) {
      const [only] = outputs as [AnalysisOutput];
      return { summary: { headline: only.headline, short: only.short, bullets: only.bullets }, claims, chunks: 1 };
    }
    const merged = await this.caller.call({
      model,
      name: 'summary_merge',
      system: MERGE_SYSTEM,
      user: JSON.stringify({
        title: input.title,
        parts: outputs.map((o, i) => ({ part: i + 1, headline: o.headline, short: o.short, bullets: o.bullets })),
      }),
      wire: summaryWire,
      validate: summaryOutput,
      signal,
    });
    count(merged.usage);
    return { summary: merged.value, claims, chunks: parts.length };
  }

  /** Locates each claim's evidence in the text; keeps the best-grounded, most check-worthy, in reading order. */
  private ground(text: string, raw: AnalysisOutput['claims']): { claims: Claim[]; counts: Checks['claims'] } {
    const located = raw.map((claim) => {
      const span = locate(text, claim.evidence);
      return span
        ? { ...claim, evidence: text.slice(span.start, span.end), start: span.start, end: span.end, grounded: true }
        : { ...claim, start: null, end: null, grounded: false };
    });
    const seen = new Set<string>();
    const unique = located.filter((c) => {
      const key = c.grounded ? `${c.start}:${c.end}` : c.evidence;
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
        checkworthiness: Math.round(c.checkworthiness * 100) / 100,
      })),
      counts: {
        total: unique.length,
        grounded: unique.length - ungrounded,
        ungrounded,
        dropped: this.settings.dropUngrounded ? ungrounded : 0,
      },
    };
  }

  private async translate(
    lang: string,
    summary: Summary,
    claims: Claim[],
    signal: AbortSignal,
    count: (usage: CallUsage) => void,
  ): Promise<Extract<Translation, { status: 'done' }>> {
    const source = { ...summary, claims: claims.map(({ id, text }) => ({ id, text })) };
    const name = languageName(lang);
    const validate = translationOutput(source).superRefine((value, ctx) => {
      const text = [value.headline, value.short, ...value.bullets, ...value.claims.map((c) => c.text)].join(' ');
      if (scriptShare(text, lang) < 0.5) {
        ctx.addIssue({ code: 'custom', path: [], message: `must be written in ${name}, in its script` });
      }
    });
    const model = this.settings.translationModel;
    const result = await this.caller.call({
      model,
      name: 'translation',
      system: translationSystem(name, lang),
      user: JSON.stringify(source),
      wire: translationWire,
      validate,
      signal,
    });
    count(result.usage);
    const byId = new Map(result.value.claims.map((c) => [c.id, c.text]));
    return {
      status: 'done',
      headline: result.value.headline,
      short: result.value.short,
      bullets: result.value.bullets,
      claims: claims.map((c) => ({ id: c.id, text: byId.get(c.id) ?? '' })),
    };
  }
}

function emptyChecks(): Checks {
  return {
    claims: { total: 0, grounded: 0, ungrounded: 0, dropped: 0 },
    numbers: { summaryNotInArticle: [], translations: {} },
  };
}
