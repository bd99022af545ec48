import { SlidingLog } from './sliding-log';

/**
 * The sliding logs RateLimitMiddleware shares between connections with the same key. A key with
 * connections is always kept. A key without any is remembered while its window can still limit
 * a reconnect, at most `maxIdle` of them: the least recently used is forgotten first. Every
 * operation is O(1), amortized.
 */
export class KeyedLogs {
  private readonly logs = new Map<string, SlidingLog>();
  /** The keys without connections, least recently used first (a Map iterates in insertion order). */
  private readonly idle = new Map<string, SlidingLog>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly maxIdle: number,
  ) {}

  /** The key's log, now counting one more connection. */
  acquire(key: string): SlidingLog {
    let log = this.logs.get(key);
    if (log === undefined) {
      log = new SlidingLog(this.capacity);
      this.logs.set(key, log);
    } else if (log.connections === 0) {
      this.idle.delete(key);
    }
    log.connections++;
    return log;
  }

  /** One connection of `key` is over; `log` is what {@link acquire} returned for it. */
  release(key: string, log: SlidingLog, now: number): void {
    if (--log.connections > 0) return;
    if (log.idleSince(now, this.windowMs)) {
      this.logs.delete(key);
      return;
    }
    this.idle.set(key, log); // the most recently used: last
    // Forget from the head: over the limit, or whose window has passed. Each key goes once.
    for (const [oldKey, oldLog] of this.idle) {
      if (this.idle.size <= this.maxIdle && !oldLog.idleSince(now, this.windowMs)) break;
      this.idle.delete(oldKey);
      this.logs.delete(oldKey);
    }
  }

  /** Keys remembered, with or without connections. */
  get size(): number {
    return this.logs.size;
  }
}
