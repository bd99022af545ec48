import WebSocket from 'ws';
import type { CloseInfo } from '../connection/web-socket-connection';
import { ReceivedMessages } from './received-messages';
import { ConnectionClosedError, TestTimeoutError, UnexpectedCloseError } from './testing.errors';
import { awaitUpgrade } from './upgrade';

export interface WaitOptions {
  /** Milliseconds to wait before rejecting with `TestTimeoutError`. Default: the client's `timeout`. */
  timeout?: number;
}

export interface ConnectOptions extends WaitOptions {
  /** Extra request headers for the upgrade request, e.g. `{ authorization: 'Bearer x' }`. */
  headers?: Readonly<Record<string, string>>;
  /** Subprotocols to offer in `Sec-WebSocket-Protocol`, in order of preference. */
  protocols?: readonly string[];
}

export interface SilenceOptions {
  /** Milliseconds that must pass without a message. */
  within: number;
}

/**
 * The client side of one WebSocket connection opened by a `TestClient`. Messages queue until a
 * `receive*()` takes them; every wait rejects after a timeout with a message saying what it awaited.
 * @example
 * const conn = await client.connect('/chat/lobby?username=ann');
 * conn.sendJson({ event: 'chat', data: { text: 'hi' } });
 * expect(await conn.receiveJson<{ text: string }>()).toEqual({ text: 'hi' });
 * await conn.close();
 */
export class TestConnection {
  private readonly received: ReceivedMessages;
  private closeInfo: CloseInfo | null = null;
  private readonly closedPromise: Promise<CloseInfo>;

  private constructor(
    private readonly socket: WebSocket,
    /** The path this connection was opened with, query string included. */
    readonly path: string,
    private readonly defaultTimeout: number,
  ) {
    this.received = new ReceivedMessages(path);
    socket.on('message', (data: Buffer, isBinary: boolean) => this.received.push(isBinary ? data : data.toString('utf8')));
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        this.received.close(this.closeInfo);
        resolve(this.closeInfo);
      });
    });
    // A reset after the handshake surfaces as a 1006 close; without a listener it would crash the test run.
    socket.on('error', () => undefined);
  }

  /** @internal Opens `url`; use `TestClient.connect()`. Aborting `signal` abandons the upgrade and destroys the socket. */
  static async open(url: string, path: string, options: ConnectOptions, defaultTimeout: number, signal: AbortSignal): Promise<TestConnection> {
    const socket = new WebSocket(url, [...(options.protocols ?? [])], { headers: { ...options.headers } });
    const conn = new TestConnection(socket, path, defaultTimeout);
    await awaitUpgrade(socket, url, path, options.timeout ?? defaultTimeout, signal);
    return conn;
  }

  /** The subprotocol the server accepted, or `''`. */
  get protocol(): string {
    return this.socket.protocol;
  }

  /** Whether the connection has closed (either side). */
  get closed(): boolean {
    return this.closeInfo !== null;
  }

  /** The close code, once the connection has closed (1006 if it dropped without a close frame). */
  get closeCode(): number | undefined {
    return this.closeInfo?.code;
  }

  /** The close reason, once the connection has closed. */
  get closeReason(): string | undefined {
    return this.closeInfo?.reason;
  }

  /**
   * A copy of the messages that arrived and no `receive*()` took yet, oldest first (`string` for
   * text frames, `Buffer` for binary ones). Still readable after the connection closed.
   * @example
   * await conn.expectClose(1000);
   * expect(conn.queuedMessages).toEqual(['last words']);
   */
  get queuedMessages(): (string | Buffer)[] {
    return this.received.snapshot();
  }

  // ---- sending -------------------------------------------------------------------------

  /** Sends a text frame. Throws `ConnectionClosedError` if the connection has closed. */
  sendText(text: string): void {
    this.send(text, false, 'text');
  }

  /** Sends `value` as JSON in a text frame. */
  sendJson(value: unknown): void {
    this.send(JSON.stringify(value), false, 'JSON');
  }

  /** Sends a binary frame. */
  sendBytes(data: Uint8Array | ArrayBuffer): void {
    this.send(data instanceof ArrayBuffer ? new Uint8Array(data) : data, true, 'binary');
  }

  private send(data: string | Uint8Array, binary: boolean, kind: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) {
      const { code, reason } = this.closeInfo ?? { code: 1006, reason: 'closing' };
      throw new ConnectionClosedError(this.path, code, reason, `so a ${kind} message cannot be sent`);
    }
    this.socket.send(data, { binary });
  }

  // ---- receiving -----------------------------------------------------------------------

  /** The next message, which must be a text frame (else `UnexpectedMessageError`). */
  receiveText(options?: WaitOptions): Promise<string> {
    return this.received.take('text', options?.timeout ?? this.defaultTimeout) as Promise<string>;
  }

  /** The next message, which must be a text frame holding JSON; typed as `T` (not validated). */
  receiveJson<T = unknown>(options?: WaitOptions): Promise<T> {
    return this.received.take('json', options?.timeout ?? this.defaultTimeout) as Promise<T>;
  }

  /** The next message, which must be a binary frame. */
  receiveBytes(options?: WaitOptions): Promise<Buffer> {
    return this.received.take('bytes', options?.timeout ?? this.defaultTimeout) as Promise<Buffer>;
  }

  /** The next message of either kind: `string` for text frames, `Buffer` for binary ones. */
  receive(options?: WaitOptions): Promise<string | Buffer> {
    return this.received.take('message', options?.timeout ?? this.defaultTimeout) as Promise<string | Buffer>;
  }

  /**
   * Resolves if no message arrives within `within` ms. Rejects with `UnexpectedMessageError`, naming
   * the message, as soon as one is queued or arrives; that message stays queued. Prefer a round trip
   * that proves nothing came (send a ping, receive its answer) where the server offers one: this
   * waits out the whole window.
   * @example
   * conn.sendJson({ type: 'typing' }); // the server relays it to the others only
   * await conn.expectNoMessage({ within: 100 });
   */
  expectNoMessage(options: SilenceOptions): Promise<void> {
    return this.received.expectNone(options.within);
  }

  // ---- flow control --------------------------------------------------------------------

  /**
   * Stops reading from the TCP socket, as a slow client would: the kernel buffers fill up and the
   * server sees backpressure. `resumeReading()` reads again; what arrived meanwhile is delivered then.
   * @example
   * conn.pauseReading();
   * await floodFromServer(); // the server's conn.bufferedAmount grows
   * conn.resumeReading();
   */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Reads from the TCP socket again after `pauseReading()`. */
  resumeReading(): void {
    this.socket.resume();
  }

  // ---- closing -------------------------------------------------------------------------

  /**
   * Waits until the server closes the connection; with `code`, rejects with `UnexpectedCloseError`
   * if it closes with another one. Messages still queued stay readable.
   * @example
   * await conn.expectClose(1008);
   */
  async expectClose(code?: number, options?: WaitOptions): Promise<CloseInfo> {
    const info = this.closeInfo ?? (await this.waitForClose(`the server to close ${this.path}`, options?.timeout));
    if (code !== undefined && info.code !== code) throw new UnexpectedCloseError(this.path, code, info.code, info.reason);
    return info;
  }

  /**
   * Closes the connection from the client side and waits for the closing handshake; a server that
   * does not answer in time gets its socket destroyed (the close code is then 1006). `code: null`
   * sends a close frame without a status code, as a browser's `ws.close()` does (the server sees 1005).
   * @example
   * await conn.close(4000, 'done');
   * await conn.close(null); // no status code
   */
  async close(code: number | null = 1000, reason = '', options?: WaitOptions): Promise<CloseInfo> {
    if (code === null && reason !== '') throw new TypeError('close(null, reason): a close frame without a status code cannot carry a reason');
    if (this.closeInfo) return this.closeInfo;
    if (this.socket.readyState === WebSocket.OPEN) {
      if (code === null) this.socket.close();
      else this.socket.close(code, reason);
    }
    try {
      return await this.waitForClose(`the closing handshake of ${this.path}`, options?.timeout);
    } catch {
      this.socket.terminate();
      return this.closedPromise;
    }
  }

  /**
   * Destroys the TCP socket without a closing handshake, as a client that lost its network would;
   * resolves once the socket is gone (close code 1006, unless the connection had already closed).
   * @example
   * await conn.terminate();
   * expect(await serverSawClose).toMatchObject({ code: 1006 });
   */
  terminate(): Promise<CloseInfo> {
    this.socket.terminate();
    return this.closedPromise;
  }

  private waitForClose(awaited: string, timeout = this.defaultTimeout): Promise<CloseInfo> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.closedPromise.finally(() => clearTimeout(timer)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TestTimeoutError(awaited, timeout)), timeout);
      }),
    ]);
  }

  /** @internal Resolves when the connection has closed, however it closed; for `TestClient`'s bookkeeping. */
  get whenClosed(): Promise<CloseInfo> {
    return this.closedPromise;
  }
}
