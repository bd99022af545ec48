/** Slots a new log starts with; it doubles up to its capacity as events arrive. */
const INITIAL_SLOTS = 4;

/**
 * The times of the last `capacity` accepted events, in a ring. An event passes when fewer than
 * `capacity` events passed in the window before it: exact, with no bucket boundaries. The ring
 * grows as events arrive, so a quiet connection under a large `capacity` costs a few bytes.
 */
export class SlidingLog {
  /** Connections currently counted against this log. */
  connections = 0;
  private times: Float64Array;
  private count = 0;
  /** Index of the oldest time once the ring is full. */
  private oldest = 0;
  private newest = -Infinity;

  constructor(private readonly capacity: number) {
    this.times = new Float64Array(Math.min(capacity, INITIAL_SLOTS));
  }

  /** Records an event at `now` if the window allows it; returns whether it did. */
  tryAdd(now: number, windowMs: number): boolean {
    if (this.count < this.capacity) {
      // Until the ring is full it is filled in order from 0, so growing is a plain copy.
      if (this.count === this.times.length) this.grow();
      this.times[this.count++] = now;
    } else {
      if (now - this.times[this.oldest] < windowMs) return false;
      this.times[this.oldest] = now;
      this.oldest = (this.oldest + 1) % this.capacity;
    }
    this.newest = now;
    return true;
  }

  /** Whether every recorded event has left the window (the log no longer limits anything). */
  idleSince(now: number, windowMs: number): boolean {
    return now - this.newest >= windowMs;
  }

  /** @internal Slots allocated so far. */
  get allocatedSlots(): number {
    return this.times.length;
  }

  private grow(): void {
    const grown = new Float64Array(Math.min(this.capacity, this.times.length * 2));
    grown.set(this.times);
    this.times = grown;
  }
}
