import { reconnectDelay } from './backoff.js';
import { ConnectionLostError, type ClientError } from './client-errors.js';
import type { ClientEvents, Listeners } from './client-events.js';
import type { ClientSettings } from './client-options.js';
import { SOCKET_OPEN, type WebSocketLike } from './web-socket-like.js';

/** Where the client is: opening its first connection, open, waiting to reconnect, or done. */
export type ClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What the socket reports to the client above it. */
export interface SocketUser {
  opened(): void;
  received(data: unknown): void;
  /** The open connection dropped; requests already sent will get no reply. */
  dropped(code: number, reason: string): void;
  /** For good: `close()` was called (`error` undefined) or reconnecting gave up. */
  stopped(error: ClientError | undefined): void;
}

/**
 * One WebSocket at a time to `url`, opened again with jittered exponential backoff after a drop
 * the policy wants reconnected. Reports the lifecycle as `connected`, `disconnected`,
 * `reconnecting` and `closed` events.
 */
export class ReconnectingSocket {
  status: ClientStatus = 'connecting';
  private socket: WebSocketLike | null = null;
  private failedAttempts = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set by close(): what the next close of the socket ends with. */
  private closing = false;
  private readonly whenClosed: (() => void)[] = [];
  /** `ws` explains a failed attempt (`Unexpected server response: 401`) in its error event, not in the close. */
  private lastError = '';
  private lastUrl = '';

  constructor(
    private readonly url: () => string,
    private readonly settings: ClientSettings,
    private readonly events: Listeners<ClientEvents>,
    private readonly user: SocketUser,
  ) {}

  start(): void {
    let url = '';
    let socket: WebSocketLike;
    try {
      url = this.url();
      socket = new this.settings.WebSocket(url, this.settings.protocols?.());
    } catch (error) {
      // A malformed URL (or a url/protocols function that threw): no attempt can succeed.
      this.stop(new ConnectionLostError(`cannot connect to ${url || 'the url'}: ${(error as Error).message}`, 1006, ''));
      return;
    }
    this.socket = socket;
    this.lastUrl = url;
    this.lastError = '';
    let opened = false;
    socket.onopen = () => {
      opened = true;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.failedAttempts = 0;
      this.status = 'open';
      this.user.opened(); // queued messages first, so they keep their order before anything a listener sends
      this.events.emit('connected', { url, reconnected });
    };
    socket.onmessage = (event) => this.user.received(event.data);
    socket.onerror = (event) => {
      const message = (event as { message?: unknown }).message;
      if (typeof message === 'string') this.lastError = message;
    };
    socket.onclose = (event) => {
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      this.socket = null;
      this.ended(event.code, event.reason || (opened ? '' : this.lastError), opened);
    };
  }

  /** Sends on the open socket; false when there is none (the caller queues). */
  send(text: string): boolean {
    const socket = this.socket;
    if (socket === null || socket.readyState !== SOCKET_OPEN) return false;
    socket.send(text);
    return true;
  }

  /** Closes for good; resolves once the socket has closed. */
  close(code: number, reason: string): Promise<void> {
    if (this.status === 'closed') return Promise.resolve();
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.whenClosed.push(resolve));
    if (this.socket !== null) {
      this.socket.close(code, reason);
    } else {
      this.stop(undefined);
    }
    return closed;
  }

  private ended(code: number, reason: string, wasOpen: boolean): void {
    if (this.closing) {
      if (wasOpen) this.events.emit('disconnected', { code, reason, willReconnect: false });
      this.stop(undefined);
      return;
    }
    const { reconnect } = this.settings;
    const retry =
      reconnect !== null && this.failedAttempts < reconnect.maxAttempts && this.settings.shouldReconnect({ code, reason, wasOpen });
    if (wasOpen) {
      this.user.dropped(code, reason);
      this.events.emit('disconnected', { code, reason, willReconnect: retry });
    }
    if (!retry || reconnect === null) {
      const why = reason ? `${code} ${reason}` : String(code);
      const attempts = this.failedAttempts > 0 ? ` after ${this.failedAttempts} reconnect attempts` : '';
      this.stop(new ConnectionLostError(`connection to ${this.lastUrl} ended (${why})${attempts}; not reconnecting`, code, reason));
      return;
    }
    const attempt = ++this.failedAttempts;
    const delayMs = reconnectDelay(attempt, reconnect, this.settings.random());
    this.status = 'reconnecting';
    this.events.emit('reconnecting', { attempt, delayMs, code, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delayMs);
  }

  private stop(error: ClientError | undefined): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.status = 'closed';
    this.user.stopped(error);
    this.events.emit('closed', error ? { error } : {});
    for (const resolve of this.whenClosed.splice(0)) resolve();
  }
}
