import { describe, expect, it } from 'vitest';
import { type ArticleRecord, articleIdFor, type Status } from '../../shared/article.js';
import { objectKeys } from '../../shared/layout.js';
import type { ArticleRepository, Pending, SourceRef } from '../../shared/ports.js';
import { type SweepDeps, sweep } from '../../shared/usecases/sweep.js';
import { MAX_RESENDS } from '../../shared/usecases/sweep-uploads.js';
import { articleRecord } from '../helpers/articles.js';
import { Ledger, MemoryArticles, MemoryBlobs, MemoryEvents, MemorySweepState } from '../helpers/memory-ports.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const BUCKET = 'precis-articles';
const MINUTE = 60_000;
const DAY = 86_400_000;
const ago = (ms: number, from = NOW) => new Date(from.getTime() - ms);

/** The sweep's world in memory, its clock moving only as the ports are called. */
function world(options: { start?: Date; budgetMs?: number; uploadPages?: number } = {}) {
  const ledger = new Ledger(options.start ?? NOW);
  const blobs = new MemoryBlobs(ledger);
  const articles = new MemoryArticles(ledger);
  const state = new MemorySweepState(ledger);
  const events = new MemoryEvents();
  const sent = { ingest: [] as SourceRef[], resends: [] as number[], analyze: [] as string[] };
  const deps: SweepDeps = {
    blobs,
    articles: articles.port as unknown as ArticleRepository,
    state,
    events,
    ingestQueue: {
      send: async (source, options) => {
        ledger.charge('send');
        sent.ingest.push(source);
        sent.resends.push(options?.resends ?? 0);
      },
    },
    analyzeQueue: {
      send: async ({ articleId }) => {
        ledger.charge('send');
        sent.analyze.push(articleId);
      },
    },
    clock: ledger.clock,
    config: {
      bucket: BUCKET,
      staleAfterMs: 30 * MINUTE,
      budgetMs: options.budgetMs ?? 4 * MINUTE,
      eventGraceMs: 5 * MINUTE,
      uploadPages: options.uploadPages ?? 1,
    },
  };
  const upload = (key: string, modified: Date, size = 5) =>
    blobs.add({ key, size, etag: `"${key.length}"`, lastModified: modified });
  const record = (
    key: string,
    status: Status,
    updated: Date,
    pending?: Pending,
    fields: Partial<ArticleRecord> = {},
  ) => {
    const r = articleRecord(BUCKET, key, status, {
      receivedAt: ago(2 * DAY).toISOString(),
      updatedAt: updated.toISOString(),
      ...fields,
    });
    articles.put(r, pending);
    return r;
  };
  return { ledger, blobs, articles, state, events, sent, deps, upload, record };
}

describe('the sweep', () => {
  it('sends stuck articles to their next stage, found by what they wait for, and leaves the others', async () => {
    // Prepare
    const w = world();
    const received = w.record('incoming/r.txt', 'RECEIVED', ago(60 * MINUTE), 'RECEIVED');
    const cleaned = w.record('incoming/c.txt', 'CLEANED', ago(45 * MINUTE), 'CLEANED');
    const analyzing = w.record('incoming/a.txt', 'ANALYZING', ago(31 * MINUTE), 'ANALYZING');
    const reopened = w.record('incoming/p.txt', 'PARTIAL', ago(40 * MINUTE), 'PARTIAL');
    w.record('incoming/busy.txt', 'ANALYZING', ago(2 * MINUTE), 'ANALYZING');
    w.record('incoming/done.txt', 'DONE', ago(90 * MINUTE));
    w.record('incoming/partial.txt', 'PARTIAL', ago(90 * MINUTE));
    // Act
    const report = await sweep(w.deps);
    // Assess
    expect(w.sent.ingest).toEqual([
      { bucket: BUCKET, key: 'incoming/r.txt', etag: '"e"', size: 10, sequencer: '00ABC' },
    ]);
    expect(w.sent.analyze.sort()).toEqual([cleaned.id, analyzing.id, reopened.id].sort());
    expect(report).toMatchObject({ reingested: [received.id], stopped: false });
  });

  it('sends uploads with no article to ingest once their event is overdue: dated ones by day, the others by a rolling pass', async () => {
    // Prepare
    const w = world();
    const today = objectKeys.datedUploads('2026-11-30');
    w.upload('incoming/lost.txt', ago(40 * MINUTE));
    w.upload(`${today}aa-lost.html`, ago(35 * MINUTE));
    w.upload('incoming/known.txt', ago(90 * MINUTE));
    w.record('incoming/known.txt', 'DONE', ago(80 * MINUTE));
    w.upload('incoming/just-uploaded.txt', ago(1 * MINUTE));
    w.upload(`${today}bb-just-uploaded.html`, ago(1 * MINUTE));
    // A folder marker (no bytes) is no upload; a key ending in / that holds bytes is one.
    w.upload('incoming/folder/', ago(100 * MINUTE), 0);
    w.upload('incoming/no-name/', ago(100 * MINUTE), 5);
    // Act
    const report = await sweep(w.deps);
    // Assess
    const lost = ['incoming/lost.txt', `${today}aa-lost.html`, 'incoming/no-name/'];
    expect(w.sent.ingest.map((s) => s.key).sort()).toEqual(lost.sort());
    expect(w.sent.ingest[0]).toMatchObject({ bucket: BUCKET, sequencer: '0' });
    expect(report.unknown.sort()).toEqual(lost.map((key) => articleIdFor(BUCKET, key)).sort());
  });

  it('at the local start takes every upload with no article, but those whose event waits in the queue', async () => {
    const w = world();
    w.upload('incoming/a.txt', NOW);
    w.upload('incoming/b.txt', NOW);
    await sweep(w.deps, { uploadsOlderThanMs: 0, queued: (key) => key === 'incoming/b.txt' });
    expect(w.sent.ingest.map((s) => s.key)).toEqual(['incoming/a.txt']);
  });

  it('does not look up an upload the previous pass looked at: it is listed, not read', async () => {
    // Prepare: a pass over the history, then one more upload whose event is lost.
    const w = world();
    for (let i = 0; i < 500; i++) {
      w.upload(`incoming/feed/${i}.html`, ago(3 * DAY));
      w.record(`incoming/feed/${i}.html`, 'DONE', ago(3 * DAY));
    }
    await sweep(w.deps);
    await sweep(w.deps);
    w.upload('incoming/feed/late.html', w.ledger.clock());
    w.ledger.advance(31 * MINUTE);
    w.ledger.reset();
    // Act
    const report = await sweep(w.deps);
    // Assess
    expect(report.unknown).toEqual([articleIdFor(BUCKET, 'incoming/feed/late.html')]);
    const { calls } = w.ledger.reset();
    // One read of where it stopped, one listing page, one look-up: not 501.
    expect(calls.get).toBe(2);
    expect(calls.list).toBeLessThanOrEqual(5);
  });

  it('sends again an upload whose ingest message died before it had a record, and leaves dead messages of articles with one', async () => {
    // Prepare: two dead messages; one upload never got a record, the other was marked FAILED on its last receive.
    const w = world();
    const lost = { bucket: BUCKET, key: 'incoming/lost.txt', etag: '"1"', size: 5, sequencer: '00AB' };
    const failed = { ...lost, key: 'incoming/failed.txt' };
    w.record(failed.key, 'FAILED', ago(10 * MINUTE));
    const dead = new Map([
      ['h1', JSON.stringify(lost)],
      ['h2', JSON.stringify(failed)],
    ]);
    w.deps.ingestDeadLetters = {
      queue: {
        receive: async (max) => {
          const taken = [...dead].slice(0, max);
          return taken.map(([handle, body]) => ({ handle, body }));
        },
        delete: async (handle) => {
          dead.delete(handle);
        },
      },
      sourcesOf: (body) => [JSON.parse(body)],
      resendsOf: () => 0,
    };
    // Act
    const report = await sweep(w.deps);
    // Assess: sent again, saying it is the first time.
    expect(report.deadLettered).toEqual([articleIdFor(BUCKET, lost.key)]);
    expect(w.sent.ingest).toEqual([lost]);
    expect(w.sent.resends).toEqual([1]);
    expect([...dead.keys()]).toEqual(['h2']);
  });

  it('gives an upload whose ingest message keeps dying with no record a FAILED record after the last resend', async () => {
    // Prepare: the same upload's message, dead once more after each resend the sweep made.
    const w = world();
    const lost = { bucket: BUCKET, key: 'incoming/never.txt', etag: '"1"', size: 5, sequencer: '0' };
    const id = articleIdFor(BUCKET, lost.key);
    const dead = new Map<string, { source: SourceRef; resends: number }>();
    w.deps.ingestDeadLetters = {
      queue: {
        receive: async (max) => [...dead].slice(0, max).map(([handle]) => ({ handle, body: handle })),
        delete: async (handle) => {
          dead.delete(handle);
        },
      },
      sourcesOf: (body) => [dead.get(body)?.source ?? lost],
      resendsOf: (body) => dead.get(body)?.resends ?? 0,
    };
    // Act: a run after each death; ingest never gets the upload a record.
    const reports = [];
    for (let round = 0; round <= MAX_RESENDS; round++) {
      dead.set(`death-${round}`, { source: lost, resends: w.sent.resends.at(-1) ?? 0 });
      reports.push(await sweep(w.deps));
    }
    // Assess: sent again MAX_RESENDS times, each saying which time it is; then FAILED with its code, its event
    // left to the pass over finished articles, and the dead message gone: no round after it.
    expect(w.sent.resends).toEqual(Array.from({ length: MAX_RESENDS }, (_, i) => i + 1));
    expect(reports.at(-1)?.abandoned).toEqual([id]);
    const failed = await w.articles.port.get(id);
    expect(failed).toMatchObject({ status: 'FAILED', sourceKey: lost.key, error: { code: 'INGEST_ABANDONED' } });
    expect(w.articles.pendingOf(id)).toBe('EVENT');
    expect(dead.size).toBe(0);
  });

  it('stops on its time budget, saves where it stopped, and the next run resumes there', async () => {
    // Prepare: more stuck articles than a run's budget drives.
    const w = world({ budgetMs: 200 });
    const ids = Array.from(
      { length: 250 },
      (_, i) => w.record(`incoming/s${i}.txt`, 'CLEANED', ago(DAY + i), 'CLEANED').id,
    );
    // Act
    const first = await sweep(w.deps);
    const runs = [first];
    while (runs.at(-1)?.stopped && runs.length < 20) runs.push(await sweep(w.deps));
    // Assess
    expect(first.stopped).toBe(true);
    expect(first.reanalyzed.length).toBeLessThan(250);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.at(-1)?.stopped).toBe(false);
    // Each stuck article driven once across the runs: the position carried them on.
    expect(w.sent.analyze.sort()).toEqual([...ids].sort());
  });

  it('publishes the event of a finished article nobody published, once, and of a PARTIAL one only when its retry is overdue', async () => {
    // Prepare
    const w = world();
    const done = w.record('incoming/d.txt', 'DONE', ago(10 * MINUTE), 'EVENT', {
      title: 'T',
      provenance: { engine: 'openai', model: 'm', promptVersion: 'p', cleanerVersion: 'c' },
    });
    const failed = w.record('incoming/f.txt', 'FAILED', ago(6 * MINUTE), 'EVENT', {
      error: { code: 'NO_ARTICLE_TEXT', message: 'No text.', stage: 'ingest', attempts: 1 },
    });
    w.record('incoming/fresh.txt', 'DONE', ago(1 * MINUTE), 'EVENT');
    w.record('incoming/retrying.txt', 'PARTIAL', ago(10 * MINUTE), 'RETRY');
    const overdue = w.record('incoming/overdue.txt', 'PARTIAL', ago(40 * MINUTE), 'RETRY');
    // Act
    const report = await sweep(w.deps);
    const again = await sweep(w.deps);
    // Assess
    expect(report.published.sort()).toEqual([done.id, failed.id, overdue.id].sort());
    expect(again.published).toEqual([]);
    expect(w.events.published.find((e) => e.articleId === done.id)).toEqual({
      articleId: done.id,
      status: 'DONE',
      sourceBucket: BUCKET,
      sourceKey: 'incoming/d.txt',
      title: 'T',
      language: null,
      engine: 'openai',
      error: null,
      finishedAt: done.updatedAt,
    });
    expect(w.events.published.find((e) => e.articleId === failed.id)).toMatchObject({
      engine: null,
      error: { code: 'NO_ARTICLE_TEXT', message: 'No text.', stage: 'ingest' },
    });
  });

  it('keeps an event the bus refused pending, and publishes it on the pass that looks at every pending one again', async () => {
    const w = world();
    const done = w.record('incoming/d.txt', 'DONE', ago(10 * MINUTE), 'EVENT');
    w.events.refuse = true;
    expect((await sweep(w.deps)).published).toEqual([]);
    expect(w.articles.pendingOf(done.id)).toBe('EVENT');
    w.events.refuse = false;
    // The next runs look at what became pending since; once a stale period, at all that still is.
    w.ledger.advance(15 * MINUTE);
    expect((await sweep(w.deps)).published).toEqual([]);
    w.ledger.advance(16 * MINUTE);
    expect((await sweep(w.deps)).published).toEqual([done.id]);
    expect(w.articles.pendingOf(done.id)).toBeUndefined();
  });

  it('costs the same reads and time with 100,000 historical uploads and records as with 1,000', async () => {
    /** N days of history at 1,000 articles a day, half uploaded through the API (dated), half under keys of their own. */
    const measure = async (days: number) => {
      const start = ago(0);
      const w = world({ start: ago(days * DAY) });
      for (let d = days; d >= 1; d--) {
        const at = ago(d * DAY, start);
        const dated = objectKeys.datedUploads(at.toISOString().slice(0, 10));
        for (let i = 0; i < 1000; i++) {
          const key = i % 2 === 0 ? `${dated}${i}.html` : `incoming/feeds/s${i % 7}/${d}-${i}.html`;
          w.upload(key, at);
          w.record(key, i % 10 === 0 ? 'PARTIAL' : 'DONE', at);
        }
      }
      // The sweep has run every 15 minutes all along: the last run looked at uploads up to 45 minutes ago, and
      // the rolling pass, a page a run, is as far through the keys of their own as it gets (the last pass
      // took a run per 1,000 of them).
      const own = [...w.blobs.objects.keys()].filter((k) => !k.startsWith(objectKeys.datedUploads(''))).sort();
      const runs = Math.ceil(own.length / 1000);
      w.state.position = {
        pending: {},
        passed: {},
        uploads: {
          startAfter: runs > 1 ? (own[Math.floor(own.length / 2)] as string) : null,
          passStartedAt: runs > 1 ? ago((runs / 2) * 15 * MINUTE, start).toISOString() : null,
          previousPassStartedAt: ago(runs * 15 * MINUTE, start).toISOString(),
          datedUntil: ago(45 * MINUTE, start).toISOString(),
        },
      };
      // Today: the last hour's uploads, one whose event was lost, one article stuck.
      w.ledger.advance(start.getTime() - w.ledger.clock().getTime());
      for (let i = 0; i < 40; i++) {
        const key = `${objectKeys.datedUploads('2026-11-30')}today-${i}.html`;
        w.upload(key, ago(i * MINUTE));
        if (i !== 35) w.record(key, 'DONE', ago(i * MINUTE));
      }
      w.record('incoming/stuck.html', 'CLEANED', ago(45 * MINUTE), 'CLEANED');
      w.ledger.reset();
      const t0 = w.ledger.clock().getTime();
      const report = await sweep(w.deps);
      const elapsed = w.ledger.clock().getTime() - t0;
      return { report, elapsed, ...w.ledger.reset() };
    };
    // Act
    const small = await measure(1);
    const large = await measure(100);
    // Assess
    expect(small.report.unknown).toHaveLength(1);
    expect(large.report.unknown).toHaveLength(1);
    expect(large.report.reanalyzed).toHaveLength(1);
    console.log(
      `one sweep: 1,000 articles of history ${small.reads} reads, ${small.elapsed} ms; 100,000: ${large.reads} reads, ${large.elapsed} ms`,
    );
    expect(large.reads).toBeLessThanOrEqual(small.reads * 1.2);
    expect(large.elapsed).toBeLessThanOrEqual(small.elapsed * 1.2);
  });
});
