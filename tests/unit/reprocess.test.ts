import { describe, expect, it } from 'vitest';
import type { ArticleRecord, Status } from '../../shared/article.js';
import type { ArticleRepository, BlobStore, Reopen, SourceRef } from '../../shared/ports.js';
import { type RedriveDeps, redrive, reprocessArticle, reprocessMatching } from '../../shared/usecases/reprocess.js';
import { articleRecord } from '../helpers/articles.js';
import { codeOfAsync } from '../helpers/errors.js';

const BUCKET = 'precis-articles';
const NOW = new Date('2026-11-30T12:00:00Z');

const article = (key: string, status: Status, fields: Partial<ArticleRecord> = {}) =>
  articleRecord(BUCKET, key, status, fields);

const analysed = {
  textKey: 'cleaned/x.txt',
  language: 'en',
  summary: { headline: 'h', short: 's', bullets: [] },
  claims: [],
  provenance: { engine: 'openai', model: 'm', promptVersion: 'p1', cleanerVersion: 'c1' },
};

/** The use case's world in memory: records that reopen as the repository does, and what was sent where. */
function world(records: ArticleRecord[], options: { raceOn?: string } = {}) {
  const byId = new Map(records.map((r) => [r.id, structuredClone(r)]));
  const sent = { ingest: [] as SourceRef[], analyze: [] as string[], bodies: [] as string[] };
  const puts: string[] = [];
  const reopened: Reopen[] = [];
  const articles = {
    get: async (id: string) => byId.get(id),
    list: async ({ status }: { status?: Status }) => ({
      items: [...byId.values()].filter((a) => a.status === status),
      nextCursor: null,
    }),
    reopen: async (id: string, expected: Pick<ArticleRecord, 'status' | 'updatedAt'>, reopen: Reopen, now: Date) => {
      const current = byId.get(id);
      if (!current || current.status !== expected.status || current.updatedAt !== expected.updatedAt) return false;
      if (options.raceOn === id) return false;
      reopened.push(reopen);
      const to = { ingest: 'RECEIVED', analysis: 'CLEANED', translations: 'PARTIAL' } as const;
      byId.set(id, { ...current, status: to[reopen.to], updatedAt: now.toISOString(), reprocess: reopen.request });
      return true;
    },
  } as unknown as ArticleRepository;
  const deps = {
    articles,
    blobs: { put: async (_b: string, key: string) => void puts.push(key) } as unknown as BlobStore,
    ingestQueue: { send: async (source: SourceRef) => void sent.ingest.push(source) },
    analyzeQueue: { send: async ({ articleId }: { articleId: string }) => void sent.analyze.push(articleId) },
    clock: () => NOW,
    config: { bucket: BUCKET, targetLanguages: ['ar', 'fr'] },
  };
  return { deps, byId, sent, puts, reopened };
}

describe('reprocessing one article', () => {
  it('analyses a finished article again, keeping the record it replaces under history/', async () => {
    const done = article('incoming/a.html', 'DONE', analysed);
    const { deps, sent, puts, byId } = world([done]);
    const result = await reprocessArticle(done.id, 'all', deps);
    expect(result).toEqual({
      articleId: done.id,
      scope: 'all',
      next: 'analysis',
      previousStatus: 'DONE',
      previousKey: `history/${done.id}/2026-11-01T00-05-00.000Z.json`,
    });
    expect(puts).toEqual([result.previousKey]);
    expect(sent.analyze).toEqual([done.id]);
    // The record points at its copy, from which its summary stays readable until the new run ends.
    expect(byId.get(done.id)?.reprocess).toEqual({
      scope: 'all',
      requestedAt: NOW.toISOString(),
      from: 'DONE',
      previousKey: result.previousKey,
    });
  });

  it('cleans again from its upload an article that failed before it was cleaned', async () => {
    const failed = article('incoming/b.html', 'FAILED');
    const { deps, sent, puts } = world([failed]);
    expect(await reprocessArticle(failed.id, 'all', deps)).toMatchObject({ next: 'ingest', previousKey: null });
    expect(sent.ingest).toEqual([
      { bucket: BUCKET, key: 'incoming/b.html', etag: '"e"', size: 10, sequencer: '00ABC' },
    ]);
    expect(puts).toEqual([]);
  });

  it('redoes only the configured translations not done', async () => {
    const partial = article('incoming/c.html', 'PARTIAL', {
      ...analysed,
      translations: { ar: { status: 'done', headline: '', short: '', bullets: [], claims: [] } },
    });
    const { deps, sent } = world([partial]);
    expect(await reprocessArticle(partial.id, 'translations', deps)).toMatchObject({
      next: 'translations',
      languages: ['fr'],
    });
    expect(sent.analyze).toEqual([partial.id]);
  });

  it('refuses, with a code, what cannot be reprocessed, and sends nothing', async () => {
    const busy = article('incoming/d.html', 'ANALYZING', analysed);
    const unanalysed = article('incoming/e.html', 'FAILED');
    const translated = article('incoming/f.html', 'DONE', {
      ...analysed,
      translations: Object.fromEntries(
        ['ar', 'fr'].map((l) => [l, { status: 'done', headline: '', short: '', bullets: [], claims: [] }]),
      ),
    });
    const raced = article('incoming/g.html', 'DONE', analysed);
    const { deps, sent } = world([busy, unanalysed, translated, raced], { raceOn: raced.id });
    expect(await codeOfAsync(reprocessArticle('0'.repeat(24), 'all', deps))).toBe('ARTICLE_NOT_FOUND');
    expect(await codeOfAsync(reprocessArticle(busy.id, 'all', deps))).toBe('ARTICLE_BUSY');
    expect(await codeOfAsync(reprocessArticle(unanalysed.id, 'translations', deps))).toBe('NOT_ANALYSED');
    expect(await codeOfAsync(reprocessArticle(translated.id, 'translations', deps))).toBe('NOTHING_TO_REPROCESS');
    expect(await codeOfAsync(reprocessArticle(raced.id, 'all', deps))).toBe('ARTICLE_BUSY');
    expect(sent).toEqual({ ingest: [], analyze: [], bodies: [] });
  });
});

describe('reprocessing in bulk', () => {
  const offline = { ...analysed, provenance: { ...analysed.provenance, engine: 'offline' } };
  const records = [
    article('incoming/1.html', 'DONE', offline),
    article('incoming/2.html', 'DONE', analysed),
    article('incoming/3.html', 'DONE', {
      ...offline,
      translations: Object.fromEntries(
        ['ar', 'fr'].map((l) => [l, { status: 'done', headline: '', short: '', bullets: [], claims: [] }]),
      ),
    }),
  ];

  it('takes what the engine filter matches; one it cannot take is skipped with its code, the rest go on', async () => {
    const { deps, sent } = world(records);
    const report = await reprocessMatching(
      { status: 'DONE', engine: 'offline', scope: 'translations', limit: 25 },
      deps,
    );
    expect(report.matched).toBe(2);
    expect(report.reprocessed.map((r) => r.articleId)).toEqual([records[0]?.id]);
    expect(report.skipped).toEqual([
      { articleId: records[2]?.id, code: 'NOTHING_TO_REPROCESS', message: expect.any(String) },
    ]);
    expect(sent.analyze).toEqual([records[0]?.id]);
  });

  it('changes nothing on a dry run', async () => {
    const { deps, sent, reopened } = world(records);
    const report = await reprocessMatching({ status: 'DONE', scope: 'all', limit: 25, dryRun: true }, deps);
    expect(report.reprocessed).toHaveLength(3);
    expect(report.dryRun).toBe(true);
    expect(reopened).toEqual([]);
    expect(sent.analyze).toEqual([]);
  });
});

describe('the redrive', () => {
  function redriveWorld(records: ArticleRecord[], dead: { ingest: string[]; analyze: string[] }, clockStep = 0) {
    const w = world(records);
    let now = NOW.getTime();
    const queue = (bodies: string[]) => ({
      receive: async (max: number) => bodies.splice(0, max).map((body, i) => ({ body, handle: `h${i}:${body}` })),
      deleted: [] as string[],
      async delete(handle: string) {
        this.deleted.push(handle);
      },
    });
    const deadLetters = { ingest: queue(dead.ingest), analyze: queue(dead.analyze) };
    const deps: RedriveDeps = {
      ...w.deps,
      clock: () => {
        now += clockStep;
        return new Date(now);
      },
      deadLetters,
      ingestMessages: {
        sourcesOf: (body) =>
          (JSON.parse(body) as { keys: string[] }).keys.map((key) => ({
            bucket: BUCKET,
            key,
            etag: null,
            size: null,
            sequencer: '1',
          })),
        sendBody: async (body) => void w.sent.bodies.push(body),
      },
    };
    return { ...w, deps, deadLetters };
  }

  it('reprocesses failed articles, resends a message whose upload has no record, and deletes what it drove', async () => {
    const failed = article('incoming/failed.html', 'FAILED', analysed);
    const finished = article('incoming/done.html', 'DONE', analysed);
    const lost = JSON.stringify({ keys: ['incoming/never-recorded.html'] });
    const { deps, sent, deadLetters } = redriveWorld([failed, finished], {
      ingest: [lost],
      analyze: [JSON.stringify({ articleId: failed.id }), JSON.stringify({ articleId: finished.id })],
    });
    const report = await redrive(deps, { deadline: NOW.getTime() + 10_000 });
    expect(report).toEqual({
      messages: 3,
      reprocessed: [failed.id],
      resent: 1,
      finished: [finished.id],
      failed: [],
      more: false,
    });
    expect(sent.analyze).toEqual([failed.id]);
    expect(sent.bodies).toEqual([lost]);
    expect(deadLetters.analyze.deleted).toHaveLength(2);
    expect(deadLetters.ingest.deleted).toHaveLength(1);
  });

  it('stops at its deadline and says more are left', async () => {
    const { deps } = redriveWorld([], { ingest: [], analyze: ['{"articleId":"x"}', '{"articleId":"y"}'] }, 600);
    const report = await redrive(deps, { deadline: NOW.getTime() + 1000 });
    expect(report.more).toBe(true);
  });
});
