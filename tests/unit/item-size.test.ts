import { describe, expect, it } from 'vitest';
import { longArticle } from '../../bench/lib/long-article.js';
import { OfflineEngine } from '../../shared/analysis/offline-engine.js';
import type { ArticleRecord, Translation } from '../../shared/article.js';
import { DEFAULT_MAX_WORDS } from '../../shared/config.js';
import { articleRecord } from '../helpers/articles.js';

/**
 * DynamoDB's size of a value, by its documented rules: a string its UTF-8
 * bytes, a number about one byte per two digits and one, a boolean or null
 * one, a list or map 3 bytes and one per member (a map's with its name).
 */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/^-|\./g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  return (
    3 +
    entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueBytes(v), 0)
  );
}

/** Attributes as the repository writes them: undefined ones are left out. */
const entries = (item: Record<string, unknown>) => Object.entries(item).filter(([, v]) => v !== undefined);

/** The size DynamoDB counts against its 400 KB item limit: attribute names and values. */
function itemBytes(item: Record<string, unknown>): number {
  return entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

/** A text as a translation into a language of another script writes it: half as long again, two bytes a letter. */
const translated = (text: string) => 'ب'.repeat(Math.ceil(text.length * 1.5));

describe('an article record', () => {
  it('stays well under the 400 KB item limit with 10 translations of the longest text it accepts', async () => {
    // Prepare: the longest text the cleaner passes on, analysed; every stored field at the length it can reach.
    const article = longArticle(DEFAULT_MAX_WORDS);
    const languages = ['ar', 'fr', 'es', 'de', 'tr', 'fa', 'ku', 'ru', 'zh', 'ur'];
    const result = await new OfflineEngine().analyze(
      { text: article.text, title: article.title, language: 'en', publishedAt: null, contentHash: 'h' },
      { targetLanguages: [] },
    );
    const claims = result.claims.map((claim) => ({
      ...claim,
      checkworthinessReason: 'Public interest: a public budget; misleading if false; verifiable against the records.',
      unsupported: ['19 million'],
    }));
    const translations: Record<string, Translation> = Object.fromEntries(
      languages.map((lang) => [
        lang,
        {
          status: 'done',
          headline: translated(result.summary.headline),
          short: translated(result.summary.short),
          bullets: result.summary.bullets.map(translated),
          claims: claims.map((c) => ({
            id: c.id,
            text: translated(c.text),
            speaker: c.speaker && translated(c.speaker),
          })),
        },
      ]),
    );
    const usage = {
      inputTokens: 180_000,
      outputTokens: 9_000,
      cachedInputTokens: 120_000,
      reasoningTokens: 4_000,
      calls: 7,
      costUsd: 0.123456,
    };
    const record: ArticleRecord & Record<string, unknown> = {
      ...articleRecord('precis-articles-a1b2c3d4e5f6', `incoming/uploads/2026-11-30/${'x'.repeat(180)}.html`, 'DONE'),
      title: article.title,
      byline: 'By Maria Okafor and Jonas Berg, with reporting from Basra',
      language: 'en',
      publishedAt: '2026-11-30T08:00:00.000Z',
      site: 'example.org',
      url: `https://example.org/news/${'y'.repeat(150)}`,
      format: 'html',
      encoding: 'utf-8',
      contentHash: 'a'.repeat(64),
      wordCount: article.words,
      textKey: 'cleaned/0123456789abcdef01234567.txt',
      summary: result.summary,
      claims,
      translations,
      usage: Object.fromEntries(
        ['analysis', 'verify', ...languages.map((l) => `translation:${l}`)].map((s) => [s, usage]),
      ),
      provenance: {
        engine: 'openai',
        model: 'gpt-5.4-mini',
        translationModel: 'gpt-5.4-nano',
        promptVersion: 'analysis-v7',
        cleanerVersion: 'cleaner-v12',
        chunks: 9,
        llm: { api: 'responses', provider: 'openai', outputMode: 'json_schema', reasoningEffort: 'low' },
      },
      checks: {
        summary: { verified: false, unsupportedFigures: ['12 percent'], repaired: true, replaced: ['bullets.1'] },
        faithfulness: {
          supported: false,
          unsupported: result.summary.bullets.map((text) => ({ text, reason: 'A figure the article does not give.' })),
        },
        claims: { total: 20, grounded: 18, ungrounded: 2, unsupported: 1, dropped: 3 },
        numbers: {
          summaryNotInArticle: ['12 percent'],
          translations: Object.fromEntries(languages.map((l) => [l, { missing: ['14', '2026'], added: ['15'] }])),
        },
      },
      timings: { ingestMs: 1_234, analyzeMs: 98_765 },
      reprocess: { scope: 'all', requestedAt: '2026-11-30T09:00:00.000Z', from: 'DONE' },
      cleanedAt: '2026-11-30T08:01:00.000Z',
      analyzedAt: '2026-11-30T08:03:00.000Z',
      // What the table keeps for itself.
      listPk: 'ARTICLE',
      retryPending: false,
      pending: 'EVENT',
      expiresAt: 1_900_000_000,
    };
    // Act
    const bytes = itemBytes(record);
    // Assess
    console.log(
      `record of a ${article.words.toLocaleString('en')}-word article, ${claims.length} claims, 10 translations: ${(bytes / 1024).toFixed(1)} KB of 400`,
    );
    expect(claims.length).toBeGreaterThan(10);
    expect(bytes).toBeLessThan(200 * 1024);
  });
});
