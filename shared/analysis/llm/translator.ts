import type { Claim, Summary, Translation } from '../../article.js';
import { languageName, loadLanguageDetector, translationProblems } from '../checks/translation.js';
import type { LlmCalls } from './calls.js';
import { isCode } from './errors.js';
import { translationSystem } from './prompts.js';
import { MAX_SPLITS, mapLimit, type Run, translatableText } from './run.js';
import { claimsTranslationWire, translationOutput, translationWire } from './schemas.js';
import { estimateTokens } from './tokens.js';

type ClaimSource = { id: string; text: string; speaker: string | null };
type TranslationPiece = { summary?: Summary; claims: ClaimSource[] };

/**
 * The translator: the summary and the claims into one language, in one call
 * when the answer fits. Each answer is checked as a translation (its
 * language, its script, every figure kept) and a failure gets the one
 * repair request, quoting why. An answer that hits its cap is asked once
 * more with the cap raised, then split: the summary apart from the claims,
 * then the claims in halves.
 */
export class Translator {
  constructor(
    private readonly calls: LlmCalls,
    private readonly model: string,
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
    const request = {
      name: 'translation',
      system: translationSystem(languageName(lang), lang, sourceLanguage ? languageName(sourceLanguage) : null),
      user: JSON.stringify(source),
      wire: piece.summary ? translationWire : claimsTranslationWire,
      validate,
      answerTokens: Math.max(1024, estimateTokens(JSON.stringify(source)) * 3 + 256),
      ...(raisedCap ? { maxOutputTokens: raisedCap } : {}),
    };
    try {
      const value = (await this.calls.call(run, `translation:${lang}`, this.model, request)) as Partial<Summary> & {
        claims: ClaimSource[];
      };
      return {
        ...(piece.summary
          ? { summary: { headline: value.headline ?? '', short: value.short ?? '', bullets: value.bullets ?? [] } }
          : {}),
        claims: value.claims,
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
