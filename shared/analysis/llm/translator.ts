import * as z from 'zod/mini';
import type { Claim, Summary, Translation } from '../../article.js';
import { languageName, loadLanguageDetector, translationProblems } from '../checks/translation.js';
import { bulletsInShort } from '../summarize.js';
import { bounded } from './answer-bounds.js';
import type { LlmCalls } from './calls.js';
import { isCode } from './errors.js';
import type { ReasoningEffort } from './models.js';
import { TRANSLATION_SYSTEM, TRANSLATION_SYSTEM_COMPACT, translationMessage } from './prompts.js';
import { MAX_SPLITS, mapLimit, type Run, translatableText } from './run.js';
import { type TranslationSource, translationBudget, translationOutput, translationWireFor } from './schemas.js';
import { shortFromBullets, shortIsFromBullets } from './short-summary.js';

type ClaimSource = { id: string; text: string; speaker: string | null };
type TranslationPiece = { summary?: Summary; claims: ClaimSource[] };

/**
 * The translator: the summary and the claims into one language, in one call
 * when the answer fits, sent compactly (the claims' texts in order, each
 * speaker once; the short summary made from the translated bullets as
 * the source's was, not sent; schemas.ts) after instructions that name no language, so
 * the call reads its head from the provider's cache and the calls for the
 * other languages of the article read the data too (translation-prompt.ts).
 * Each answer is checked as a translation (its language, its script, every
 * figure kept, each claim in its place) and a failure gets the one repair
 * request, quoting why. An answer that hits its cap is asked once
 * more with the cap raised, then split: the summary apart from the claims,
 * then the claims in halves.
 */
export class Translator {
  constructor(
    private readonly calls: LlmCalls,
    private readonly model: string,
    /** The effort translations are asked at (PRECIS_TRANSLATION_EFFORT); the analysis's when undefined. */
    private readonly effort?: ReasoningEffort,
  ) {}

  async translate(
    lang: string,
    summary: Summary,
    claims: Claim[],
    run: Run,
    sourceLanguage: string | null,
  ): Promise<Extract<Translation, { status: 'done' }>> {
    const translated = await this.piece(
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

  private async piece(
    lang: string,
    piece: TranslationPiece,
    run: Run,
    depth: number,
    sourceLanguage: string | null,
    raisedCap?: number,
  ): Promise<TranslationPiece> {
    const detector = await loadLanguageDetector();
    // The speakers once each, not once a claim: a ministry quoted five times is translated once.
    const speakers = [...new Set(piece.claims.flatMap((c) => (c.speaker ? [c.speaker] : [])))];
    const summary = piece.summary;
    // A short made from the bullets is made again from their translations; a model's own (kept from before) is sent.
    const ownShort = summary && !shortIsFromBullets(summary, sourceLanguage) ? summary.short : undefined;
    const source: TranslationSource = {
      ...(summary
        ? {
            headline: summary.headline,
            ...(ownShort === undefined ? {} : { short: ownShort }),
            bullets: summary.bullets,
          }
        : {}),
      claims: piece.claims.map((c) => c.text),
      speakers,
    };
    const sourceText = translatableText({ ...source, claims: source.claims.map((text) => ({ text })) });
    // Checked as a translation, not only as a script: a failure gets the one repair request, quoting why.
    const shaped = translationOutput(source);
    const validate = shaped.check(
      z.superRefine((value: z.output<typeof shaped>, ctx) => {
        const output = translatableText({ ...value, claims: value.claims.map((text) => ({ text })) });
        for (const message of translationProblems(sourceText, output, lang, sourceLanguage, detector)) {
          ctx.addIssue({ code: 'custom', path: [], message });
        }
      }),
    );
    const request = {
      name: 'translation',
      // The long instructions, read from the cache, where caching pays; else the compact ones.
      system: this.calls.cachingPays(this.model) ? TRANSLATION_SYSTEM : TRANSLATION_SYSTEM_COMPACT,
      user: translationMessage(
        source,
        { code: lang, name: languageName(lang) },
        sourceLanguage ? { code: sourceLanguage, name: languageName(sourceLanguage) } : null,
      ),
      wire: translationWireFor(source),
      validate,
      answerTokens: translationBudget(source, lang),
      ...(this.effort ? { effort: this.effort } : {}),
      ...(raisedCap ? { maxOutputTokens: raisedCap } : {}),
    };
    try {
      const value = (await this.calls.call(run, `translation:${lang}`, this.model, request)) as Partial<Summary> &
        Pick<TranslationSource, 'claims' | 'speakers'>;
      // Each text within the bound of its kind, as the source's were (answer-bounds.ts).
      const speakerOf = (speaker: string | null) =>
        speaker === null ? null : bounded('speaker', value.speakers[speakers.indexOf(speaker)] ?? speaker);
      const bullets = (value.bullets ?? []).map((bullet) => bounded('bullet', bullet));
      return {
        ...(summary
          ? {
              summary: {
                headline: bounded('headline', value.headline ?? ''),
                short:
                  value.short !== undefined
                    ? bounded('bullet', value.short)
                    : shortFromBullets(bullets, lang, bulletsInShort(summary.bullets)),
                bullets,
              },
            }
          : {}),
        claims: piece.claims.map((c, i) => ({
          id: c.id,
          text: bounded('claim', value.claims[i] ?? ''),
          speaker: speakerOf(c.speaker),
        })),
      };
    } catch (error) {
      if (!isCode(error, 'LLM_OUTPUT_TRUNCATED')) throw error;
      if (depth === 0 && !raisedCap) {
        const raised = this.calls.raisedCap(this.model, request.answerTokens, request);
        if (raised) return this.piece(lang, piece, run, depth, sourceLanguage, raised);
      }
      if (depth >= MAX_SPLITS) throw error;
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
      const done = await mapLimit(pieces, 2, (p) => this.piece(lang, p, run, depth + 1, sourceLanguage));
      return { summary: done.find((d) => d.summary)?.summary, claims: done.flatMap((d) => d.claims) };
    }
  }
}
