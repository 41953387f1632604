import TinyQueue from 'tinyqueue';

/** What the order needs of a message: when it may be received, and where it stands. */
export interface Placed {
  visibleAt: number;
  state: 'ready' | 'waiting' | 'inFlight';
}

/**
 * The order in which a queue's messages are received: those visible now in
 * the order they became visible, and those waiting out a visibility timeout
 * or a delay by the time they come back (a binary heap). Placing a message
 * and taking the next cost O(1), or O(log n) for one that waits, however
 * many are queued.
 */
export class DeliveryOrder<M extends Placed> {
  private ready: M[] = [];
  private head = 0;
  private waiting = new TinyQueue<M>([], (a, b) => a.visibleAt - b.visibleAt);

  /** A message not in flight: visible now, or waiting until its time. */
  place(m: M, now: number): void {
    if (m.visibleAt <= now) {
      m.state = 'ready';
      this.ready.push(m);
    } else {
      m.state = 'waiting';
      this.waiting.push(m);
    }
  }

  /** The next message visible at `now`, taken out; undefined when none is. */
  next(now: number): M | undefined {
    this.promote(now);
    const m = this.ready[this.head];
    if (!m) return undefined;
    this.head++;
    // The list is cut once most of it has been taken, so it never holds more than twice what waits in it.
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    return m;
  }

  /** How many are visible at `now`. */
  visible(now: number): number {
    this.promote(now);
    return this.ready.length - this.head;
  }

  /** Makes every waiting message visible at `now`; returns how many there were. */
  expireAll(now: number): number {
    const waiting = this.waiting.data;
    this.waiting = new TinyQueue<M>([], (a, b) => a.visibleAt - b.visibleAt);
    for (const m of waiting) {
      m.visibleAt = now;
      this.place(m, now);
    }
    return waiting.length;
  }

  private promote(now: number): void {
    for (let m = this.waiting.peek(); m && m.visibleAt <= now; m = this.waiting.peek()) {
      this.waiting.pop();
      m.state = 'ready';
      this.ready.push(m);
    }
  }
}
