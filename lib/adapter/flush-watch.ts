/** What the watch needs of a socket. */
export interface FlushableSocket {
  getBufferedAmount(): number;
  ping(): number;
}

/** How long a socket's buffer may stand still before it is nudged. */
const CHECK_MS = 50;

interface Watched {
  /** The buffered amount at the last check. */
  seen: number;
  /** Nudged at this amount; no second nudge until the buffer has shrunk below it, or a new send buffered. */
  nudgedAt: number;
}

/**
 * uWS 20.30 sometimes leaves the end of a socket's send buffer unwritten, with room in the
 * kernel, until something else is written to that socket: a reader that had fallen behind then
 * waits for its last message until the next automatic ping (none comes while the client keeps
 * sending), and a handler waiting for drain waits with it. Seen with sends made from promise
 * callbacks after a drain (spec/hardening/06's slow reader, about one run in ten on a busy
 * machine); a ping written to the socket makes uWS write the rest. So sockets whose send had to
 * buffer are watched, while they are, and one whose buffer stood still for 50 ms gets a ping
 * (one per stall: a client that really stopped reading gets 2 bytes, not a stream of pings).
 */
export class FlushWatch<S extends FlushableSocket> {
  private readonly watched = new Map<S, Watched>();
  private timer: NodeJS.Timeout | undefined = undefined;

  /** A send to `socket` had to buffer: watch it (again: new data may stall anew). */
  buffered(socket: S): void {
    const state = this.watched.get(socket);
    if (state !== undefined) {
      state.nudgedAt = Infinity;
      return;
    }
    this.watched.set(socket, { seen: -1, nudgedAt: Infinity });
    this.timer ??= setTimeout(check, CHECK_MS, this);
  }

  closed(socket: S): void {
    this.watched.delete(socket);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }

  /** @internal */
  check(): void {
    this.timer = undefined;
    for (const [socket, state] of this.watched) {
      const buffered = socket.getBufferedAmount();
      if (buffered === 0) {
        this.watched.delete(socket);
        continue;
      }
      if (buffered === state.seen && buffered < state.nudgedAt) {
        state.nudgedAt = buffered;
        socket.ping();
      }
      state.seen = buffered;
    }
    if (this.watched.size > 0) this.timer = setTimeout(check, CHECK_MS, this);
  }
}

// A timer callback at module level, given the watch as an argument: no closure per check.
function check(watch: { check(): void }): void {
  watch.check();
}
