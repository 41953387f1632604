import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../lambdas/analyze/deps.js';
import { CachedEngine, MemoryAnalysisCache } from '../../shared/analysis/cache.js';
import type { AnalysisInput } from '../../shared/analysis/engine.js';
import { MemorySketchIndex } from '../../shared/analysis/sketch-index.js';
import { SyndicatedEngine } from '../../shared/analysis/syndication.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';
import { oneFigureChanged, refurnished } from '../helpers/syndication-variants.js';

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());
beforeEach(() => stub.reset());

/** The engine as the analyze function builds it: the cache in front of the sketch index in front of the LLM. */
function engine() {
  const llm = createLlmEngine(stubLlmConfig(stub.baseURL));
  return new CachedEngine(new SyndicatedEngine(llm, new MemorySketchIndex()), new MemoryAnalysisCache());
}

const original = cleanDocument(sample('basra-water.html'), { name: 'basra-water.html' });
const contentHash = (text: string) => createHash('sha256').update(text).digest('hex');
const variant = (text: string, title: string): AnalysisInput => ({
  ...original,
  text,
  title,
  contentHash: contentHash(text),
});
const cost = (usage: Parameters<typeof UsageMeter.sum>[0]) => UsageMeter.sum(usage).costUsd ?? 0;

describe('syndicated stories', () => {
  it('pays once for a story republished under another headline, byline and footer, its claims pointing into the copy', async () => {
    const syndicated = engine();
    const first = await syndicated.analyze(original, { targetLanguages: ['fr'] });
    const paid = stub.requests.length;
    const text = refurnished(original.text, 1);
    const copy = await syndicated.analyze(variant(text, 'Basra runs short of water as salt rises'), {
      targetLanguages: ['fr'],
    });
    expect(stub.requests.length).toBe(paid);
    expect(cost(copy.usage)).toBeLessThanOrEqual(cost(first.usage) / 10);
    expect(copy.provenance.duplicateOf?.contentHash).toBe(original.contentHash);
    expect(copy.provenance.duplicateOf?.similarity).toBeGreaterThan(0.7);
    expect(copy.claims.length).toBe(first.claims.length);
    for (const claim of copy.claims) expect(text.slice(claim.start ?? 0, claim.end ?? 0)).toBe(claim.evidence);
    expect(copy.summary).toEqual(first.summary);
  });

  it('drops the claims whose evidence the copy no longer has, and their translations', async () => {
    const syndicated = engine();
    const first = await syndicated.analyze(original, { targetLanguages: ['fr'] });
    // A sentence no summary field tells, reworded around its figures: its claim's evidence is no longer in the copy.
    const text = original.text.replace(
      'Doctors at Basra Teaching Hospital reported',
      'Doctors at the city hospital saw',
    );
    const copy = await syndicated.analyze(variant(text, original.title ?? ''), { targetLanguages: ['fr'] });
    expect(copy.provenance.duplicateOf?.contentHash).toBe(original.contentHash);
    const gone = first.claims.filter((c) => !text.includes(c.evidence));
    expect(gone.length).toBe(1);
    expect(copy.claims.map((c) => c.id)).toEqual(first.claims.filter((c) => !gone.includes(c)).map((c) => c.id));
    for (const claim of copy.claims) expect(text.slice(claim.start ?? 0, claim.end ?? 0)).toBe(claim.evidence);
    const fr = copy.translations.fr;
    expect(fr?.status === 'done' && fr.claims.map((c) => c.id)).toEqual(copy.claims.map((c) => c.id));
    expect(copy.checks?.claims.total).toBe(copy.claims.length);
  });

  it('analyses as new a story whose near copy, uploaded first, put words in the summary this text does not say', async () => {
    const learn = await engine().analyze(original, { targetLanguages: [] });
    const said = learn.summary.bullets.find((b) => !/\d/.test(b) && original.text.includes(b)) ?? '';
    expect(said).not.toBe('');
    // The same story, a sentence of its summary swapped for an accusation with no figure in it.
    const poisoned = original.text.replace(
      said,
      'The governor was arrested on charges of selling the water contracts to his cousins.',
    );
    const syndicated = engine();
    const planted = await syndicated.analyze(variant(poisoned, original.title ?? ''), { targetLanguages: [] });
    expect(planted.summary.bullets.join(' ')).toContain('arrested');
    stub.reset();
    const real = await syndicated.analyze(original, { targetLanguages: [] });
    expect(real.provenance.duplicateOf).toBeUndefined();
    expect(real.summary.bullets.join(' ')).not.toContain('arrested');
    expect(stub.requests.map((r) => r.task)).toContain('article_analysis');
  });

  it('analyses as new a copy with one figure changed, and another story', async () => {
    const syndicated = engine();
    await syndicated.analyze(original, { targetLanguages: [] });
    stub.reset();
    const changed = oneFigureChanged(original.text) ?? '';
    expect(changed).not.toBe(original.text);
    const figure = await syndicated.analyze(variant(changed, original.title ?? ''), { targetLanguages: [] });
    expect(figure.provenance.duplicateOf).toBeUndefined();
    expect(stub.requests.map((r) => r.task)).toContain('article_analysis');

    stub.reset();
    const other = cleanDocument(sample('kirkuk-checkpoints.txt'), { name: 'kirkuk-checkpoints.txt' });
    const story = await syndicated.analyze(other, { targetLanguages: [] });
    expect(story.provenance.duplicateOf).toBeUndefined();
    expect(stub.requests.map((r) => r.task)).toContain('article_analysis');
  });

  it('analyses as new a copy published another day: its relative dates mean other days', async () => {
    const syndicated = engine();
    await syndicated.analyze(original, { targetLanguages: [] });
    stub.reset();
    const text = refurnished(original.text, 3);
    const later = await syndicated.analyze(
      { ...variant(text, 'Another headline'), publishedAt: '2024-07-15T08:00:00+03:00' },
      { targetLanguages: [] },
    );
    expect(later.provenance.duplicateOf).toBeUndefined();
    expect(stub.requests.map((r) => r.task)).toContain('article_analysis');
  });

  it('is not used by a reprocess: a fresh run pays again', async () => {
    const syndicated = engine();
    await syndicated.analyze(original, { targetLanguages: [] });
    stub.reset();
    const copy = variant(refurnished(original.text, 2), 'Another headline');
    const fresh = await syndicated.analyze(copy, { targetLanguages: [], fresh: 'run-2' });
    expect(fresh.provenance.duplicateOf).toBeUndefined();
    expect(stub.requests.length).toBeGreaterThan(0);
  });
});
