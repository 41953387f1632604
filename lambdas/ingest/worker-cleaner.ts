import { Worker } from 'node:worker_threads';
import { besideTheBundle } from '../../shared/beside-bundle.js';
import { cleaningDeadline, cleanOptions, cutShort } from '../../shared/cleaning/deadline.js';
import type { CleanedArticle } from '../../shared/cleaning/index.js';
import { InvalidInputError, type PrecisError, TransientError } from '../../shared/errors.js';
import type { Cleaner, CleanRequest } from '../../shared/ports.js';
import type { CleanJob, CleanWorkerData, WorkerMessage } from './clean-worker.js';
import { CLEAN_WORKER } from './clean-worker-file.js';
import { ballastMb } from './heap-ballast.js';
import { cleanWorkerBundle } from './worker-bundle.js';

/**
 * The cleaning worker's heap cap, in the ingest function and the CLI alike.
 * The function has 1,024 MB: the handler's thread (SDK clients, the
 * upload's bytes) takes under 200 MB, so a worker stopped at 512 MB of heap
 * (with its young generation and its ballast, an eighth of that each:
 * youngGenerationMb, ballastMb; 640 MB in all) leaves the function standing.
 * The slowest document inside the structure limits needs about 250 MB.
 */
export const CLEANER_HEAP_MB = 512;

/**
 * A worker's young generation (V8's new space, where a cleaning's
 * short-lived nodes and strings are born), MB: an eighth of its heap, 64 MB
 * at the cap above, where V8 would give 48. A capped heap grows in small
 * steps (V8 grows an old generation of 512 MB by about 1.4 times between
 * full collections, one of 4 GB by up to 4 times), so whatever a scavenge
 * promotes soon costs a full collection; with more room a page's nodes die
 * young instead. On the benchmark's pages the worker collected a third
 * less often, its cleaning (timed inside the worker) was 4 to 28 % faster
 * per median page in five runs at load 7 to 11, near a worker with no cap,
 * and through the pool the median page went from 1.23× and 1.39× the time
 * in process to 1.09× and 1.25× (once 1.22× to 1.27×: the machine's noise).
 */
export const youngGenerationMb = (heapMb: number) => Math.max(1, Math.round(heapMb / 8));

/** How a worker is started: a file, or source code evaluated in it. */
export type WorkerScript = { file: URL } | { source: string };

export interface WorkerCleanerOptions {
  /** Workers at most, each cleaning one upload at a time; the others wait their turn. */
  workers: number;
  /**
   * Each worker's heap (V8's old generation), MB: an upload that needs more stops its worker and is TOO_COMPLEX.
   * Its young generation is an eighth of it (youngGenerationMb); V8's limit is larger by the worker's ballast
   * (ballastMb, heap-ballast.ts), which the upload never has to share.
   */
  heapMb: number;
  /** The worker's code: by default the bundle beside this module, else one built from clean-worker.ts. */
  script?: WorkerScript;
  /** How long after its deadline a worker is stopped: its own check usually ends the job first, naming its step. */
  graceMs?: number;
  /** Told when a worker cannot start (not an upload's doing). */
  log?: (message: string, details: Record<string, unknown>) => void;
}

interface Waiting {
  bytes: Uint8Array;
  request: CleanRequest;
  resolve: (article: CleanedArticle) => void;
  reject: (error: unknown) => void;
  /** Refuses the job (cutShort) if it has not started by its request's endBy: a delivery never outlives its lease. */
  expiry: NodeJS.Timeout;
  settled: boolean;
}

interface Running extends Waiting {
  id: number;
  ownBudget: boolean;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  /** Given a job (waiting for the worker to be ready, or running it). */
  busy: boolean;
  running: Running | null;
  /** Why the pool stopped it, if it did. */
  stopped: 'deadline' | 'closed' | null;
  error: (Error & { code?: string }) | null;
}

/** A delay setTimeout takes as given: past 2^31 - 1 ms (24 days) it would fire at once. */
const timerDelay = (ms: number) => Math.min(2 ** 31 - 1, Math.max(0, ms));

/** The bundle beside this module when there is one (Lambda), else one built from the sources (local stack, tests). */
function defaultScript(): WorkerScript {
  return { file: besideTheBundle(CLEAN_WORKER.to) ?? cleanWorkerBundle() };
}

/**
 * The Cleaner of the ingest function and the local stack: uploads are
 * cleaned in worker threads, each with a heap cap and stopped at its job's
 * deadline, so that a hostile upload costs one worker, never the process
 * that serves everything else. A worker is kept warm between uploads (the
 * language models load once) and is not holding the process open while
 * idle. A job that stops its worker ends with its code at once: the heap
 * cap or a crash is TOO_COMPLEX, the deadline STAGE_TIMEOUT; the next job
 * gets a new worker.
 */
export class WorkerCleaner implements Cleaner {
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  /** Found when the first worker starts: building it from the sources is not for a module's import. */
  private script: WorkerScript | null;
  private nextId = 0;
  private closed = false;
  /** Workers started so far: one while none is stopped, however many uploads it cleans. */
  started = 0;

  constructor(private readonly options: WorkerCleanerOptions) {
    this.script = options.script ?? null;
  }

  clean(bytes: Uint8Array, request: CleanRequest): Promise<CleanedArticle> {
    if (this.closed) return Promise.reject(new TransientError('INTERNAL_ERROR', 'The cleaner is stopped.'));
    return new Promise((resolve, reject) => {
      const job: Waiting = {
        bytes,
        request,
        settled: false,
        resolve: (article) => {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(job.expiry);
          resolve(article);
        },
        reject: (error) => {
          if (job.settled) return;
          job.settled = true;
          clearTimeout(job.expiry);
          reject(error);
        },
        expiry: setTimeout(
          () => {
            const at = this.waiting.indexOf(job);
            if (at >= 0) this.waiting.splice(at, 1);
            job.reject(cutShort());
          },
          timerDelay(request.endBy - Date.now()),
        ),
      };
      this.waiting.push(job);
      this.pump();
    });
  }

  async warm(): Promise<void> {
    const slot = [...this.slots][0] ?? this.spawn();
    if (!slot.busy && !this.idle.includes(slot)) this.idle.push(slot);
    await slot.ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) {
      job.reject(new TransientError('INTERNAL_ERROR', 'The cleaner stopped before this upload’s turn.'));
    }
    await Promise.all([...this.slots].map((slot) => this.stop(slot, 'closed')));
  }

  /** Gives waiting jobs to idle workers, starting workers up to the limit. */
  private pump(): void {
    while (this.waiting.length > 0 && !this.closed) {
      const slot = this.idle.pop() ?? (this.slots.size < this.options.workers ? this.spawn() : null);
      if (!slot) return;
      slot.busy = true;
      slot.worker.ref();
      void this.run(slot, this.waiting.shift() as Waiting);
    }
  }

  private async run(slot: Slot, job: Waiting): Promise<void> {
    // A job given to a worker that is still loading waits for it; a worker that never starts is no upload's fault.
    try {
      await slot.ready;
    } catch (error) {
      job.reject(new TransientError('INTERNAL_ERROR', 'The cleaning worker could not start.', error));
      return;
    }
    const now = Date.now();
    const { deadline, ownBudget } = cleaningDeadline(job.request, now);
    // Refused meanwhile, waiting for the worker to be ready (its expiry), or with no time left.
    if (job.settled || deadline <= now) {
      job.reject(cutShort());
      this.release(slot);
      return;
    }
    clearTimeout(job.expiry);
    const id = ++this.nextId;
    const timer = setTimeout(
      () => void this.stop(slot, 'deadline'),
      timerDelay(deadline - now + (this.options.graceMs ?? 1_000)),
    );
    slot.running = Object.assign(job, { id, ownBudget, timer });
    // A copy of its own, moved to the worker: the caller's bytes may share their buffer with others (a
    // Buffer's slice() would be a view on it, and moving that would empty the caller's).
    const bytes = new Uint8Array(job.bytes);
    const message: CleanJob = { id, bytes: bytes.buffer, options: cleanOptions(job.request, deadline) };
    slot.worker.postMessage(message, [bytes.buffer]);
  }

  /** The worker is free again: it waits for the next job without holding the process open. */
  private release(slot: Slot): void {
    slot.busy = false;
    if (!this.slots.has(slot)) return;
    slot.worker.unref();
    this.idle.push(slot);
    this.pump();
  }

  private async stop(slot: Slot, reason: 'deadline' | 'closed'): Promise<void> {
    slot.stopped ??= reason;
    await slot.worker.terminate();
  }

  private spawn(): Slot {
    // Not the parent's flags (a TypeScript loader the parent runs under would load the bundle slowly).
    const ballast = ballastMb(this.options.heapMb);
    const options = {
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: this.options.heapMb + ballast,
        maxYoungGenerationSizeMb: youngGenerationMb(this.options.heapMb),
      },
      workerData: { ballastMb: ballast } satisfies CleanWorkerData,
    };
    this.script ??= defaultScript();
    this.started++;
    const worker =
      'file' in this.script
        ? new Worker(this.script.file, options)
        : new Worker(this.script.source, { ...options, eval: true });
    let markReady: () => void = () => {};
    let refuse: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      refuse = reject;
    });
    // Nobody may be waiting for it yet.
    ready.catch(() => undefined);
    const slot: Slot = { worker, ready, isReady: false, busy: false, running: null, stopped: null, error: null };
    this.slots.add(slot);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        slot.isReady = true;
        markReady();
        if (!slot.busy) worker.unref();
        return;
      }
      const running = slot.running;
      if (!running || running.id !== message.id) return;
      clearTimeout(running.timer);
      slot.running = null;
      if (message.type === 'cleaned') running.resolve(message.article);
      else if (message.type === 'failed') running.reject(this.failure(message.error, running));
      // An unexpected error in cleaning is reported as any other (INTERNAL_ERROR, retried); the worker lives on.
      else running.reject(new Error(`Cleaning failed in its worker: ${message.stack}`));
      this.release(slot);
    });
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (code) => {
      this.slots.delete(slot);
      const at = this.idle.indexOf(slot);
      if (at >= 0) this.idle.splice(at, 1);
      if (!slot.isReady) {
        const why = slot.error?.message ?? `exit code ${code}`;
        if (!slot.stopped) this.options.log?.('the cleaning worker could not start', { error: slot.error, code });
        refuse(new Error(`The cleaning worker stopped before it was ready (${why}).`));
      }
      const running = slot.running;
      if (running) {
        clearTimeout(running.timer);
        slot.running = null;
        running.reject(this.death(slot, running, code));
      }
      this.pump();
    });
    return slot;
  }

  /** The error a job's own failure in the worker is, as thrown in this thread. */
  private failure(error: { code: PrecisError['code']; message: string; permanent: boolean }, running: Running) {
    if (error.code === 'STAGE_TIMEOUT' && !running.ownBudget) return cutShort();
    return error.permanent
      ? new InvalidInputError(error.code, error.message)
      : new TransientError(error.code, error.message);
  }

  /** What a job's worker stopping while it ran means for the upload. */
  private death(slot: Slot, running: Running, code: number): PrecisError {
    if (slot.stopped === 'deadline') {
      return running.ownBudget
        ? new InvalidInputError(
            'STAGE_TIMEOUT',
            `Cleaning ran past its budget of ${running.request.budgetMs} ms; its worker was stopped.`,
          )
        : cutShort();
    }
    if (slot.stopped === 'closed') {
      return new TransientError('INTERNAL_ERROR', 'The cleaner was stopped while it cleaned this upload.');
    }
    if (slot.error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new InvalidInputError(
        'TOO_COMPLEX',
        `The document is too complex to clean: it needed more than the ${this.options.heapMb} MB of memory cleaning has; its worker was stopped.`,
      );
    }
    return new InvalidInputError(
      'TOO_COMPLEX',
      `The document is too complex to clean: the worker cleaning it stopped (${slot.error?.message ?? `exit code ${code}`}).`,
    );
  }
}
