import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

/**
 * The articles that ended, read from the local stack's event file as a
 * consumer of EventBridge would see them: one line per terminal state,
 * appended by every stack started on the data folder. Each call to `poll`
 * reads only what was appended since the last.
 */
export class TerminalEvents {
  /** When each source key ended (the first terminal event for it). */
  readonly endedAt = new Map<string, number>();
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  poll(): void {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const fd = openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const lines = (this.partial + buffer.subarray(0, read).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        try {
          const { detail } = JSON.parse(line) as { detail: { sourceKey: string; finishedAt: string } };
          if (!this.endedAt.has(detail.sourceKey)) this.endedAt.set(detail.sourceKey, Date.parse(detail.finishedAt));
        } catch {
          // A line cut short by a kill.
        }
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** A process's resident memory in MB (Linux), or null when it is gone. */
export function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** The CPU time a process has used so far, user and system, in seconds (Linux), or null when it is gone. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The 1-minute load average, as `uptime` shows it. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** How many of `times` fall in each minute from `start`. */
export function perMinute(times: Iterable<number>, start: number): number[] {
  const counts: number[] = [];
  for (const t of times) {
    const minute = Math.max(0, Math.floor((t - start) / 60_000));
    while (counts.length <= minute) counts.push(0);
    counts[minute] = (counts[minute] ?? 0) + 1;
  }
  return counts;
}
