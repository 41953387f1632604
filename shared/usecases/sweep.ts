import { articleIdFor, isFolderMarker, isTerminal } from '../article.js';
import type {
  ArticleEvents,
  ArticleRepository,
  BlobStore,
  Clock,
  DeadLetterQueue,
  IngestQueue,
  MessageQueue,
  Pending,
  SourceRef,
  SweepPosition,
  SweepState,
} from '../ports.js';
import { announce, finishedEvent } from './announce.js';
import { uploadOf } from './delivery.js';
import { datedUploads, deadIngestMessages, rollingPass, type Upload } from './sweep-uploads.js';

export interface SweepDeps {
  blobs: BlobStore;
  articles: ArticleRepository;
  state: SweepState;
  ingestQueue: IngestQueue;
  analyzeQueue: MessageQueue;
  /**
   * The ingest queue's dead-letter queue, and how to read the uploads its
   * messages name: a message that died before its upload had a record
   * (storage down through every receive) is driven again from there.
   */
  ingestDeadLetters?: {
    queue: DeadLetterQueue;
    sourcesOf(body: string): SourceRef[];
    /** How many times the sweep has sent the message's uploads again (see IngestQueue.send). */
    resendsOf(body: string): number;
  };
  /** Where a finished article's event goes when the function that ended it did not get it out. */
  events?: ArticleEvents;
  clock: Clock;
  config: {
    /** The article bucket, whose `incoming/` is swept. */
    bucket: string;
    /** An article untouched for longer than this in a state that should move is taken as stuck. */
    staleAfterMs: number;
    /** How long one run may work; a run that runs out saves where it stopped, and the next resumes there. */
    budgetMs: number;
    /** A finished article whose event is not out this long after it ended has its event published here. */
    eventGraceMs: number;
    /** Pages of up to 1,000 uploads the rolling pass looks at in one run. */
    uploadPages: number;
  };
}

export interface SweepReport {
  /** Uploads listed in this run (dated and rolling). */
  objects: number;
  /** Uploads with no article (their S3 event never arrived), sent to ingest. */
  unknown: string[];
  /** Uploads whose ingest message died before they had a record, sent to ingest again. */
  deadLettered: string[];
  /** Uploads whose ingest message died with no record after MAX_RESENDS resends: ended FAILED (INGEST_ABANDONED). */
  abandoned: string[];
  /** Articles stuck in RECEIVED, sent to ingest again. */
  reingested: string[];
  /** Articles stuck in CLEANED or ANALYZING, or reopened for their translations, sent to analyze again. */
  reanalyzed: string[];
  /** Finished articles whose event the sweep published. */
  published: string[];
  /** The run stopped on its time budget: the next one resumes where it stopped. */
  stopped: boolean;
}

export interface SweepOptions {
  /**
   * Uploads younger than this may still have their event on the way, and
   * are left alone (default: staleAfterMs). The local stack at start passes
   * 0, with `queued` telling the uploads whose event waits in its queue.
   */
  uploadsOlderThanMs?: number;
  queued?: (key: string) => boolean;
}

/** Where each waiting state is driven: the queue of the stage that moves it on. */
const WAITING: [Pending, 'ingest' | 'analyze'][] = [
  ['RECEIVED', 'ingest'],
  ['CLEANED', 'analyze'],
  ['ANALYZING', 'analyze'],
  ['PARTIAL', 'analyze'],
];

/** Articles read from the index at once. */
const PAGE = 100;
const emptyPosition = (): SweepPosition => ({
  pending: {},
  passed: {},
  uploads: { startAfter: null, passStartedAt: null, previousPassStartedAt: null, datedUntil: null },
});

/**
 * Drives again what a lost event or message left behind, and publishes what
 * a dead function did not. Its work follows what is new or stuck, never the
 * history: every read is of articles waiting (an index that holds only
 * them) or of uploads not looked at before, so a run costs the same after a
 * day and after a year. Safe to run at any time and twice at once: every
 * stage claims its work with a conditional write, so a message sent for an
 * article another delivery is working on is a no-op.
 *
 * 1. Stuck articles first, by a keys-only query of the waiting index on
 *    what they wait for and their last change: one RECEIVED, CLEANED or
 *    ANALYZING (or PARTIAL, reopened for its translations) unchanged for
 *    `staleAfterMs` (longer than any lease and visibility timeout) is sent
 *    again to its next stage's queue. A run looks only at those that became
 *    stuck since the last pass ended, unless that was `staleAfterMs` ago:
 *    then at every one still stuck, so each is driven again once a period.
 * 2. Finished articles whose event is not out `eventGraceMs` after they
 *    ended (a PARTIAL one waiting for its retry: `staleAfterMs`) have it
 *    published and marked so, by the same kind of pass.
 * 3. Uploads the API made, listed by the day they were made: each is looked
 *    at once, when it is older than its event could still be on the way; one
 *    with no article is sent to the ingest queue as its S3 event would have
 *    been, with the lowest sequencer (any real event for the key supersedes
 *    it).
 * 4. Every other upload, by a rolling pass over `incoming/` that lists
 *    `uploadPages` pages a run from where the last one stopped; only uploads
 *    made since the pass before are looked up, so an upload the pipeline has
 *    seen costs a line of a listing once a pass, and no read.
 * 5. The ingest queue's dead letters: a message that died while its upload
 *    had no record (the table was down through every receive, so no
 *    delivery could mark it FAILED) is the upload's only trace once steps 3
 *    and 4 have looked at it, so each upload it names with no record is
 *    sent to ingest again and the dead message deleted. The message sent
 *    says how many times it was sent so; one that died again after
 *    MAX_RESENDS of them gives its upload a FAILED record
 *    (`INGEST_ABANDONED`) instead, so no upload goes round for ever. A dead
 *    message whose uploads all have a record stays for the operator: its
 *    article was marked FAILED on the last receive, or is stuck and driven
 *    by step 1.
 *
 * Each part checks the time budget as it goes; one that runs out stops the
 * run, and where every part stopped is saved for the next. A part that fails
 * does not stop the others: the run saves its place, then throws the first
 * failure.
 */
export async function sweep(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const { clock, config } = deps;
  const started = clock().getTime();
  const deadline = started + config.budgetMs;
  const outOfTime = () => clock().getTime() >= deadline;
  const report: SweepReport = {
    objects: 0,
    unknown: [],
    deadLettered: [],
    abandoned: [],
    reingested: [],
    reanalyzed: [],
    published: [],
    stopped: false,
  };
  const position = (await deps.state.load()) ?? emptyPosition();
  const staleBefore = new Date(started - config.staleAfterMs).toISOString();
  position.passed ??= {};
  const run = { deps, position, report, started, outOfTime };
  const failures: unknown[] = [];
  const part = async (work: () => Promise<boolean>) => {
    if (report.stopped) return;
    try {
      report.stopped = !(await work());
    } catch (error) {
      failures.push(error);
    }
  };

  for (const [pending, next] of WAITING) {
    await part(() => drain(run, pending, staleBefore, (id) => drive(deps, report, id, next, staleBefore)));
  }
  const eventBefore = new Date(started - config.eventGraceMs).toISOString();
  await part(() => drain(run, 'EVENT', eventBefore, (id) => publish(deps, report, id)));
  await part(() => drain(run, 'RETRY', staleBefore, (id) => publish(deps, report, id)));

  const cutoff = started - (options.uploadsOlderThanMs ?? config.staleAfterMs);
  const lookUp = async (object: Upload, since: number) => {
    if (isFolderMarker(object)) return;
    const modified = object.lastModified?.getTime() ?? 0;
    if (modified < since || modified > cutoff || options.queued?.(object.key)) return;
    const id = articleIdFor(config.bucket, object.key);
    if (await deps.articles.get(id)) return;
    await deps.ingestQueue.send({
      bucket: config.bucket,
      key: object.key,
      etag: object.etag,
      size: object.size,
      sequencer: '0',
    });
    report.unknown.push(id);
  };
  await part(() => datedUploads(run, cutoff, lookUp));
  await part(() => rollingPass(run, lookUp));
  await part(() => deadIngestMessages(run));

  await deps.state.save(position);
  if (failures.length > 0) throw failures[0];
  return report;
}

export type Run = {
  deps: SweepDeps;
  position: SweepPosition;
  report: SweepReport;
  started: number;
  outOfTime: () => boolean;
};

/**
 * The articles waiting as `pending` whose last change falls in this pass's
 * window, a page at a time, from where the last run stopped. A new pass
 * starts where the last one ended, or from the beginning once that was
 * `staleAfterMs` ago. False when the time ran out.
 */
async function drain(
  run: Run,
  pending: Pending,
  before: string,
  handle: (id: string) => Promise<void>,
): Promise<boolean> {
  const { position } = run;
  const last = position.passed[pending];
  const recent = last && run.started - Date.parse(last.fullAt) < run.deps.config.staleAfterMs;
  const pass = position.pending[pending] ?? { from: recent ? last.before : null, before, after: null };
  position.pending[pending] = pass;
  while (!pass.from || pass.from < pass.before) {
    if (run.outOfTime()) return false;
    const page = await run.deps.articles.pending({
      pending,
      from: pass.from,
      before: pass.before,
      limit: PAGE,
      after: pass.after,
    });
    for (const { id } of page.items) await handle(id);
    pass.after = page.next;
    if (!pass.after) break;
  }
  delete position.pending[pending];
  const fullAt = pass.from && last ? last.fullAt : new Date(run.started).toISOString();
  position.passed[pending] = { before: pass.before, fullAt };
  return true;
}

/** Sends a stuck article to the stage that moves it on. */
async function drive(
  deps: SweepDeps,
  report: SweepReport,
  id: string,
  next: 'ingest' | 'analyze',
  staleBefore: string,
) {
  if (next === 'analyze') {
    await deps.analyzeQueue.send({ articleId: id });
    report.reanalyzed.push(id);
    return;
  }
  // The ingest message names the upload: read from the record, which also says it is still stuck.
  const article = await deps.articles.get(id);
  if (article?.status !== 'RECEIVED' || article.updatedAt >= staleBefore) return;
  await deps.ingestQueue.send(uploadOf(article));
  report.reingested.push(id);
}

/** Publishes a finished article's event, from its record as it is now. */
async function publish(deps: SweepDeps, report: SweepReport, id: string) {
  const article = await deps.articles.get(id);
  if (!article || !isTerminal(article.status)) return;
  const status = article.status as 'DONE' | 'PARTIAL' | 'FAILED';
  const event = finishedEvent({ ...article, status, engine: article.provenance?.engine }, article.updatedAt);
  if (await announce(deps, event)) report.published.push(id);
}
