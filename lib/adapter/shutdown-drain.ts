/** What draining needs of a socket. */
export interface DrainingSocket {
  getBufferedAmount(): number;
}

/** How often sockets still sending are looked at again (drain events also end them at once). */
const POLL_MS = 10;

/**
 * Closes each socket with 1001 once what it was sent has left its buffer, so a slow reader still
 * gets every reply the server produced before `app.close()`; those still buffered at the deadline
 * are closed anyway (their close frame waits behind the data). Resolves once every socket was
 * closed. The sockets stay open, and their handlers keep running, until then.
 */
export class ShutdownDrain<S extends DrainingSocket> {
  private timer: NodeJS.Timeout | undefined = undefined;
  private done: (() => void) | null = null;

  constructor(
    private readonly open: ReadonlySet<S>,
    private readonly close: (socket: S) => void,
  ) {}

  run(deadline: number): Promise<void> {
    if (this.closeDrained() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.done = resolve;
      const poll = (): void => {
        if (this.done === null) return;
        if (performance.now() >= deadline) {
          for (const socket of [...this.open]) this.close(socket);
          this.finish();
        } else if (this.closeDrained() === 0) {
          this.finish();
        } else {
          this.timer = setTimeout(poll, Math.min(POLL_MS, Math.max(0, deadline - performance.now())));
        }
      };
      this.timer = setTimeout(poll, POLL_MS);
    });
  }

  /** A socket drained (uWS's drain event) while shutting down: closes it if it is empty now. */
  drained(socket: S): void {
    if (this.done === null || socket.getBufferedAmount() > 0) return;
    this.close(socket);
    if (this.open.size === 0) this.finish();
  }

  /** A socket closed for another reason. */
  closed(): void {
    if (this.done !== null && this.open.size === 0) this.finish();
  }

  /** Closes the sockets with nothing left to send; returns how many are still sending. */
  private closeDrained(): number {
    for (const socket of [...this.open]) if (socket.getBufferedAmount() === 0) this.close(socket);
    return this.open.size;
  }

  private finish(): void {
    clearTimeout(this.timer);
    const done = this.done;
    this.done = null;
    done?.();
  }
}
