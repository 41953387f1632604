import { readFileSync } from 'node:fs';

/** The value at quantile q (0–1) of some numbers, by the nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/**
 * Runs each of some named measures `rounds` times, interleaved (a, b, c, a,
 * b, c, …) so that a slow spell of a shared machine falls on all of them,
 * and returns each one's results. With `rotate`, each round starts one
 * measure later (a, b, c; b, c, a; c, a, b; …), so that no measure always
 * runs first, or always right after the same other one.
 */
export async function interleaved<T>(
  rounds: number,
  measures: Record<string, () => T | Promise<T>>,
  options: { rotate?: boolean } = {},
): Promise<Record<string, T[]>> {
  const results: Record<string, T[]> = Object.fromEntries(Object.keys(measures).map((name) => [name, []]));
  const entries = Object.entries(measures);
  for (let round = 0; round < rounds; round++) {
    const shift = options.rotate ? round % entries.length : 0;
    for (const [name, measure] of [...entries.slice(shift), ...entries.slice(0, shift)]) {
      results[name]?.push(await measure());
    }
  }
  return results;
}

/** Milliseconds of CPU this process spent in `work` (user and system). */
export function cpuMs(work: () => unknown): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Milliseconds of CPU this process spent in `work`, which may be async (its
 * CPU-bound part runs before it resolves). All the process's threads count,
 * V8's collector threads included: the cost of a stage's garbage is its own.
 */
export async function cpuMsOf(work: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * A thread's CPU time so far, ms (user and system, in clock ticks of 10 ms),
 * from its `stat` file under /proc (Linux): `/proc/thread-self/stat` for the
 * calling thread, `/proc/self/task/<tid>/stat` for another.
 */
export function threadCpuMsFrom(statFile: string): number {
  const { user, system } = threadCpuPartsFrom(statFile);
  return user + system;
}

/** A thread's CPU time so far in user space and in the kernel (ms, in ticks of 10 ms), from its `stat` file. */
export function threadCpuPartsFrom(statFile: string): { user: number; system: number } {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}
