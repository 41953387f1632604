import { InvalidInputError } from '../errors.js';

/**
 * The time one cleaning may take, checked between its steps and inside its
 * long loops (each tick costs a counter; the clock is read every 256th), so
 * that a document whose cost grows in a loop ends STAGE_TIMEOUT near its
 * deadline instead of long after it. Readability's own loops are bounded by
 * the structure limits instead (limits.ts), and the worker that runs the
 * cleaning is stopped at the deadline whatever it is doing.
 */
export class Budget {
  private ticks = 0;

  constructor(
    /** Epoch ms; none: no deadline. */
    private readonly deadline?: number,
    private readonly now: () => number = Date.now,
    private readonly started = now(),
  ) {}

  /** Throws STAGE_TIMEOUT, naming `step`, when the deadline has passed. */
  check(step: string): void {
    if (this.deadline === undefined) return;
    const now = this.now();
    if (now > this.deadline) {
      throw new InvalidInputError(
        'STAGE_TIMEOUT',
        `Cleaning ran out of its time budget after ${now - this.started} ms, at ${step}.`,
      );
    }
  }

  /** check(), once every 256 calls: for loops whose turns take microseconds. */
  tick(step: string): void {
    this.ticks = (this.ticks + 1) & 255;
    if (this.ticks === 0) this.check(step);
  }
}

/** A budget with no deadline, for callers that give none. */
export const NO_DEADLINE = new Budget();
