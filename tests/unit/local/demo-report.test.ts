import { describe, expect, it } from 'vitest';
import { report, stubNote } from '../../../local/demo-report.js';
import type { ArticleRecord, Translation } from '../../../shared/article.js';

const translation: Translation = { status: 'done', headline: 'في من', short: 'في من على', bullets: ['في'], claims: [] };
const analysed = (stub: boolean): ArticleRecord => ({
  id: 'a00000000000000000000001',
  sourceBucket: 'b',
  sourceKey: 'incoming/basra-water.html',
  sourceEtag: null,
  sourceSize: null,
  sourceSequencer: '0',
  status: 'DONE',
  title: 'Basra rations water',
  language: 'en',
  wordCount: 300,
  summary: { headline: 'Basra rations water', short: 'The city rations water.', bullets: ['One'] },
  claims: [],
  translations: { ar: translation, fr: translation },
  provenance: {
    engine: 'openai',
    model: 'gpt-5.4-mini',
    promptVersion: 'p',
    cleanerVersion: 'c',
    ...(stub ? { stub } : {}),
  },
  receivedAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:01.000Z',
  analyzedAt: '2026-12-01T00:00:01.000Z',
});

describe("the demo's report of an article", () => {
  it("says the stand-in LLM's translations are not translations, and what to set for real ones", () => {
    // Act
    const stubbed = report('basra-water.html', analysed(true));
    const real = report('basra-water.html', analysed(false));
    // Assess
    expect(stubbed).toContain("Stub:        answered by precis's stand-in LLM (npm run stub:llm)");
    expect(stubbed).toContain('Translations: ar, fr done (stub translation: not a real translation)');
    expect(real).toContain('Translations: ar, fr done');
    expect(real).not.toContain('stub');
    expect(stubNote([analysed(true), analysed(false)])).toMatch(
      /^1 article was analysed by precis's stand-in LLM \(stub translation: not a real translation\): the\ntranslations are filler[\s\S]*OPENAI_API_KEY/,
    );
    expect(stubNote([analysed(false)])).toBeNull();
  });
});
