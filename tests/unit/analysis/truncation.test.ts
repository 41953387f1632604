import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_SYSTEM, articleMessage } from '../../../shared/analysis/llm/prompts.js';
import type { Message } from '../../../shared/analysis/llm/transport.js';
import { promptText, promptTokens, shortRead } from '../../../shared/analysis/llm/truncation.js';

const paragraph =
  'Kirkuk police have opened 12 new checkpoints along the road to the Bai Hassan oil field after three attacks on fuel convoys in the past month, the province’s police chief said on Monday.';
// A system prompt of some 450 tokens: the checks are about the article's share of the prompt, not this text.
const SYSTEM = ANALYSIS_SYSTEM.slice(0, 2000);
const prompt = (text: string): Message[] => [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: articleMessage(text, { title: 'Checkpoints', publishedAt: '2024-05-06' }) },
];
const sent = prompt(Array.from({ length: 40 }, () => paragraph).join('\n\n'));
const exact = promptTokens(sent, countTokens);

describe('a prompt the server read short', () => {
  it('is a cut below 85 % of its o200k count, whatever the estimate says', async () => {
    // English is estimated up to 1.41× its o200k count: a whole read looks like 71 % of the estimate.
    expect(promptTokens(sent) / exact).toBeGreaterThan(1.15);
    expect(await shortRead({ sent, counted: exact, cached: 0, reportedCache: false, earlier: [] })).toBeNull();
    expect(
      await shortRead({ sent, counted: Math.round(exact * 0.9), cached: 0, reportedCache: false, earlier: [] }),
    ).toBeNull();
    expect(
      await shortRead({ sent, counted: Math.round(exact * 0.8), cached: 0, reportedCache: false, earlier: [] }),
    ).toEqual({ read: Math.round(exact * 0.8), expected: exact });
  });

  it('adds back the cached tokens the usage reports', async () => {
    const counted = Math.round(exact * 0.5);
    expect(await shortRead({ sent, counted, cached: exact - counted, reportedCache: true, earlier: [] })).toBeNull();
  });

  it('allows the beginning it shares with an earlier prompt to be missing, when the caller says the server may hold it', async () => {
    const before = prompt(Array.from({ length: 3 }, () => 'An earlier article, another day.').join('\n\n'));
    const earlier = [promptText(before)];
    // The system prompt and the start of the user message were in the server's KV cache, and not counted.
    const counted = exact - countTokens(SYSTEM) - 10;
    expect(await shortRead({ sent, counted, cached: 0, reportedCache: false, earlier })).toBeNull();
    // Without that allowance (a window not known to hold the prompt), the same count is a cut.
    expect(await shortRead({ sent, counted, cached: 0, reportedCache: false, earlier: [] })).not.toBeNull();
    // A cut deeper than what the cache could explain is still a cut.
    const cut = Math.round(exact * 0.5);
    expect(await shortRead({ sent, counted: cut, cached: 0, reportedCache: false, earlier })).not.toBeNull();
  });

  it('is not judged under 1,000 tokens, where tokenizers differ too much', async () => {
    const small = prompt(paragraph);
    expect(await shortRead({ sent: small, counted: 10, cached: 0, reportedCache: false, earlier: [] })).toBeNull();
  });
});
