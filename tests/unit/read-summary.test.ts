import { describe, expect, it } from 'vitest';
import type { ArticleRecord } from '../../shared/article.js';
import { InvalidInputError } from '../../shared/errors.js';
import type { ReadDeps } from '../../shared/usecases/read-articles.js';
import { getClaims, getSummary } from '../../shared/usecases/read-articles.js';
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

describe('the summary while a reprocess runs', () => {
  const KEY = `history/${ID}/2026-11-01T00-05-00.000Z.json`;
  const before = {
    id: ID,
    status: 'DONE',
    language: 'en',
    summary: { headline: 'Plants closed', short: 'Forty plants closed.', bullets: ['a', 'b', 'c'] },
    claims: [
      {
        id: 'c1',
        text: 'Forty plants closed.',
        speaker: null,
        kind: 'statistic',
        evidence: 'Forty plants closed.',
        start: 0,
        end: 20,
        grounded: true,
        match: 'exact',
        matchScore: 1,
        checkworthiness: 0.8,
      },
    ],
    translations: { ar: { status: 'done', headline: 'في من', short: 'في من على', bullets: ['في'], claims: [] } },
    provenance: { engine: 'openai', model: 'gpt-5.4-mini', promptVersion: 'p5' },
  };
  /** The record as a reprocess of scope `all` leaves it: its analysis off it, kept under history/. */
  function reprocessing(status: string): ReadDeps {
    const article = {
      id: ID,
      status,
      language: 'en',
      reprocess: { scope: 'all', requestedAt: '2026-12-01T10:00:00.000Z', from: 'DONE', previousKey: KEY },
      ...(status === 'FAILED' ? { error: { code: 'LLM_TIMEOUT', message: 'x', stage: 'analyze', attempts: 3 } } : {}),
    } as unknown as ArticleRecord;
    const blobs = new Map([[KEY, new TextEncoder().encode(JSON.stringify(before))]]);
    return {
      articles: { get: async (id: string) => (id === ID ? article : null) } as unknown as ReadDeps['articles'],
      blobs: {
        get: async (_bucket: string, key: string) => {
          const bytes = blobs.get(key);
          if (!bytes) throw new Error(`no ${key}`);
          return bytes;
        },
      } as unknown as ReadDeps['blobs'],
      config: { bucket: 'precis-test' },
    };
  }

  it("serves the previous run's summary, claims and translations, marked as such, until the new run ends", async () => {
    // Act
    const deps = reprocessing('ANALYZING');
    const summary = await getSummary(ID, undefined, deps);
    const arabic = await getSummary(ID, 'ar', deps);
    const claims = await getClaims(ID, deps);

    // Assess
    const previous = { status: 'ANALYZING', reprocessRequestedAt: '2026-12-01T10:00:00.000Z' };
    expect(summary).toEqual({ articleId: ID, lang: 'en', original: true, status: 'done', ...before.summary, previous });
    expect(arabic).toMatchObject({ lang: 'ar', status: 'done', headline: 'في من', previous });
    expect(claims).toEqual({ articleId: ID, language: 'en', claims: before.claims, previous });
    expect(() =>
      checkAnswer('GET', `/articles/${ID}/summary`, 200, 'application/json', JSON.stringify(summary)),
    ).not.toThrow();
    expect(() =>
      checkAnswer('GET', `/articles/${ID}/claims`, 200, 'application/json', JSON.stringify(claims)),
    ).not.toThrow();
  });

  it('has no analysis to show once the new run failed, nor when the copy is gone', async () => {
    await expect(getSummary(ID, undefined, reprocessing('FAILED'))).rejects.toThrow(/failed with LLM_TIMEOUT/);
    const gone = reprocessing('CLEANED');
    (gone.blobs as { get: unknown }).get = async () => {
      throw new InvalidInputError('SOURCE_NOT_FOUND', 'no longer exists');
    };
    await expect(getSummary(ID, undefined, gone)).rejects.toThrow(
      /has no analysis: it is CLEANED; try again when it is DONE\. The previous run's analysis is no longer kept\.$/,
    );
    const garbled = reprocessing('CLEANED');
    (garbled.blobs as { get: unknown }).get = async () => new TextEncoder().encode('{"id": "trunc');
    await expect(getClaims(ID, garbled)).rejects.toThrow(
      /The previous run's analysis could not be read from its copy\.$/,
    );
  });

  it("takes a copy that is JSON but not an analysis's shape for one that cannot be read, not for a summary to serve", async () => {
    // Arrange: copies a hand or a fault left under history/, each one field off the record's shape.
    const copies = [
      { summary: 'x' },
      { summary: { headline: 5, short: 's', bullets: [] } },
      { summary: { headline: 'h', short: 's' } },
      { ...before, claims: 'nope' },
      { ...before, claims: [null] },
      { ...before, translations: 'x' },
      { ...before, translations: { ar: 'zz' } },
    ];
    for (const copy of copies) {
      const deps = reprocessing('ANALYZING');
      (deps.blobs as { get: unknown }).get = async () => new TextEncoder().encode(JSON.stringify(copy));

      // Act, Assess
      for (const read of [() => getSummary(ID, undefined, deps), () => getClaims(ID, deps)]) {
        await expect(read(), JSON.stringify(copy)).rejects.toThrow(
          /The previous run's analysis could not be read from its copy\.$/,
        );
      }
    }
  });
});
