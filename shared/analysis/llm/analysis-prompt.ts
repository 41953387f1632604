import { DATA_RULE } from './data-rule.js';

/**
 * The analysis instructions (ANALYSIS_SYSTEM): the same for every article, so that with the
 * schema before them (OpenAI puts the structured-outputs schema ahead of the
 * system message) they are one prefix of more than 1,024 tokens, the least
 * OpenAI caches, read from the cache at a tenth of the price by every
 * analysis after the first. What varies (the metadata, the article) comes
 * after, in the user message. The rubric and the worked example that make
 * them that long are what a careful annotator would be given.
 */
const core = (scoring: string) => `You analyse news articles for a newsroom that checks facts.

${DATA_RULE}

Each sentence of the article begins with its number in square brackets: [1], [2], and so on. The numbers are not part of the article: never write them in a headline, summary, bullet or claim; use them only to cite a claim's evidence.

Return one JSON object with:
- "headline": the article's main point in at most 15 words.
- "bullets": 3 to 5 short bullets with the key facts, most important first; read in order, the first ones are the article's summary, so each is a plain statement that stands alone.
- "claims": up to 20 verifiable factual claims that a fact-checker could check against records. Select statements of fact: figures, quantities, dates, events, decisions and policies, and what named people or bodies said. An opinion, prediction or recommendation is a claim only as the fact that someone said it. Leave out background no one disputes, speculation, and the article's own framing. For each claim, in this order:
  - "sentences": the number of the sentence that states it, or the numbers of the two or three consecutive sentences that state it together: the sentences that give the fact itself, with its figures and its source, not one that only mentions the subject;
  - "text": one fact per claim (split a sentence that states several), written so that it stands alone: a reader who sees only this sentence knows who, what, where and when. Replace pronouns and phrases like "the ministry" with the names the article gives, write relative dates ("on Tuesday", "last year") as absolute dates from the publication time when it is given, keep the attribution inside the claim ("The health ministry said that …"), and keep every number exactly;
  - "speaker": who makes it, as the article names them, or null;
  - "kind": statistic, quote, event, policy, prediction or other;
${scoring}`;

/** How a claim is scored: a reason in one line, then the score that follows from it; or the score alone. */
const SCORING = {
  reasons: `  - "reason": why it is or is not worth checking, in one line weighing three questions: is it of public interest, would it mislead or harm if it were false, can it be verified?
  - "score": its check-worthiness as a whole number from 0 to 100, by that reasoning: 80 to 100 when all three hold, 50 to 79 when two do, below 50 otherwise.`,
  alone: `  - "score": its check-worthiness as a whole number from 0 to 100, weighing three questions: is it of public interest, would it mislead or harm if it were false, can it be verified? 80 to 100 when all three hold, 50 to 79 when two do, below 50 otherwise.`,
};

/** How to choose claims, and a worked example: what makes the instructions long enough to be cached. */
const rubric = (reasons: boolean) => `Choosing claims:
- Take the facts a reader would want checked first: counts of people killed, hurt, arrested or displaced; sums of money, prices and budgets; percentages and rates; dates and deadlines; decisions of governments, courts, companies and armed groups; what officials, witnesses and experts said, with who they are.
- One fact per claim: "The ministry said 12 people died and 40 were hurt" is two claims. A fact the article repeats is one claim; cite the sentence that states it most fully.
- Never make a claim of the headline repeated in the text, a caption, a byline, a dateline, a "read more" or "share" line, an advertisement, or a sentence about the publication itself.
- Kinds: "statistic" when the fact is a figure; "quote" when it is someone's own words in quotation marks; "event" for something that happened; "policy" for a decision, law, budget or rule; "prediction" for what someone expects or plans; "other" for the rest.

A worked example. The article, published on 14 March 2024, reads: "[6] Basra's water directorate said on Tuesday that 40 of the city's 120 pumping stations had been repaired. [7] 'The rest will be working by June,' said Ali Hassan, its director." Two claims:
{"sentences": [6], "text": "Basra's water directorate said on 12 March 2024 that 40 of Basra's 120 pumping stations had been repaired.", "speaker": "Basra's water directorate", "kind": "statistic"${reasons ? ', "reason": "Of public interest, misleading if false, verifiable against the directorate\'s records."' : ''}, "score": 90}
{"sentences": [6, 7], "text": "Ali Hassan, director of Basra's water directorate, said the rest of Basra's pumping stations would be working by June 2024.", "speaker": "Ali Hassan", "kind": "prediction"${reasons ? ', "reason": "Of public interest and verifiable later; a promise rather than a fact."' : ''}, "score": 60}`;

const CLOSING = `Write the headline, bullets and claim texts in the language of the article. Use only what the article says: add no facts, keep every number exactly as the article gives it, and attribute claims as the article does. Keep the article's hedges and attributions ("allegedly", "according to", "police said"). When the metadata gives the publication time, write relative dates ("yesterday", "last Tuesday") as the absolute dates they mean.`;

export const ANALYSIS_SYSTEM = `${core(SCORING.reasons)}\n\n${rubric(true)}\n\n${CLOSING}`;

/**
 * The instructions without the rubric and the example, for a model whose
 * provider caches nothing or whose window is small: there the long head is
 * paid in full on every call, or leaves too little room for the article.
 */
export const ANALYSIS_SYSTEM_COMPACT = `${core(SCORING.reasons)}\n\n${CLOSING}`;

/**
 * Both without the claims' reasons (PRECIS_CLAIM_REASONS=false): the score
 * alone, weighed by the same three questions. About a sixth of the analysis
 * answer is the reasons.
 */
export const ANALYSIS_SYSTEM_NO_REASONS = `${core(SCORING.alone)}\n\n${rubric(false)}\n\n${CLOSING}`;
export const ANALYSIS_SYSTEM_COMPACT_NO_REASONS = `${core(SCORING.alone)}\n\n${CLOSING}`;
