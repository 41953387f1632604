import { describe, expect, it } from 'vitest';
import { analyzeConcurrencyFor } from '../../infra/analyze-concurrency.js';
import { build } from './build.js';

const analyzeMapping = (context: Record<string, string>) => {
  const { resources } = build(context);
  // The analyze queue's mapping takes one message at a time.
  const [, mapping] = resources('AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.BatchSize === 1) ?? [];
  return (mapping?.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency;
};

describe("the analyze function's concurrency in AWS", () => {
  it("comes from the provider's TPM and RPM, by the documented formula, within SQS's 2 to 1,000", () => {
    // 2,000,000 TPM: 166.7 articles a minute, each 20 s in flight, 1.25 headroom: 70.
    expect(analyzeConcurrencyFor({ llmTokensPerMinute: 2_000_000 })).toBe(70);
    // The tighter of the two: 300 RPM is 100 articles a minute, so 42.
    expect(analyzeConcurrencyFor({ llmTokensPerMinute: 2_000_000, llmRequestsPerMinute: 300 })).toBe(42);
    expect(analyzeConcurrencyFor({ llmTokensPerMinute: 30_000 })).toBe(2);
    expect(analyzeConcurrencyFor({ llmTokensPerMinute: 150_000_000 })).toBe(1000);
    expect(analyzeConcurrencyFor({ analyzeConcurrency: 9, llmTokensPerMinute: 2_000_000 })).toBe(9);
    expect(analyzeConcurrencyFor({})).toBe(5);
  });

  it("sets the analyze event source's maximum concurrency from context", () => {
    expect(analyzeMapping({ llmTokensPerMinute: '2000000', llmRequestsPerMinute: '5000' })).toBe(70);
    expect(analyzeMapping({ llmTokensPerMinute: '2000000', analyzeConcurrency: '12' })).toBe(12);
    expect(analyzeMapping({})).toBe(5);
  });
});
