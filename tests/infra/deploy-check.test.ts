import { describe, expect, it } from 'vitest';
import { checkDeployModes, DEPLOY_MODES } from '../../scripts/deploy-check.js';

describe('npm run deploy:check', () => {
  it('finds no open cdk-nag finding and no IAM statement on "*" but X-Ray\'s, in every way the stack deploys', () => {
    const results = checkDeployModes();
    expect(results.map((r) => r.mode)).toEqual(Object.keys(DEPLOY_MODES));
    for (const result of results) {
      expect(result.open, result.mode).toEqual([]);
      expect(
        result.star.filter((s) => !s.allowed),
        result.mode,
      ).toEqual([]);
      // The acknowledgements are what separates the raw findings from none.
      expect(result.raw, result.mode).toBeGreaterThan(0);
      expect(result.acknowledged.length, result.mode).toBeGreaterThan(0);
    }
  }, 120_000);
});
