import { describe, expect, it, vi } from 'vitest';

const looked = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    existsSync: (path: Parameters<typeof fs.existsSync>[0]) => {
      looked.paths.push(String(path));
      return fs.existsSync(path);
    },
  };
});

// The setup file has read the model already (tests/setup/language-models.ts): this file reads it anew.
vi.resetModules();
const { checkworthiness, checkworthyFrom } = await import('../../../shared/analysis/checkworthiness.js');

describe("the claim model's weights", () => {
  it('are looked for beside the bundle once, not at each sentence scored', () => {
    // Act
    const scores = [
      checkworthiness('The ministry said 12 people were killed on Tuesday.'),
      checkworthiness('It was a lovely day.'),
      checkworthiness('Exports rose 4 percent in March, the central bank said.'),
    ];
    const threshold = checkworthyFrom('en');

    // Assess
    expect(scores[0]).toBeGreaterThanOrEqual(threshold);
    expect(scores[1]).toBeLessThan(threshold);
    expect(looked.paths.filter((path) => path.endsWith('checkworthiness-weights.json'))).toHaveLength(1);
  });
});
