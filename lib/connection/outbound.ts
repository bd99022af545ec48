import { WebSocketBackpressureError } from '../errors';
import type { RouteContext } from './connection-context';
import { SendStatus, type SocketHandle } from './peer';
import { type Payload } from './message';
import { quietly, rejected } from './rejected';

/** What `send*()` return when the frame went out at once; compare to skip a `.then()`. */
export const SENT: Promise<void> = Promise.resolve();

interface DrainWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** What sending needs of a connection. */
export interface SendingConnection<C> {
  readonly route: RouteContext<C>;
  readonly openSocket: SocketHandle | null;
  notOpenError(action: string): Error;
  /** Resolves once the socket drained below the high-water mark. */
  awaitDrain(): Promise<void>;
}

/**
 * Sends that wait for drain. A send resolves once handed to the socket; above the
 * `sendHighWaterMark` only after the socket drained, so `await`ing producers cannot outrun a slow
 * reader. Allocated by a connection on its first send that has to wait.
 */
export class DrainWaiters {
  private waiters: DrainWaiter[] = [];

  wait(): Promise<void> {
    return quietly(new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject })));
  }

  /** The socket drained below the high-water mark: every waiting send resolves. */
  release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  get isEmpty(): boolean {
    return this.waiters.length === 0;
  }

  rejectAll(error: () => unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    if (waiters.length === 0) return;
    const reason = error();
    for (const waiter of waiters) waiter.reject(reason);
  }
}

/** Hands one frame to the connection's socket and counts it; waits for drain above the high-water mark. */
export function sendFrame<C extends object>(conn: SendingConnection<C> & C, data: Payload, isBinary: boolean): Promise<void> {
  const socket = conn.openSocket;
  if (socket === null) return rejected(conn.notOpenError('send'));
  const { app, observers, path } = conn.route;
  const status = app.transport.send(socket, data, isBinary);
  if (status !== SendStatus.DROPPED) {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    app.stats.messagesOut++;
    app.stats.bytesOut += bytes;
    if (app.probe.messageOut !== null) app.probe.messageOut(path, bytes);
    for (let i = 0; i < observers.length; i++) observers[i].onSend(conn, data, isBinary, undefined);
  }
  if (status === SendStatus.SENT) return SENT;
  // A send can close the socket (closeOnBackpressureLimit).
  if (conn.openSocket === null) return rejected(conn.notOpenError('send'));
  const buffered = app.transport.bufferedAmount(socket);
  if (status === SendStatus.DROPPED) return rejected(new WebSocketBackpressureError(buffered));
  if (buffered <= app.settings.sendHighWaterMark) return SENT;
  return conn.awaitDrain();
}
