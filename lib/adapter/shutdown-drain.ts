import { openDescriptorCount } from '../runtime/file-descriptors';

/** Whether a socket has finished: nothing left to send, nothing left to handle. */
export type Finished<S> = (socket: S) => boolean;

/** How often sockets still sending, or still closing, are looked at again. */
const POLL_MS = 10;
/** Where the descriptors cannot be counted: how long the clients get to answer the close frames. */
const BLIND_LINGER_MS = 500;

/**
 * The connections' part of `app.close()`, in two steps:
 * 1. {@link run}: closes each socket with 1001 once it has finished: its handler has taken the
 *    messages that had arrived, and what it was sent has left its buffer, so a slow reader still
 *    gets every reply; those not finished at the deadline are closed anyway (their close frame
 *    waits behind the data). Until then the sockets stay open and their handlers keep running (the
 *    adapter takes no new messages meanwhile, or a busy client would never let its socket finish).
 *    A reply a handler is still working on when its socket finishes is not waited for: its send
 *    rejects with `WebSocketDisconnect`, as at any close.
 * 2. {@link linger}: waits for the clients to answer the close frames. uWS closes a socket when its
 *    client answers, but tells no one; closing it earlier (the server's final close) while the
 *    client still sends makes the kernel reset the connection, and the client then loses what it
 *    had not read yet, the close frame included (1006). On Linux the wait ends once the process's
 *    descriptors show those sockets gone; elsewhere it is a fixed half second.
 */
export class ShutdownDrain<S> {
  private timer: NodeJS.Timeout | undefined = undefined;
  private done: (() => void) | null = null;
  /** Descriptors open when draining began, and how many of them were sockets to close. */
  private descriptorsBefore: number | null = null;
  private socketsToClose = 0;

  constructor(
    private readonly open: ReadonlySet<S>,
    private readonly finished: Finished<S>,
    private readonly close: (socket: S) => void,
  ) {}

  /** Step 1; `deadline` is a `performance.now()` time. */
  run(deadline: number): Promise<void> {
    this.socketsToClose = this.open.size;
    if (this.socketsToClose === 0) return Promise.resolve();
    this.descriptorsBefore = openDescriptorCount();
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

  /** Step 2, until `deadline` at most. */
  async linger(deadline: number): Promise<void> {
    if (this.socketsToClose === 0) return;
    const before = this.descriptorsBefore;
    if (before === null) {
      await sleep(Math.min(BLIND_LINGER_MS, deadline - performance.now()));
      return;
    }
    const target = before - this.socketsToClose;
    while (performance.now() < deadline && (openDescriptorCount() ?? 0) > target) {
      await sleep(Math.min(POLL_MS, deadline - performance.now()));
    }
  }

  /** A socket drained (uWS's drain event) while shutting down: closes it if it has finished now. */
  drained(socket: S): void {
    if (this.done === null || !this.finished(socket)) return;
    this.close(socket);
    if (this.open.size === 0) this.finish();
  }

  /** A socket closed for another reason. */
  closed(): void {
    if (this.done !== null && this.open.size === 0) this.finish();
  }

  /** Closes the sockets that have finished; returns how many have not. */
  private closeDrained(): number {
    for (const socket of [...this.open]) if (this.finished(socket)) this.close(socket);
    return this.open.size;
  }

  private finish(): void {
    clearTimeout(this.timer);
    const done = this.done;
    this.done = null;
    done?.();
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
