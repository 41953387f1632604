import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { EventEnvelope } from '../local/events-file.js';
import { articleIdFor } from '../shared/article.js';
import type { ArticleFinished } from '../shared/ports.js';
import { startTestStack } from '../tests/helpers/stack.js';
import { longArticle } from './lib/long-article.js';
import type { Row } from './lib/report.js';
import { ms, over } from './lib/report.js';
import { median } from './lib/stats.js';
import { startStub } from './lib/stub.js';

const AT_ONCE = 20;
const WORDS = 700;

/**
 * The terminal states the stack has published since the last read, from its
 * event file (EventBridge's envelope, one a line): each with its record's
 * updatedAt. Read from where the last read stopped, so that watching costs
 * the stack nothing; asking the table for each article every few
 * milliseconds took a share of the very thread the uploads wait for.
 */
function eventsOf(file: string): { read: () => ArticleFinished[] } {
  let offset = 0;
  let partial = '';
  return {
    read: () => {
      if (!existsSync(file)) return [];
      const size = statSync(file).size;
      if (size <= offset) return [];
      const buffer = Buffer.alloc(size - offset);
      const fd = openSync(file, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        closeSync(fd);
      }
      offset = size;
      const lines = (partial + buffer.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      return lines.filter(Boolean).map((line) => (JSON.parse(line) as EventEnvelope).detail);
    },
  };
}

/** One upload's end: milliseconds from the uploads' start, and this process's CPU time spent by then. */
export interface UploadEnd {
  articleId: string;
  ms: number;
  cpuMs: number;
}

export interface BenchUploadsOptions {
  /** Uploads at once (20). */
  atOnce?: number;
  /** Told as each part begins, and when the uploads at once have all ended (the stack still up). */
  onPhase?: (phase: 'warm' | 'alone' | 'together' | 'done') => void;
  /**
   * Told each end of the uploads at once, in order. The CPU time at each end says what a wall time on a
   * busy machine cannot: how much of the burst's work was done before each article ended.
   */
  onEnds?: (ends: UploadEnd[]) => void;
  /** Told when the uploads at once start (epoch ms), with their articles' ids in the order they were sent. */
  onUploads?: (startedAt: number, articleIds: string[]) => void;
  /**
   * Bursts of uploads at once on the same running stack (1). The row is the
   * first one's, as the stack meets it after starting; each further burst
   * is told through the phases and `onEnds` only, to show what warming does.
   */
  bursts?: number;
  /**
   * The stack's target languages ('ar,fr') and the articles' words (700): the row's, unless a measurement
   * asks what an article of another shape costs (the soak's: a few hundred words, one language).
   */
  targetLanguages?: string;
  words?: number;
  /** Told the stub LLM's process id once it runs (its CPU is the provider's, not the stack's). */
  onStub?: (pid: number) => void;
}

/**
 * Concurrent uploads through the local stack with an LLM that answers at
 * once (the stub, no latency, in its own process): from each upload's start
 * to its terminal write. The anchor is one upload alone, in the same run.
 */
export async function benchUploads(log: (line: string) => void, options: BenchUploadsOptions = {}): Promise<Row[]> {
  const atOnce = options.atOnce ?? AT_ONCE;
  const stub = await startStub();
  if (stub.pid !== undefined) options.onStub?.(stub.pid);
  const { stack, close } = await startTestStack({
    OPENAI_BASE_URL: stub.baseURL,
    OPENAI_API_KEY: 'sk-bench',
    PRECIS_LLM_PROVIDER: 'openai',
    TARGET_LANGUAGES: options.targetLanguages ?? 'ar,fr',
    PRECIS_SWEEP_INTERVAL_MS: '0',
  });
  const events = eventsOf(stack.eventsFile);
  let seed = 100;
  /** Uploads `count` different articles at once; each one's end (its terminal write), in order. */
  const batch = async (count: number, together = false): Promise<UploadEnd[]> => {
    const uploads = Array.from({ length: count }, () => {
      seed++;
      return { key: `incoming/bench-${seed}.html`, body: longArticle(options.words ?? WORDS, seed).html };
    });
    const started = Date.now();
    const cpuAtStart = process.cpuUsage();
    if (together)
      options.onUploads?.(
        started,
        uploads.map((u) => articleIdFor(stack.bucket, u.key)),
      );
    await Promise.all(
      uploads.map(({ key, body }) =>
        stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body })),
      ),
    );
    const ids = new Set(uploads.map((u) => articleIdFor(stack.bucket, u.key)));
    const done = new Map<string, UploadEnd>();
    const deadline = Date.now() + 120_000;
    while (done.size < ids.size) {
      if (Date.now() > deadline) throw new Error(`${ids.size - done.size} uploads did not end in 120 s`);
      for (const event of events.read()) {
        if (!ids.has(event.articleId)) continue;
        const cpu = process.cpuUsage(cpuAtStart);
        done.set(event.articleId, {
          articleId: event.articleId,
          ms: Date.parse(event.finishedAt) - started,
          cpuMs: (cpu.user + cpu.system) / 1000,
        });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return [...done.values()].sort((a, b) => a.ms - b.ms);
  };
  const times = (ends: UploadEnd[]) => ends.map((end) => end.ms);
  try {
    log(`uploads: one at a time (the anchor), then ${atOnce} at once`);
    options.onPhase?.('warm');
    await batch(1); // warm: models loaded, connections open
    options.onPhase?.('alone');
    const alone = median(times([...(await batch(1)), ...(await batch(1)), ...(await batch(1))]));
    options.onPhase?.('together');
    const together = await batch(atOnce, true);
    options.onPhase?.('done');
    options.onEnds?.(together);
    for (let burst = 1; burst < (options.bursts ?? 1); burst++) {
      options.onPhase?.('together');
      const again = await batch(atOnce, true);
      options.onPhase?.('done');
      options.onEnds?.(again);
      log(`burst ${burst + 1} on the same stack: p50 upload to terminal state ${ms(median(times(again)))}`);
    }
    const p50 = median(times(together));
    return [
      {
        measure: `${atOnce} concurrent uploads, zero-latency LLM, local: p50 upload to terminal state`,
        anchor: `one upload alone: ${ms(alone)}`,
        value: ms(p50),
        ratio: p50 / alone,
        goal: '≤ 1 s',
        met: p50 <= 1000,
        note: `${over(p50, 1000)}; the whole burst is bound by the CPU of all the stack's threads (the handlers', the emulators', V8's compiler warming the code up), which share the cores with the machine's other work`,
      },
    ];
  } finally {
    await close();
    stub.stop();
  }
}
