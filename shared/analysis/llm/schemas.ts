import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { CLAIM_KINDS } from '../../article.js';
import { lazily } from '../../lazily.js';
import { compareFigures } from '../checks/numbers.js';
import { MAX_CLAIMS } from '../claim-policy.js';
import { bounded, boundedSpeaker } from './answer-bounds.js';
import { MAX_EVIDENCE_SENTENCES } from './numbered.js';
import { estimateTokens } from './tokens.js';

/**
 * What the model is asked to return. The wire schemas go to the server as
 * JSON Schema (structured outputs): plain types only, every field required,
 * nullable instead of optional, arrays bounded (`minItems`, `maxItems`) and
 * numbers ranged (`minimum`, `maximum`), which OpenAI's structured outputs
 * take. Lengths in words are said in the descriptions only (OpenAI takes no
 * length on a string) and checked when the answer is validated, with the
 * other refinements; a failure gets one repair request. Each is built on
 * first use (shared/lazily.ts), not at every cold start.
 *
 * Written with zod/mini, zod's functional API over the same core (as the
 * configuration is): classic zod's methods pull in all of zod, and the
 * analyze function would import it for these schemas alone. A description
 * is registered as classic zod's `.describe()` registers it, so the JSON
 * Schema sent is the same.
 */

// zod/mini loads no locale of its own: the answers' problems, quoted in a repair request, in English (as classic zod's).
z.config(en());

/** A schema with its description, registered where classic zod's `.describe()` puts it (the JSON Schema's `description`). */
function described<T extends z.core.$ZodType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
}

/** The most bullets of a summary, and the fewest. */
export const MAX_BULLETS = 5;
export const MIN_BULLETS = 3;

/** The claim's fields the model writes besides its evidence, in the order it writes them. */
const claimFields = () => ({
  text: described(
    z.string(),
    'One verifiable fact made from the evidence, as a sentence that stands alone: names for pronouns, absolute dates for relative ones, the attribution ("X said that …") inside; in the language of the article.',
  ),
  speaker: described(
    z.nullable(z.string()),
    'Who makes the claim, as the article names them; null if nobody is named.',
  ),
  kind: z.enum(CLAIM_KINDS),
  reason: described(
    z.string(),
    'Why it is or is not worth checking, in one line: public interest, harm if false, verifiable?',
  ),
});

type ClaimFields = { sentences: number[]; text: string; speaker: string | null; kind: (typeof CLAIM_KINDS)[number] };

/**
 * One claim, its fields in the order a model writes them (structured outputs
 * generate in schema order): the numbers of the sentences that state it
 * first, then the claim made from them, then the check-worthiness reasoned
 * before it is scored. The evidence is pointed at, not copied: precis takes
 * its span from its own sentences (numbered.ts). The keys are short words
 * (`reason`, `score`), every one written once a claim, and the score a whole
 * percentage (one token, where 0.85 is three): precis keeps the score to two
 * decimals, so nothing is lost (claimOutput turns them back).
 */
const wireClaim = () =>
  z.object({
    sentences: described(
      z
        .array(z.number().check(z.int(), z.gte(1), z.lte(99_999)))
        .check(z.minLength(1), z.maxLength(MAX_EVIDENCE_SENTENCES)),
      'The numbers of the sentence, or the two or three consecutive sentences, of the article that state it.',
    ),
    ...claimFields(),
    score: described(
      z.number().check(z.int(), z.gte(0), z.lte(100)),
      'Check-worthiness, 0 to 100, by the rubric: how much a fact-checker would want to verify it.',
    ),
  });

/**
 * What the server is told to produce: every array bounded, so that an
 * answer never runs past what precis keeps (20 claims, 5 bullets), and the
 * answer's budget follows from the bounds (ANALYSIS_ANSWER_TOKENS). No
 * short summary: precis makes it from the bullets (short-summary.ts).
 */
export const analysisWire = lazily(() =>
  z.object({
    headline: described(z.string(), 'At most 15 words.'),
    bullets: described(
      z.array(z.string()).check(z.minLength(MIN_BULLETS), z.maxLength(MAX_BULLETS)),
      '3 to 5 bullets.',
    ),
    claims: z.array(wireClaim()).check(z.maxLength(MAX_CLAIMS)),
  }),
);

/** The same without the claims' reasons (PRECIS_CLAIM_REASONS=false): the score alone, weighed by the same rubric. */
export const analysisWireNoReasons = lazily(() =>
  z.extend(analysisWire, {
    claims: z.array(z.omit(wireClaim(), { reason: true })).check(z.maxLength(MAX_CLAIMS)),
  }),
);

/**
 * What an answer must satisfy. A server that ignores the bounds is cut
 * after the answer rather than asked again: bullets past five and cited
 * sentences past three are dropped, claims past twenty are left to the
 * selection (selection.ts), a score outside 0..100 is clamped. A server that
 * only follows the schema in the prompt may leave the reason out: the claim
 * stands without it.
 */
const claimOutput = () =>
  z.pipe(
    z.object({
      sentences: z.array(z.number()).check(z.minLength(1, { error: 'must cite at least one sentence number' })),
      ...claimFields(),
      reason: z._default(z.nullable(z.string()), null),
      score: z.number(),
    }),
    z.transform(({ reason, score, ...claim }: { reason: string | null; score: number } & ClaimFields) => ({
      ...claim,
      text: bounded('claim', claim.text),
      speaker: boundedSpeaker(claim.speaker),
      checkworthinessReason: reason === null ? null : bounded('reason', reason),
      checkworthiness: Math.min(1, Math.max(0, score / 100)),
    })),
  );

/** The summary's bound that a schema cannot state to every provider: the bullets' count. */
function checkSummary(value: { bullets: string[] }, ctx: z.core.$RefinementCtx<unknown>): void {
  if (value.bullets.length < MIN_BULLETS) {
    ctx.addIssue({
      code: 'custom',
      path: ['bullets'],
      message: `must have 3 to 5 items, not ${value.bullets.length}`,
    });
  }
}

export const analysisOutput = lazily(() =>
  z.pipe(
    z
      .object({
        headline: z.string(),
        bullets: z.array(z.string()),
        claims: z.array(claimOutput()),
      })
      .check(
        z.superRefine((value, ctx) => {
          if (value.headline.trim() === '')
            ctx.addIssue({ code: 'custom', path: ['headline'], message: 'must not be empty' });
          checkSummary(value, ctx);
        }),
      ),
    z.transform(<T extends { headline: string; bullets: string[] }>(value: T) => ({
      ...value,
      headline: bounded('headline', value.headline),
      bullets: value.bullets.slice(0, MAX_BULLETS).map((bullet) => bounded('bullet', bullet)),
    })),
  ),
);
export type AnalysisOutput = z.output<typeof analysisOutput>;

/**
 * Output tokens an analysis answer can need, from its bounds: the summary
 * (a 15-word headline, five bullets) and twenty claims (their
 * text, speaker, kind, reason, score and sentence numbers, with the JSON
 * around them), in English. A script that takes more tokens a word gets
 * half as much again (answerBudget).
 */
export const ANALYSIS_ANSWER_TOKENS = 40 + MAX_BULLETS * 50 + MAX_CLAIMS * 150;

/** Whether a language is written in the Latin script (CLDR's likely script), the one the allowances are sized for. */
function latinScript(language: string | null): boolean {
  if (!language) return true;
  let latin = LATIN_SCRIPT.get(language);
  if (latin === undefined) {
    try {
      latin = new Intl.Locale(language).maximize().script === 'Latn';
    } catch {
      latin = true;
    }
    if (LATIN_SCRIPT.size >= 256) LATIN_SCRIPT.clear();
    LATIN_SCRIPT.set(language, latin);
  }
  return latin;
}

/**
 * Each language's answer to latinScript, asked of ICU once: the budgets are read at each call's admission and
 * check (several times an article), and a locale's likely script took about 1 ms an article in a burst.
 */
const LATIN_SCRIPT = new Map<string, boolean>();

/**
 * An answer's output budget from the tokens its bounds allow in English:
 * half as much again for a language in another script (more tokens a word),
 * and never more than the configured cap (PRECIS_MAX_OUTPUT_TOKENS).
 */
export function answerBudget(tokens: number, language: string | null, cap: number): number {
  return Math.min(cap, Math.ceil(tokens * (latinScript(language) ? 1 : 1.5)));
}

/** The judge's verdict per summary sentence: the reason is written before the verdict. */
export const judgeWire = lazily(() =>
  z.object({
    sentences: z.array(z.object({ index: z.number(), reason: z.string(), supported: z.boolean() })),
  }),
);

/** The merge step of a long article, and the repair of a summary: the summary alone (its short made from the bullets). */
export const summaryWire = lazily(() => z.pick(analysisWire, { headline: true, bullets: true }));
export const summaryOutput = lazily(() =>
  z.pipe(
    z.object({ headline: z.string(), bullets: z.array(z.string()) }).check(
      z.superRefine((value, ctx) => {
        checkSummary(value, ctx);
      }),
    ),
    z.transform((value: { headline: string; bullets: string[] }) => ({
      ...value,
      headline: bounded('headline', value.headline),
      bullets: value.bullets.slice(0, MAX_BULLETS).map((bullet) => bounded('bullet', bullet)),
    })),
  ),
);
export type SummaryOutput = z.infer<typeof summaryWire>;

/**
 * A translation, as compact as its content: the claims as their texts and
 * the speakers as the distinct names, each in the order given (precis keeps
 * the ids and which claim each speaker belongs to), so that no id, no key
 * and no name said twice is paid for in every language. No short summary:
 * precis makes it from the translated bullets as it made the source's
 * (short-summary.ts). The bounds are fixed (not the article's counts) so
 * the schema, the head of the prompt, is the same for every article and
 * read from the provider's cache.
 */
export const translationWire = lazily(() =>
  z.object({
    headline: z.string(),
    bullets: z.array(z.string()).check(z.maxLength(MAX_BULLETS)),
    claims: described(z.array(z.string()).check(z.maxLength(MAX_CLAIMS)), 'Each claim translated, in the order given.'),
    speakers: described(
      z.array(z.string()).check(z.maxLength(MAX_CLAIMS)),
      'Each name or role translated as the target language writes it, in the order given.',
    ),
  }),
);
export type TranslationOutput = z.infer<typeof translationWire>;

/** The claims alone: what is asked when a translation is split because its answer did not fit. */
export const claimsTranslationWire = lazily(() => z.pick(translationWire, { claims: true, speakers: true }));

/**
 * With the short summary, for a summary whose short a model wrote (an
 * analysis kept from before the short was made from the bullets): it is
 * translated as it is.
 */
export const translationWireWithShort = lazily(() =>
  z.object({
    headline: z.string(),
    short: z.string(),
    bullets: translationWire.shape.bullets,
    claims: translationWire.shape.claims,
    speakers: translationWire.shape.speakers,
  }),
);

/** What a translation is asked to render: the summary (when given), the claims' texts, the distinct speakers. */
export interface TranslationSource {
  headline?: string;
  short?: string;
  bullets?: string[];
  claims: string[];
  speakers: string[];
}

/** The schema a translation of `source` is asked in: with the summary (and its short when sent), or the claims alone. */
export function translationWireFor(source: TranslationSource) {
  if (!source.bullets) return claimsTranslationWire;
  return source.short === undefined ? translationWire : translationWireWithShort;
}

/**
 * A translation must keep the shape of its source: as many bullets, claims
 * and speakers, in order, and each claim the figures of the claim it
 * translates (a claim put in another's place is caught by its figures). A
 * source without a summary (claims only) is answered with claims only.
 */
export function translationOutput(source: TranslationSource) {
  const wire = translationWireFor(source);
  return wire.check(
    z.superRefine((value: z.output<typeof wire>, ctx) => {
      const bullets = (value as { bullets?: string[] }).bullets;
      if (source.bullets && bullets?.length !== source.bullets.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['bullets'],
          message: `must have ${source.bullets.length} items, as the source`,
        });
      }
      for (const field of ['claims', 'speakers'] as const) {
        if (value[field].length !== source[field].length) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `must have ${source[field].length} items, one for each in the source, in its order`,
          });
        }
      }
      value.claims.forEach((claim, i) => {
        const { missing } = compareFigures(source.claims[i] ?? '', claim);
        if (missing.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['claims', i],
            message: `must translate claim ${i + 1} of the source in its place (it lacks ${missing.join(', ')})`,
          });
        }
      });
    }),
  );
}

/**
 * A translation's output budget: the source's tokens (estimated, so above
 * o200k's count) half as much again in a language in the Latin script,
 * two and a half times in another, and room for the JSON around them.
 */
export function translationBudget(source: TranslationSource, lang: string): number {
  const tokens = estimateTokens(JSON.stringify(source));
  return Math.max(512, Math.ceil(tokens * (latinScript(lang) ? 1.5 : 2.5)) + 128);
}
