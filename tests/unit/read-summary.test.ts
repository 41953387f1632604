import { describe, expect, it } from 'vitest';
import type { ArticleRecord } from '../../shared/article.js';
import type { ReadDeps } from '../../shared/usecases/read-articles.js';
import { getSummary } from '../../shared/usecases/read-articles.js';
import { checkAnswer } from '../helpers/contract.js';

const ID = '0123456789abcdef01234567';

/** A DONE article with an Arabic translation done and a French one that failed, by the stub LLM or not. */
function deps(stub: boolean): ReadDeps {
  const article = {
    id: ID,
    status: 'DONE',
    language: 'en',
    summary: { headline: 'Plants closed', short: 'Forty plants closed.', bullets: ['a', 'b', 'c'] },
    translations: {
      ar: { status: 'done', headline: 'في من', short: 'في من على', bullets: ['في', 'من', 'على'], claims: [] },
      fr: { status: 'failed', reason: 'LLM_TIMEOUT: no answer' },
    },
    provenance: { engine: 'openai', model: 'gpt-5.4-mini', promptVersion: 'p5', ...(stub ? { stub: true } : {}) },
  } as unknown as ArticleRecord;
  return {
    articles: { get: async (id: string) => (id === ID ? article : null) } as unknown as ReadDeps['articles'],
    blobs: {} as ReadDeps['blobs'],
    config: { bucket: 'precis-test' },
  };
}

describe('the summary in a language', () => {
  it("says a stand-in LLM's translation is one, so a script reading the summary alone is told it is filler", async () => {
    // Act
    const arabic = await getSummary(ID, 'ar', deps(true));
    const french = await getSummary(ID, 'fr', deps(true));
    const real = await getSummary(ID, 'ar', deps(false));
    const original = await getSummary(ID, undefined, deps(true));

    // Assess
    expect(arabic).toMatchObject({ lang: 'ar', original: false, status: 'done', stub: true });
    expect(french).toEqual({
      articleId: ID,
      lang: 'fr',
      original: false,
      status: 'failed',
      reason: 'LLM_TIMEOUT: no answer',
    });
    expect(real).not.toHaveProperty('stub');
    expect(original).not.toHaveProperty('stub');
    // The API's contract (openapi.json) names the field.
    expect(() =>
      checkAnswer('GET', `/articles/${ID}/summary?lang=ar`, 200, 'application/json', JSON.stringify(arabic)),
    ).not.toThrow();
  });
});
