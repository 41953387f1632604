import type { AnalysisResult, Claim, Translation } from '../article.js';
import { type ArticleSupport, articleSupport } from './checks/grounding.js';
import { figures, figuresAbsentFrom } from './checks/numbers.js';
import { verifySummary } from './checks/verify.js';
import { asSentences } from './llm/run.js';
import type { AnalysisInput, AnalysisOptions, FingerprintedEngine, SketchIndex, SyndicationEntry } from './ports.js';
import { bandKeys, type Sketch, similarity, sketchOf } from './sketch.js';

/**
 * The least estimated similarity (sketch.ts) at which an article is taken
 * for a copy of an earlier one: chosen on variants of the dev articles
 * (scripts/eval-syndication.ts, README "Syndicated stories").
 */
export const SYNDICATION_THRESHOLD = 0.65;

/** The day of a publication time as written (its own offset), or null. */
const dayOf = (publishedAt: string | null) => publishedAt?.slice(0, 10) ?? null;

/** The figures of a text as written, each as often as it occurs. */
const figureTexts = (text: string) => figures(text).map((f) => f.text);

/** The longest line, in words, whose new figures are taken for furniture (a dateline, "Updated 10:42 GMT", a copyright). */
const FURNITURE_WORDS = 12;

/**
 * Whether `copy` states the figures of `original` and no other, except in
 * lines as short as furniture: every figure of the original as often, and
 * any figure the original lacks only in a line of FURNITURE_WORDS words or
 * fewer.
 */
function sameFigures(original: readonly string[], copy: string): boolean {
  const lines = copy.split(/\n+/);
  const long = lines.filter((line) => line.split(/\s+/).filter(Boolean).length > FURNITURE_WORDS);
  return within(long.flatMap(figureTexts), original) && within(original, lines.flatMap(figureTexts));
}

/** Whether each item of `some` is in `all` as often (multisets). */
function within(some: readonly string[], all: readonly string[]): boolean {
  const left = new Map<string, number>();
  for (const f of all) left.set(f, (left.get(f) ?? 0) + 1);
  for (const f of some) {
    const n = left.get(f) ?? 0;
    if (n === 0) return false;
    left.set(f, n - 1);
  }
  return true;
}

/**
 * An earlier analysis made to fit a near copy of its text, or null when it
 * cannot be reused. The copy must be in the same language and published
 * the same day (as its metadata says; both unknown counts as the same), then:
 *
 * 1. The copy must state the original's figures, as often, and no other
 *    outside lines as short as furniture (a dateline's time): a copy that
 *    changed or added a figure says something else, and is analysed as new.
 * 2. Every figure of the summary must be in the copy, and the verifier
 *    (checks/verify.ts) must find no sentence of it unsupported by the copy
 *    that it found supported by the original: a copy that differs in a
 *    sentence the summary tells (a near copy uploaded first, with one
 *    sentence changed) is analysed as new, not told what it does not say.
 *    The record's verdict is the one on the copy.
 * 3. Each claim whose evidence is found again in the copy keeps it with
 *    its new offsets; the others are dropped, and their translations with
 *    them.
 *
 * `support` is the copy's (articleSupport): the dates it allows, and its
 * date reader.
 */
export function reuseFor(
  input: Pick<AnalysisInput, 'text' | 'language' | 'publishedAt'> & Partial<Pick<AnalysisInput, 'title'>>,
  entry: SyndicationEntry,
  score: number,
  support: ArticleSupport,
): AnalysisResult | null {
  const { text } = input;
  // Relative dates were made absolute from the original's publication day: a copy of another day is new.
  if (entry.language !== input.language || entry.publishedDay !== dayOf(input.publishedAt)) return null;
  if (!sameFigures(entry.figures, text)) return null;
  const { result } = entry;
  const summaryText = [result.summary.headline, result.summary.short, ...result.summary.bullets].join('\n');
  if (figuresAbsentFrom(text)(summaryText).length > 0) return null;
  const verdict = verifySummary(text, asSentences(result.summary), undefined, {
    allowed: support.dates,
    reader: support.reader,
  });
  const before = new Set((result.checks?.faithfulness?.unsupported ?? []).map((u) => u.text));
  if (verdict.unsupported.some((u) => !before.has(u.text))) return null;
  const claims: Claim[] = [];
  for (const claim of result.claims) {
    const at = claim.evidence ? text.indexOf(claim.evidence) : -1;
    if (claim.start === null || at < 0) continue;
    claims.push({ ...claim, start: at, end: at + claim.evidence.length });
  }
  const kept = new Set(claims.map((c) => c.id));
  const translations: Record<string, Translation> = Object.fromEntries(
    Object.entries(result.translations).map(([lang, t]) => [
      lang,
      t.status === 'done' ? { ...t, claims: t.claims.filter((c) => kept.has(c.id)) } : t,
    ]),
  );
  const grounded = claims.filter((c) => c.grounded).length;
  return {
    ...result,
    claims,
    translations,
    usage: {},
    ...(result.checks
      ? {
          checks: {
            ...result.checks,
            faithfulness: verdict,
            claims: {
              ...result.checks.claims,
              total: claims.length,
              grounded,
              ungrounded: claims.length - grounded,
              unsupported: claims.filter((c) => (c.unsupported ?? []).length > 0).length,
            },
          },
        }
      : {}),
    provenance: {
      ...result.provenance,
      duplicateOf: { contentHash: entry.contentHash, similarity: Math.round(score * 1000) / 1000 },
    },
  };
}

/**
 * Syndicated stories paid once: an article whose cleaned text is a near
 * copy of one analysed before under the same settings (a wire story
 * republished with another headline, byline or furniture) reuses that
 * analysis instead of paying for a new one.
 *
 * 1. The text's sketch is computed and its bands looked up (a failed
 *    look-up is a miss).
 * 2. The most similar candidate at or above SYNDICATION_THRESHOLD that can
 *    be reused (reuseFor) is returned, with `duplicateOf`, no usage.
 * 3. Otherwise the article is analysed as new; a DONE result that is not
 *    itself a reuse is added to the index.
 *
 * A reprocess (fresh) or a resumed delivery (previous) goes straight to
 * the inner engine. It sits inside the analysis cache (CachedEngine): the
 * same text is found there first, and a reuse is cached under its own key.
 */
export class SyndicatedEngine implements FingerprintedEngine {
  readonly name: string;

  constructor(
    private readonly inner: FingerprintedEngine,
    private readonly index: SketchIndex,
    private readonly threshold = SYNDICATION_THRESHOLD,
  ) {
    this.name = inner.name;
  }

  /** The inner engine's: a reused analysis is one that engine made under the same settings. */
  fingerprint(options: AnalysisOptions): string {
    return this.inner.fingerprint(options);
  }

  /** The inner engine's. */
  reread(result: AnalysisResult, language: string | null): AnalysisResult {
    return this.inner.reread?.(result, language) ?? result;
  }

  async analyze(input: AnalysisInput, options: AnalysisOptions): Promise<AnalysisResult> {
    if (options.previous || options.fresh) return this.inner.analyze(input, options);
    const sketch = sketchOf(input.text);
    const bands = bandKeys(sketch, this.inner.fingerprint(options));
    const reused = await this.match(input, sketch, bands);
    if (reused) return { ...this.reread(reused, input.language ?? null), usage: options.meter?.usage ?? {} };
    const result = await this.inner.analyze(input, options);
    if (result.status === 'DONE' && !result.provenance.cacheHit && !result.provenance.duplicateOf) {
      const entry: SyndicationEntry = {
        contentHash: input.contentHash,
        sketch,
        figures: figureTexts(input.text),
        language: input.language,
        publishedDay: dayOf(input.publishedAt),
        result,
      };
      await this.index.add(bands, entry).catch(() => undefined);
    }
    return result;
  }

  private async match(input: AnalysisInput, sketch: Sketch, bands: string[]): Promise<AnalysisResult | null> {
    // Only texts at or above the threshold: an index that keeps the sketches reads no other's entry.
    const candidates = await this.index.candidates(bands, { sketch, threshold: this.threshold }).catch(() => []);
    const ranked = candidates
      .map((entry) => ({ entry, score: similarity(sketch, entry.sketch) }))
      .filter((c) => c.score >= this.threshold)
      .sort((a, b) => b.score - a.score);
    if (ranked.length === 0) return null;
    const support = await articleSupport(input);
    for (const { entry, score } of ranked) {
      const reused = reuseFor(input, entry, score, support);
      if (reused) return reused;
    }
    return null;
  }
}
