/** What the guard needs of a socket: uWS's `getBufferedAmount()`. */
export interface BufferedSocket {
  getBufferedAmount(): number;
}

/** How the guard closes a receiver that fell too far behind. */
export type TooSlow<S> = (socket: S, buffered: number) => void;

/** Sweeps cost about 25 ns per socket; spacing them by this much per socket keeps them near 2.5 % of a core. */
const SWEEP_SPACING_NS_PER_SOCKET = 1000;
const MIN_SWEEP_SPACING_MS = 5;

/**
 * Closes receivers whose send buffer passes `maxBackpressure`, so none of them silently misses a
 * message. uWS 20.30 cannot report the copies it drops (no `dropped` event), so uWS is given a
 * higher hard limit and ProAPI watches the buffers itself:
 * - a direct send that leaves its socket buffered is checked at once ({@link sent});
 * - sockets seen over half the limit ("suspects") are checked after each event-loop turn that
 *   published to any room;
 * - all open sockets are swept once the bytes published since the last sweep could have carried a
 *   socket from under half the limit past it (each publish adds at most its size to each receiver),
 *   at most once per a few milliseconds per thousand sockets.
 * Messages published within one turn reach the buffers at the end of it, so a receiver can pass
 * the limit by what one turn publishes before it is closed; uWS's hard limit bounds even that.
 */
export class BackpressureGuard<S extends BufferedSocket> {
  private readonly suspectAbove: number;
  private readonly suspects = new Set<S>();
  private publishedSinceSweep = 0;
  private lastSweep = 0;
  private checkScheduled = false;
  private sweepTimer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly limit: number,
    private readonly open: ReadonlySet<S>,
    private readonly tooSlow: TooSlow<S>,
  ) {
    this.suspectAbove = limit / 2;
  }

  /** A send buffered on `socket`, which now holds `buffered` bytes: closes it at once past the limit. */
  sent(socket: S, buffered: number): void {
    if (buffered > this.limit) this.close(socket, buffered);
    else if (buffered > this.suspectAbove) this.suspects.add(socket);
  }

  /** `bytes` were published to a room: they reach each member's buffer at the end of this turn. */
  published(bytes: number): void {
    this.publishedSinceSweep += bytes;
    if (!this.checkScheduled && (this.suspects.size > 0 || this.publishedSinceSweep >= this.limit - this.suspectAbove)) {
      this.checkScheduled = true;
      setImmediate(check, this);
    }
  }

  /** The socket closed: forget it. */
  closed(socket: S): void {
    this.suspects.delete(socket);
  }

  /** Stops the pending sweep (the server is shutting down). */
  stop(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** @internal After a turn that published: the suspects, and everyone if enough was published. */
  check(): void {
    this.checkScheduled = false;
    for (const socket of this.suspects) this.inspect(socket);
    if (this.publishedSinceSweep < this.limit - this.suspectAbove || this.sweepTimer !== undefined) return;
    const spacing = Math.max(MIN_SWEEP_SPACING_MS, (this.open.size * SWEEP_SPACING_NS_PER_SOCKET) / 1e6);
    const wait = this.lastSweep + spacing - performance.now();
    if (wait <= 0) this.sweep();
    else this.sweepTimer = setTimeout(sweepLater, wait, this);
  }

  /** @internal */
  sweep(): void {
    this.sweepTimer = undefined;
    this.lastSweep = performance.now();
    this.publishedSinceSweep = 0;
    for (const socket of this.open) this.inspect(socket);
  }

  private inspect(socket: S): void {
    const buffered = socket.getBufferedAmount();
    if (buffered > this.limit) this.close(socket, buffered);
    else if (buffered > this.suspectAbove) this.suspects.add(socket);
    else this.suspects.delete(socket);
  }

  private close(socket: S, buffered: number): void {
    this.suspects.delete(socket);
    this.tooSlow(socket, buffered);
  }
}

// Timer callbacks at module level, given the guard as an argument: no closure per scheduling.
function check(guard: { check(): void }): void {
  guard.check();
}

function sweepLater(guard: { sweep(): void }): void {
  guard.sweep();
}
