import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDeployModes, DEPLOY_DOC, DEPLOY_MODES, deployReport, reportInDocs } from '../../scripts/deploy-check.js';
import { rotationPlan } from '../../scripts/rotate-api-key.js';

describe('npm run deploy:check', () => {
  /** Ten synths: made once for the tests below. */
  let checked: ReturnType<typeof checkDeployModes> | undefined;
  const results = () => {
    checked ??= checkDeployModes();
    return checked;
  };

  it('finds no open cdk-nag finding and no IAM statement on "*" but X-Ray\'s, in every way the stack deploys', () => {
    expect(results().map((r) => r.mode)).toEqual(Object.keys(DEPLOY_MODES));
    for (const result of results()) {
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

  it('prints what docs/deploying.md shows (npm run deploy:check -- --write-docs writes it there)', () => {
    const shown = reportInDocs(readFileSync(DEPLOY_DOC, 'utf8'));
    expect(shown, 'docs/deploying.md has the deploy:check markers').not.toBeNull();
    expect(shown).toBe(deployReport(results()));
  }, 120_000);
});

describe('npm run rotate-api-key', () => {
  it('adds the next generation beside the current key, then keeps only it', () => {
    expect(rotationPlan('web,etl', 'etl')).toEqual({
      during: 'web,etl,etl@2',
      after: 'web,etl@2',
      next: 'etl@2',
      output: 'ApiKeyCommandetl2',
    });
    expect(rotationPlan('default', 'default')).toMatchObject({ during: 'default,default@2', after: 'default@2' });
    expect(rotationPlan('web@4,etl', 'web')).toMatchObject({ during: 'web@4,etl,web@5', after: 'web@5,etl' });
  });

  it('refuses a consumer it does not know, or one still in the middle of a rotation', () => {
    expect(() => rotationPlan('web,etl', 'bi')).toThrow(/No API key of "bi".*web, etl/);
    expect(() => rotationPlan('web,etl,etl@2', 'etl')).toThrow(/finish that rotation first/);
  });
});
