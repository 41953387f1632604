/**
 * Saves snapshots one after another, each as soon as the one before it has
 * landed; a snapshot offered while an earlier one still waits for its turn
 * takes that one's place. Each snapshot holds everything the earlier ones
 * held, so what is replaced is never lost, and it is written no later than
 * the replaced one would have been: answers that arrive together (two
 * translations while the summary's save is under way) cost one write, not
 * one each. A failed save is the caller's to shrug off: the next one, or the
 * final result, carries what it held.
 */
export class LatestSave<T> {
  private saving: Promise<void> = Promise.resolve();
  private waiting: { value: T } | null = null;

  constructor(private readonly save: (value: T) => Promise<void>) {}

  offer(value: T): void {
    const queued = this.waiting !== null;
    this.waiting = { value };
    if (queued) return;
    this.saving = this.saving
      .then(() => {
        const latest = this.waiting;
        this.waiting = null;
        return latest ? this.save(latest.value) : undefined;
      })
      .catch(() => undefined);
  }

  /** Settles when every snapshot offered so far has been saved (or has failed to be). */
  settled(): Promise<void> {
    return this.saving;
  }
}
