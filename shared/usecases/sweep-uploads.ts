import { setTimeout as delay } from 'node:timers/promises';
import { articleIdFor } from '../article.js';
import { PrecisError } from '../errors.js';
import { dayOf, objectKeys } from '../layout.js';
import type { SourceRef } from '../ports.js';
import type { Run, SweepDeps } from './sweep.js';

// The sweep's parts over uploads (steps 3 to 5 of `sweep`): what a lost event or a dead message left with no record.

/** Dead ingest messages one run reads at most (ten at a time): those it leaves are read by the next runs. */
const DEAD_LETTERS_PER_RUN = 100;

/** Waits before listing again after a listing failed (its client has retried already): then the failure stands. */
const LIST_RETRY_MS = [500, 2_000, 5_000];

/** Uploads S3 lists at once: a page of the rolling pass. */
const LIST_PAGE = 1000;
/** Past every key of the dated uploads (U+10FFFF sorts after any character S3 takes). */
const DATED_ROOT = objectKeys.datedUploads('').slice(0, -1);
const PAST_DATED = `${DATED_ROOT}\u{10FFFF}`;

export type Upload = { key: string; size: number; etag: string | null; lastModified: Date | null };

/** Step 5: the ingest dead letters whose uploads have no record, sent to ingest again. */
export async function deadIngestMessages(run: Run): Promise<boolean> {
  const { deps, report } = run;
  const dead = deps.ingestDeadLetters;
  if (!dead) return true;
  for (let read = 0; read < DEAD_LETTERS_PER_RUN; ) {
    if (run.outOfTime()) return false;
    const batch = await dead.queue.receive(10);
    if (batch.length === 0) break;
    read += batch.length;
    for (const message of batch) {
      let sources: SourceRef[] = [];
      try {
        sources = dead.sourcesOf(message.body);
      } catch {
        // Not an upload's event: nothing the sweep can drive; left for the operator.
      }
      const unknown: SourceRef[] = [];
      for (const source of sources) {
        if (!(await deps.articles.get(articleIdFor(source.bucket, source.key)))) unknown.push(source);
      }
      if (unknown.length === 0) continue;
      for (const source of unknown) {
        await deps.ingestQueue.send(source);
        report.deadLettered.push(articleIdFor(source.bucket, source.key));
      }
      await dead.queue.delete(message.handle);
    }
  }
  return true;
}

/**
 * The uploads under `prefix` after `startAfter`, as the blob store lists
 * them, listing again from the last one given when a page fails (a busy
 * store), after LIST_RETRY_MS; a failure that outlasts them, or one the
 * store calls permanent, is thrown.
 */
async function* listResuming(deps: SweepDeps, prefix: string, startAfter: string | undefined): AsyncIterable<Upload> {
  let after = startAfter;
  for (let failures = 0; ; ) {
    try {
      for await (const object of deps.blobs.list(deps.config.bucket, prefix, after ? { startAfter: after } : {})) {
        after = object.key;
        failures = 0;
        yield object;
      }
      return;
    } catch (error) {
      const wait = LIST_RETRY_MS[failures++];
      if (wait === undefined || (error instanceof PrecisError && error.permanent)) throw error;
      await delay(wait);
    }
  }
}

/**
 * The uploads the API made (`incoming/uploads/<day>/`), by day, from where
 * the last run looked up to `cutoff` (two days back at most: the rolling
 * pass covers a sweep that stopped for longer), so each is looked at once,
 * in the run after its event could have come.
 */
export async function datedUploads(run: Run, cutoff: number, lookUp: (o: Upload, since: number) => Promise<void>) {
  const { deps, position, report } = run;
  const day = 86_400_000;
  const since = Math.max(Date.parse(position.uploads.datedUntil ?? '') || 0, cutoff - 2 * day);
  // From the day before: an upload named just before midnight lands just after it.
  for (let at = since - (since % day) - day; at <= cutoff; at += day) {
    for await (const object of listResuming(deps, objectKeys.datedUploads(dayOf(new Date(at))), undefined)) {
      report.objects++;
      await lookUp(object, since);
      if (run.outOfTime()) return false;
    }
  }
  position.uploads.datedUntil = new Date(cutoff).toISOString();
  return true;
}

/**
 * Every other upload, `uploadPages` pages a run from where the last run
 * stopped, skipping the dated ones. An upload modified before the previous
 * pass started was looked at by it: listed, not looked up. A pass that ends
 * ends the run's part; the next run starts the next pass.
 */
export async function rollingPass(run: Run, lookUp: (o: Upload, since: number) => Promise<void>) {
  const { deps, position, report } = run;
  const uploads = position.uploads;
  uploads.passStartedAt ??= new Date(deps.clock().getTime()).toISOString();
  const previous = Date.parse(uploads.previousPassStartedAt ?? '');
  // Uploads older than the pass before were looked at by it (the margin covers those made while it ran).
  const since = Number.isNaN(previous) ? Number.NEGATIVE_INFINITY : previous - deps.config.staleAfterMs;
  let left = deps.config.uploadPages * LIST_PAGE;
  let startAfter = uploads.startAfter ?? undefined;
  for (;;) {
    let ended = true;
    for await (const object of listResuming(deps, objectKeys.incomingPrefix, startAfter)) {
      if (object.key.startsWith(DATED_ROOT)) {
        startAfter = PAST_DATED;
        ended = false;
        break;
      }
      report.objects++;
      left--;
      startAfter = object.key;
      await lookUp(object, since);
      // Kept as it goes: a run that fails part way (a listing or a read that did not answer) saves its place.
      uploads.startAfter = startAfter;
      if (left === 0 || run.outOfTime()) return !run.outOfTime();
    }
    if (ended) break;
  }
  // The pass reached the end of the listing.
  uploads.previousPassStartedAt = uploads.passStartedAt;
  uploads.passStartedAt = null;
  uploads.startAfter = null;
  return true;
}
