import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ArticleBudget } from '../../../shared/analysis/llm/budget.js';
import { classify } from '../../../shared/analysis/llm/failures.js';
import { MODEL_TABLE } from '../../../shared/analysis/llm/model-table.js';
import { capabilitiesOf, effortFor, familyOf, shutdownNotice } from '../../../shared/analysis/llm/models.js';
import { costOf, worstCaseCost } from '../../../shared/analysis/llm/prices.js';

describe('the capability table', () => {
  it('knows the gpt-5.6 and gpt-6 families as their pages give them', () => {
    const luna = capabilitiesOf('gpt-5.6-luna');
    expect(luna).toMatchObject({
      known: true,
      efforts: ['none', 'low', 'medium', 'high', 'xhigh', 'max'],
      defaultEffort: 'medium',
      contextTokens: 1_050_000,
      maxOutputTokens: 128_000,
      price: { input: 0.2, cachedInput: 0.02, output: 1.2, cacheWrite: 0.25 },
    });
    expect(capabilitiesOf('gpt-5.6').family).toBe('gpt-5.6');
    expect(capabilitiesOf('gpt-6-luna').price).toMatchObject({ input: 0.1, cachedInput: 0.01, output: 0.5 });
    expect(effortFor(luna, 'max')).toBe('max');
    expect(effortFor(capabilitiesOf('gpt-5.4-mini'), 'max')).toBe('xhigh');
  });

  it('gives pro models their own row: their price and the Responses API, never the base model’s', () => {
    for (const [pro, base] of [
      ['gpt-5.4-pro', 'gpt-5.4'],
      ['gpt-5.5-pro', 'gpt-5.5'],
    ] as const) {
      expect(familyOf(pro)).toBe(pro);
      expect(capabilitiesOf(pro)).toMatchObject({ api: 'responses', price: { input: 30, output: 180 } });
      expect(capabilitiesOf(pro).price?.input).toBeGreaterThan(5 * (capabilitiesOf(base).price?.input ?? 0));
    }
    // A name the table does not hold is unknown, not its prefix's row: gpt-5.4-mini-fast is billed differently.
    expect(familyOf('gpt-5.4-mini-fast')).toBeNull();
    expect(familyOf('openai/gpt-5.4-mini-2026-03-17')).toBe('gpt-5.4-mini');
  });

  it('treats an unknown model safely: room for reasoning, no effort sent, no price', () => {
    const unknown = capabilitiesOf('acme-reasoner-1');
    expect(unknown).toMatchObject({ known: false, family: 'unknown', efforts: [], price: null });
    expect(unknown.defaultEffort).not.toBeNull();
    expect(effortFor(unknown, 'high')).toBeUndefined();
  });

  it('knows the open-weight families that think by default, whatever size or tag the server names', () => {
    for (const name of ['qwen3:8b', 'Qwen/Qwen3-8B', 'qwen3-8b', 'qwen3.5-9b', 'deepseek-r1:14b', 'gpt-oss:20b']) {
      expect(capabilitiesOf(name).defaultEffort, name).toBe('medium');
    }
    expect(capabilitiesOf('qwen3:8b')).toMatchObject({ family: 'qwen3', efforts: [], price: null });
  });

  it('gives every row of a shut-down or deprecated model its date and replacement', () => {
    for (const model of ['o1', 'o3-mini', 'o4-mini', 'gpt-4.1-nano']) {
      expect(MODEL_TABLE[model]?.shutdown?.date, model).toBe('2026-10-23');
    }
    for (const model of ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5-pro', 'o3', 'o3-pro']) {
      expect(MODEL_TABLE[model]?.shutdown?.date, model).toBe('2026-12-11');
    }
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini']) {
      expect(MODEL_TABLE[model]?.shutdown, model).toMatchObject({ date: '2027-01-14', replacement: 'gpt-6-luna' });
    }
    expect(MODEL_TABLE['gpt-5.4-mini']?.shutdown).toBeNull();
  });

  it('says a shutdown past or within 30 days, naming the replacement, and nothing earlier', () => {
    const shutdown = capabilitiesOf('gpt-5-mini').shutdown;
    expect(shutdownNotice('gpt-5-mini', shutdown, new Date('2026-12-04T12:00:00Z'))).toBe(
      'gpt-5-mini shuts down on 2026-12-11, in 7 days. Its provider names gpt-6.1-terra instead: set PRECIS_MODEL=gpt-6.1-terra.',
    );
    expect(shutdownNotice('o4-mini', capabilitiesOf('o4-mini').shutdown, new Date('2026-12-04'))).toMatch(
      /^o4-mini was shut down on 2026-10-23: calls to it fail\. .*gpt-5\.6-terra/,
    );
    expect(shutdownNotice('gpt-4o', capabilitiesOf('gpt-4o').shutdown, new Date('2026-12-04'))).toBeNull();
    // Configuration can date a model the table does not know.
    const configured = capabilitiesOf('my-model', {
      overrides: { shutdownDate: '2026-12-20', replacement: 'next-model' },
    });
    expect(configured.shutdown).toEqual({ date: '2026-12-20', replacement: 'next-model', source: 'configured' });
  });
});

describe('prices', () => {
  const luna = capabilitiesOf('gpt-5.6-luna').price;

  it("bill nothing for an answer of precis's stand-in server, whatever the model it names", () => {
    const tokens = { inputTokens: 10_000, outputTokens: 1_000 };
    expect(costOf(luna, tokens)).toBeGreaterThan(0);
    expect(costOf(luna, { ...tokens, standIn: true })).toBe(0);
    expect(costOf(null, { ...tokens, standIn: true })).toBe(0);
  });

  it('bill a prompt over 272k tokens at 2× input and 1.5× output, for the whole request', () => {
    const short = costOf(luna, { inputTokens: 272_000, outputTokens: 1_000 });
    const long = costOf(luna, { inputTokens: 272_001, outputTokens: 1_000 });
    expect(short).toBeCloseTo((272_000 * 0.2 + 1_000 * 1.2) / 1e6, 8);
    expect(long).toBeCloseTo((272_001 * 0.2 * 2 + 1_000 * 1.2 * 1.5) / 1e6, 8);
  });

  it('bill cache writes at their rate, cached input at its own, and the rest as input', () => {
    expect(
      costOf(luna, { inputTokens: 10_000, cachedInputTokens: 4_000, cacheWriteTokens: 2_000, outputTokens: 0 }),
    ).toBeCloseTo((4_000 * 0.2 + 4_000 * 0.02 + 2_000 * 0.25) / 1e6, 8);
  });

  it('price a call at its worst: its whole prompt at the dearest input rate and its whole output cap', () => {
    expect(worstCaseCost(luna, 1_000, 20_000)).toBeCloseTo((1_000 * 0.25 + 20_000 * 1.2) / 1e6, 8);
    expect(worstCaseCost(null, 1_000, 20_000)).toBeNull();
  });
});

describe("a server's refusal as a lesson", () => {
  const refusal = (error: Record<string, unknown>) =>
    classify(OpenAI.APIError.generate(400, { error }, String(error.message), new Headers()));

  it("names the output cap's name it refuses", () => {
    expect(
      refusal({
        message:
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: 'max_tokens',
        code: 'unsupported_parameter',
      }),
    ).toMatchObject({ kind: 'cap-name', refused: 'max_tokens' });
    // A gateway that passes on the words only.
    expect(
      refusal({
        message: 'litellm.BadRequestError: Unsupported parameter: max_tokens is not supported with this model',
      }),
    ).toMatchObject({
      kind: 'cap-name',
      refused: 'max_tokens',
    });
  });

  it('names the efforts a model takes, or none', () => {
    expect(
      refusal({
        message:
          "Unsupported value: 'xhigh' is not supported with the 'o3' model. Supported values are: 'low', 'medium', and 'high'.",
        param: 'reasoning_effort',
        code: 'unsupported_value',
      }),
    ).toEqual(expect.objectContaining({ kind: 'effort', takes: ['low', 'medium', 'high'] }));
    expect(
      refusal({
        message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
        param: 'reasoning_effort',
      }),
    ).toEqual(expect.objectContaining({ kind: 'effort', takes: [] }));
    // Another refusal stays a refusal.
    expect(refusal({ message: 'Invalid value for temperature' })).toMatchObject({ kind: 'rejected' });
  });
});

describe("an article's ceiling", () => {
  it('lets calls through while their worst case fits, waits for calls in flight, and refuses one that never fits', async () => {
    const budget = new ArticleBudget({ maxCalls: 3, maxCostUsd: 1 }, { calls: 1, costUsd: 0.2 });
    const first = await budget.reserve(0.5);
    // A second call that would pass the ceiling with the first in flight waits for it to settle.
    let second = false;
    const waiting = budget.reserve(0.5).then((ticket) => {
      second = true;
      return ticket;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    budget.settle(first, { costUsd: 0.1 });
    budget.settle(await waiting, { costUsd: 0.1 });
    expect(budget.spent).toEqual({ calls: 3, costUsd: 0.4 });
    // The fourth call is over the call ceiling, with nothing in flight: refused at once.
    await expect(budget.reserve(0.01)).rejects.toMatchObject({ code: 'LLM_BUDGET_EXCEEDED', permanent: true });
  });
});
