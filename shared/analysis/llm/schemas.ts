import * as z from 'zod';
import { CLAIM_KINDS } from '../../article.js';

/**
 * What the model is asked to return. The wire schemas go to the server as
 * JSON Schema (structured outputs): plain types only, every field required,
 * nullable instead of optional. The checks that JSON Schema cannot say
 * portably (counts, lengths, ranges) are refinements, applied when the
 * answer is validated; a failure gets one repair request.
 */

/**
 * One claim, its fields in the order a model writes them (structured outputs
 * generate in schema order): the evidence first, then the claim made from
 * it, then the check-worthiness reasoned before it is scored.
 */
const wireClaim = z.object({
  evidence: z
    .string()
    .describe('The sentence or two of the article that state the fact, copied character for character.'),
  text: z
    .string()
    .describe(
      'One verifiable fact made from the evidence, as a sentence that stands alone: names for pronouns, absolute dates for relative ones, the attribution ("X said that …") inside; in the language of the article.',
    ),
  speaker: z.string().nullable().describe('Who makes the claim, as the article names them; null if nobody is named.'),
  kind: z.enum(CLAIM_KINDS),
  checkworthinessReason: z
    .string()
    .describe('One line: is it of public interest, would it mislead or harm if false, can it be verified?'),
  checkworthiness: z.number().describe('0 to 1, by the rubric: how much a fact-checker would want to verify it.'),
});

export const analysisWire = z.object({
  headline: z.string().describe('At most 15 words.'),
  short: z.string().describe('At most 60 words.'),
  bullets: z.array(z.string()).describe('3 to 5 bullets.'),
  claims: z.array(wireClaim),
});

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** A server that only follows the schema in the prompt may leave the reason out: the claim stands without it. */
const claimOutput = wireClaim.extend({ checkworthinessReason: z.string().nullable().default(null) });

export const analysisOutput = analysisWire.extend({ claims: z.array(claimOutput) }).superRefine((value, ctx) => {
  if (value.headline.trim() === '') ctx.addIssue({ code: 'custom', path: ['headline'], message: 'must not be empty' });
  if (words(value.short) > 75) ctx.addIssue({ code: 'custom', path: ['short'], message: 'must be at most 60 words' });
  if (value.bullets.length < 3 || value.bullets.length > 5) {
    ctx.addIssue({ code: 'custom', path: ['bullets'], message: `must have 3 to 5 items, not ${value.bullets.length}` });
  }
  value.claims.forEach((claim, i) => {
    if (claim.checkworthiness < 0 || claim.checkworthiness > 1) {
      ctx.addIssue({ code: 'custom', path: ['claims', i, 'checkworthiness'], message: 'must be between 0 and 1' });
    }
    if (claim.evidence.trim() === '')
      ctx.addIssue({ code: 'custom', path: ['claims', i, 'evidence'], message: 'must not be empty' });
  });
});
export type AnalysisOutput = z.infer<typeof analysisOutput>;

/** The judge's verdict per summary sentence: the reason is written before the verdict. */
export const judgeWire = z.object({
  sentences: z.array(z.object({ index: z.number(), reason: z.string(), supported: z.boolean() })),
});

/** The merge step of a long article: one summary from the summaries of its parts. */
export const summaryWire = analysisWire.pick({ headline: true, short: true, bullets: true });
export const summaryOutput = summaryWire.superRefine((value, ctx) => {
  if (words(value.short) > 75) ctx.addIssue({ code: 'custom', path: ['short'], message: 'must be at most 60 words' });
  if (value.bullets.length < 3 || value.bullets.length > 5) {
    ctx.addIssue({ code: 'custom', path: ['bullets'], message: `must have 3 to 5 items, not ${value.bullets.length}` });
  }
});
export type SummaryOutput = z.infer<typeof summaryWire>;

export const translationWire = z.object({
  headline: z.string(),
  short: z.string(),
  bullets: z.array(z.string()),
  claims: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      speaker: z
        .string()
        .nullable()
        .describe('The speaker as the target language writes the name; null when the source has none.'),
    }),
  ),
});
export type TranslationOutput = z.infer<typeof translationWire>;

/** The claims alone: what is asked when a translation is split because its answer did not fit. */
export const claimsTranslationWire = translationWire.pick({ claims: true });

/**
 * A translation must keep the shape of its source: as many bullets, the same
 * claim ids. A source without a summary (claims only) is answered with claims
 * only.
 */
export function translationOutput(source: { bullets?: string[]; claims: { id: string }[] }) {
  const wire = source.bullets ? translationWire : claimsTranslationWire;
  return wire.superRefine((value, ctx) => {
    const bullets = (value as Partial<TranslationOutput>).bullets;
    if (source.bullets && bullets?.length !== source.bullets.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['bullets'],
        message: `must have ${source.bullets.length} items, as the source`,
      });
    }
    const want = source.claims.map((c) => c.id).sort();
    const got = value.claims.map((c) => c.id).sort();
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      ctx.addIssue({
        code: 'custom',
        path: ['claims'],
        message: `must translate exactly the claims ${want.join(', ')}`,
      });
    }
  });
}
