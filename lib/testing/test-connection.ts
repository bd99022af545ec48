import WebSocket from 'ws';
import type { CloseInfo } from '../connection/web-socket-connection';
import {
  ConnectionClosedError,
  TestClientError,
  TestTimeoutError,
  UnexpectedCloseError,
  UnexpectedMessageError,
  UpgradeRefusedError,
} from './testing.errors';

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

type Expected = 'message' | 'text' | 'json' | 'bytes';

const AWAITED: Record<Expected, string> = {
  message: 'a message',
  text: 'a text message',
  json: 'a JSON message',
  bytes: 'a binary message',
};

interface Waiter {
  readonly expected: Expected;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
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
  private readonly queue: (string | Buffer)[] = [];
  private readonly waiters: Waiter[] = [];
  private closeInfo: CloseInfo | null = null;
  private readonly closedPromise: Promise<CloseInfo>;

  private constructor(
    private readonly socket: WebSocket,
    /** The path this connection was opened with, query string included. */
    readonly path: string,
    private readonly defaultTimeout: number,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(isBinary ? data : data.toString('utf8')));
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        this.onClose({ code, reason: reason.toString('utf8') });
        resolve(this.closeInfo!);
      });
    });
    // A reset after the handshake surfaces as a 1006 close; without a listener it would crash the test run.
    socket.on('error', () => undefined);
  }

  /** @internal Opens `url`; use `TestClient.connect()`. Aborting `signal` abandons the upgrade and destroys the socket. */
  static open(url: string, path: string, options: ConnectOptions, defaultTimeout: number, signal: AbortSignal): Promise<TestConnection> {
    const socket = new WebSocket(url, [...(options.protocols ?? [])], { headers: { ...options.headers } });
    const conn = new TestConnection(socket, path, defaultTimeout);
    const timeout = options.timeout ?? defaultTimeout;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        settle(new TestTimeoutError(`the WebSocket upgrade of ${path}`, timeout));
      }, timeout);
      const settle = (error: Error | null): void => {
        clearTimeout(timer);
        socket.off('open', onOpen);
        socket.off('error', onError);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(conn);
      };
      const onOpen = (): void => settle(null);
      const onError = (error: Error): void =>
        settle(new Error(`could not open a WebSocket to ${url}: ${error.message}`, { cause: error }));
      const onAbort = (): void => {
        socket.terminate();
        settle(new TestClientError(`client.close() was called while connecting to ${path}, so the connection was abandoned`));
      };
      socket.once('open', onOpen);
      socket.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => {
          socket.off('error', onError);
          settle(new UpgradeRefusedError(path, response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          // Closes the HTTP socket too (destroying the finished request would leave it open).
          socket.terminate();
        });
      });
    });
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
    return this.take('text', options) as Promise<string>;
  }

  /** The next message, which must be a text frame holding JSON; typed as `T` (not validated). */
  receiveJson<T = unknown>(options?: WaitOptions): Promise<T> {
    return this.take('json', options) as Promise<T>;
  }

  /** The next message, which must be a binary frame. */
  receiveBytes(options?: WaitOptions): Promise<Buffer> {
    return this.take('bytes', options) as Promise<Buffer>;
  }

  /** The next message of either kind: `string` for text frames, `Buffer` for binary ones. */
  receive(options?: WaitOptions): Promise<string | Buffer> {
    return this.take('message', options) as Promise<string | Buffer>;
  }

  private take(expected: Expected, options: WaitOptions | undefined): Promise<unknown> {
    if (this.queue.length > 0) {
      try {
        return Promise.resolve(this.convert(expected, this.queue.shift()!));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.closeInfo) return Promise.reject(this.closedWhileWaiting(expected));
    const timeout = options?.timeout ?? this.defaultTimeout;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        expected,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new TestTimeoutError(`${AWAITED[expected]} on ${this.path}`, timeout));
        }, timeout),
      };
      this.waiters.push(waiter);
    });
  }

  private onMessage(message: string | Buffer): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.queue.push(message);
      return;
    }
    clearTimeout(waiter.timer);
    try {
      waiter.resolve(this.convert(waiter.expected, message));
    } catch (error) {
      waiter.reject(error);
    }
  }

  private convert(expected: Expected, message: string | Buffer): unknown {
    const awaited = `${AWAITED[expected]} on ${this.path}`;
    if (expected === 'message') return message;
    if (expected === 'bytes') {
      if (typeof message === 'string') throw new UnexpectedMessageError(awaited, message);
      return message;
    }
    if (typeof message !== 'string') throw new UnexpectedMessageError(awaited, message);
    if (expected === 'text') return message;
    try {
      return JSON.parse(message) as unknown;
    } catch (error) {
      throw new UnexpectedMessageError(awaited, message, ` (not valid JSON: ${(error as Error).message})`);
    }
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
   * does not answer in time gets its socket destroyed (the close code is then 1006).
   */
  async close(code = 1000, reason = '', options?: WaitOptions): Promise<CloseInfo> {
    if (this.closeInfo) return this.closeInfo;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
    try {
      return await this.waitForClose(`the closing handshake of ${this.path}`, options?.timeout);
    } catch {
      this.socket.terminate();
      return this.closedPromise;
    }
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

  private onClose(info: CloseInfo): void {
    this.closeInfo = info;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.closedWhileWaiting(waiter.expected));
    }
  }

  private closedWhileWaiting(expected: Expected): ConnectionClosedError {
    const { code, reason } = this.closeInfo!;
    return new ConnectionClosedError(this.path, code, reason, `while waiting for ${AWAITED[expected]}`);
  }
}
