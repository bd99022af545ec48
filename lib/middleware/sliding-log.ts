/**
 * The times of the last `capacity` accepted events, in a ring. An event passes when fewer than
 * `capacity` events passed in the window before it: exact, with no bucket boundaries.
 */
export class SlidingLog {
  /** Connections currently counted against this log. */
  connections = 0;
  private readonly times: Float64Array;
  private count = 0;
  /** Index of the oldest time once the ring is full. */
  private oldest = 0;
  private newest = -Infinity;

  constructor(private readonly capacity: number) {
    this.times = new Float64Array(capacity);
  }

  /** Records an event at `now` if the window allows it; returns whether it did. */
  tryAdd(now: number, windowMs: number): boolean {
    if (this.count < this.capacity) {
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
}
