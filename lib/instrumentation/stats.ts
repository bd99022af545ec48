/** Live totals of one app (see `app.stats()`). Counts start when the app is built. */
export interface AppStats {
  readonly connections: {
    /** Open right now. */
    readonly open: number;
    /** Upgrades completed. */
    readonly opened: number;
    /** Open connections that closed, by close code (1006: without a close frame). */
    readonly closed: number;
    readonly closeCodes: Readonly<Record<string, number>>;
  };
  /** Rooms with at least one member. */
  readonly rooms: number;
  readonly messages: { readonly in: number; readonly out: number };
  /** Bytes of those messages as on the wire (payload, without frame headers). */
  readonly bytes: { readonly in: number; readonly out: number };
  /** Room messages published from this app, and their payload bytes (each counted once, whatever the receivers). */
  readonly broadcasts: { readonly count: number; readonly bytes: number };
  /** Room messages the broker could not carry to other processes (e.g. while it was unreachable). */
  readonly notForwarded: number;
  /** Errors answered, by wire code (`validation`, `internal`, `queue_overflow`, ...). */
  readonly errors: Readonly<Record<string, number>>;
  /** Upgrade requests answered with an HTTP error status, by status (404 included). */
  readonly refusals: Readonly<Record<string, number>>;
  /** In fast mode: each worker's share (the totals above are summed over the workers). */
  readonly workers?: readonly WorkerSummary[];
  /**
   * In fast mode: true when a worker did not answer within `workerTimeoutMs` (its event loop
   * blocked); it is missing from `workers` and the totals.
   */
  readonly partial?: boolean;
}

/** One fast-mode worker in {@link AppStats}. */
export interface WorkerSummary {
  /** 1, 2, ... in start order; a restarted worker gets a new id. */
  readonly id: number;
  /** Open connections. */
  readonly connections: number;
  /** Rooms with members in this worker. */
  readonly rooms: number;
  readonly messages: { readonly in: number; readonly out: number };
}

/** The counters behind {@link AppStats}: plain fields, bumped on the hot path. */
export class StatsCounters {
  open = 0;
  opened = 0;
  closed = 0;
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  bytesOut = 0;
  broadcasts = 0;
  broadcastBytes = 0;
  notForwarded = 0;
  private readonly closeCodes = new Map<number, number>();
  private readonly errors = new Map<string, number>();
  private readonly refusals = new Map<number, number>();

  connectionClosed(code: number): void {
    this.open--;
    this.closed++;
    this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + 1);
  }

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  refused(status: number): void {
    this.refusals.set(status, (this.refusals.get(status) ?? 0) + 1);
  }

  snapshot(rooms: number): AppStats {
    return {
      connections: { open: this.open, opened: this.opened, closed: this.closed, closeCodes: record(this.closeCodes) },
      rooms,
      messages: { in: this.messagesIn, out: this.messagesOut },
      bytes: { in: this.bytesIn, out: this.bytesOut },
      broadcasts: { count: this.broadcasts, bytes: this.broadcastBytes },
      notForwarded: this.notForwarded,
      errors: record(this.errors),
      refusals: record(this.refusals),
    };
  }
}

function record<K extends string | number>(map: ReadonlyMap<K, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, count] of [...map].sort(([a], [b]) => (a < b ? -1 : 1))) result[String(key)] = count;
  return result;
}
