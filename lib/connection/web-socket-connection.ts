import { STATUS_CODES } from 'node:http';
import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import {
  CloseCode,
  ReceiveTimeoutError,
  WebSocketBackpressureError,
  WebSocketDisconnect,
  WebSocketMessageTypeError,
  WebSocketStateError,
} from '../errors';
import { defaultValidatorFor, DtoValidator, type DtoClass } from '../messages/dto-validator';
import { parseJsonSafely, type JsonLimits } from '../messages/safe-json';
import type { ResolvedOptions } from '../options';
import type { ConnectionTransport, CopiedRequest, SocketRef } from './transport';

/** An inbound message: text frames arrive as `string`, binary frames as `Buffer`. */
export type InboundMessage = string | Buffer;

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ReceiveOptions {
  /** Milliseconds to wait before rejecting with `ReceiveTimeoutError`; the connection stays open. */
  timeout?: number;
}

/** Options of `receiveJson(Dto, options)`. */
export interface ReceiveJsonOptions extends ReceiveOptions {
  /** class-validator options over the defaults `{ whitelist, forbidNonWhitelisted, forbidUnknownValues }` (all true). */
  validation?: ValidatorOptions;
  /** class-transformer options for `plainToInstance`. */
  transform?: ClassTransformOptions;
}

/**
 * @internal Takes a connection's messages as they arrive, instead of `receive()` calls
 * (`@OnMessage` dispatch). Never throws.
 */
export interface MessageSink {
  /** Handles one message; while a returned promise is pending, later messages wait in the queue. */
  onMessage(conn: WebSocketConnection, message: InboundMessage): Promise<unknown> | undefined;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

const RECEIVE_ANY = 0;
const RECEIVE_TEXT = 1;
const RECEIVE_JSON = 2;
const RECEIVE_BYTES = 3;
type ReceiveKind = 0 | 1 | 2 | 3;

interface Waiter {
  readonly kind: ReceiveKind;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
}

interface DrainWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

const RESOLVED: Promise<void> = Promise.resolve();
/** @internal What `send*()` return when the frame went out at once; compare to skip a `.then()`. */
export const SENT = RESOLVED;
const MAX_REASON_BYTES = 123;
const NORMAL_CLOSE_CODES = new Set<number>([CloseCode.NORMAL, CloseCode.GOING_AWAY, CloseCode.NO_STATUS]);

/**
 * One WebSocket connection, from the upgrade request to the close.
 *
 * The handler runs before the upgrade: call `accept()` to upgrade, or `close()`/`deny()` to refuse.
 * @typeParam TUserData - the shape of {@link userData}, your per-connection state.
 * @example
 * app.websocket('/ws', async (ws) => {
 *   await ws.accept();
 *   for await (const message of ws) await ws.sendText(`Echo: ${message}`);
 * });
 */
export class WebSocketConnection<TUserData extends object = Record<string, unknown>> {
  private connectionState: ConnectionState = 'connecting';
  /** @internal */ socket: SocketRef | null = null;
  private acceptedProtocol = '';
  private closeInfo: CloseInfo | null = null;
  // Allocated on first use: most connections never queue, time out or wait for drain.
  private queue: InboundMessage[] | null = null;
  private waiters: Waiter[] | null = null;
  private drainWaiters: DrainWaiter[] | null = null;
  private closeWaiters: ((info: CloseInfo) => void)[] | null = null;
  private userDataValue: TUserData | undefined;
  private headerMap: ReadonlyMap<string, string> | undefined;
  private queryValue: URLSearchParams | undefined;
  private everOpened = false;
  private sink: MessageSink | null = null;
  /** The sink is busy with a message (or not started): new messages queue. */
  private sinkHeld = false;
  private sinkRelease: (() => void) | null = null;
  private sinkFailure: ((error: unknown) => void) | null = null;

  /** @internal Built by the adapter from a copied upgrade request. */
  constructor(
    private readonly transport: ConnectionTransport,
    private readonly request: CopiedRequest,
  ) {}

  // ---- connection management ------------------------------------------------------------

  /**
   * Upgrades the HTTP request to a WebSocket. Resolves once the socket is open.
   * @param subprotocol - one of the protocols the client offered (see {@link requestedSubprotocols}).
   */
  accept(subprotocol?: string): Promise<void> {
    if (this.connectionState === 'open') {
      return Promise.reject(new WebSocketStateError('accept() was already called on this connection'));
    }
    if (this.connectionState === 'closed') return Promise.reject(this.disconnectError());
    if (subprotocol !== undefined && !this.requestedSubprotocols.includes(subprotocol)) {
      return Promise.reject(
        new WebSocketStateError(
          `subprotocol "${subprotocol}" was not offered by the client ` +
            `(offered: ${this.requestedSubprotocols.join(', ') || 'none'})`,
        ),
      );
    }
    this.acceptedProtocol = subprotocol ?? '';
    this.transport.upgrade(this, this.acceptedProtocol);
    // uWS opened the socket synchronously inside upgrade(), unless the client had already gone.
    return (this.connectionState as ConnectionState) === 'open' ? RESOLVED : Promise.reject(this.disconnectError());
  }

  /**
   * Closes the connection. Before `accept()` it refuses the upgrade with HTTP 403 instead.
   * @param code - 1000 (normal), 1001, 1003, 1007–1011, or an application code 3000–4999.
   * @param reason - at most 123 bytes of UTF-8; longer reasons are cut.
   */
  close(code: number = CloseCode.NORMAL, reason = ''): Promise<void> {
    if (!isSendableCloseCode(code)) {
      throw new RangeError(`close code ${code} cannot be sent; use 1000, 1001, 1003, 1007-1011 or 3000-4999`);
    }
    if (this.connectionState === 'connecting') {
      this.deny(403, reason || 'connection refused');
    } else if (this.connectionState === 'open' && this.socket) {
      this.transport.end(this.socket, code, truncateUtf8(reason, MAX_REASON_BYTES));
    }
    return RESOLVED;
  }

  /** Refuses the upgrade with an HTTP status (e.g. 401) and a plain-text body. Only before `accept()`. */
  deny(status: number, body: string = STATUS_CODES[status] ?? ''): void {
    if (this.connectionState === 'open') {
      throw new WebSocketStateError('deny() is only possible before accept(); use close(code, reason) instead');
    }
    if (this.connectionState === 'closed') return;
    this.markClosed({ code: CloseCode.ABNORMAL, reason: `upgrade refused with HTTP ${status}` });
    this.transport.deny(this, status, body);
  }

  /** Whether the connection is closed (or was refused, or the client went away before upgrade). */
  get closed(): boolean {
    return this.connectionState === 'closed';
  }

  /** `connecting` until `accept()`, then `open`, then `closed`. */
  get state(): ConnectionState {
    return this.connectionState;
  }

  /** The code and reason the connection closed with, once it has. */
  get closeCode(): number | undefined {
    return this.closeInfo?.code;
  }

  get closeReason(): string | undefined {
    return this.closeInfo?.reason;
  }

  /** Resolves with the close code and reason once the connection is closed, however that happens. */
  waitForClose(): Promise<CloseInfo> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => (this.closeWaiters ??= []).push(resolve));
  }

  // ---- receiving --------------------------------------------------------------------------

  /** The next message, which must be a text frame (else `WebSocketMessageTypeError`, close 1003). */
  receiveText(options?: ReceiveOptions): Promise<string> {
    return this.take(RECEIVE_TEXT, options) as Promise<string>;
  }

  /**
   * The next text message parsed as JSON (else `WebSocketJsonError`, close 1007). Keys that
   * reach prototypes (`__proto__`, `constructor`, `prototype`) are refused, and so is JSON longer
   * or deeper than the `maxJsonLength`/`maxJsonDepth` options.
   *
   * Given a DTO class, the message becomes a validated instance of it, exactly as for
   * `@OnMessage`, else the promise rejects with `WebSocketValidationError` (close 1007 if it escapes).
   * @example
   * const msg = await ws.receiveJson(ChatMessage); // ChatMessage instance, validated
   * const any = await ws.receiveJson<{ n: number }>(); // parsed, not validated
   */
  receiveJson<T = unknown>(options?: ReceiveOptions): Promise<T>;
  receiveJson<T extends object>(dto: DtoClass<T>, options?: ReceiveJsonOptions): Promise<T>;
  receiveJson<T>(dtoOrOptions?: DtoClass<T & object> | ReceiveOptions, options?: ReceiveJsonOptions): Promise<T> {
    if (typeof dtoOrOptions !== 'function') return this.take(RECEIVE_JSON, dtoOrOptions) as Promise<T>;
    const validator =
      options?.validation || options?.transform
        ? new DtoValidator(dtoOrOptions, options.validation, options.transform)
        : defaultValidatorFor(dtoOrOptions);
    return this.take(RECEIVE_JSON, options).then((plain) => validator.parse(plain));
  }

  /** The next message, which must be a binary frame (else `WebSocketMessageTypeError`, close 1003). */
  receiveBytes(options?: ReceiveOptions): Promise<Buffer> {
    return this.take(RECEIVE_BYTES, options) as Promise<Buffer>;
  }

  /** The next message of either kind: `string` for text, `Buffer` for binary. */
  receive(options?: ReceiveOptions): Promise<InboundMessage> {
    return this.take(RECEIVE_ANY, options) as Promise<InboundMessage>;
  }

  private take(kind: ReceiveKind, options: ReceiveOptions | undefined): Promise<unknown> {
    const queue = this.queue;
    if (queue !== null && queue.length > 0) {
      const message = queue.shift() as InboundMessage;
      try {
        return Promise.resolve(convert(kind, message, this.transport.options));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.connectionState !== 'open') {
      return Promise.reject(
        this.connectionState === 'connecting'
          ? new WebSocketStateError('cannot receive before the connection is accepted. Did you forget to call accept()?')
          : this.disconnectError(),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { kind, resolve, reject, timer: undefined };
      const timeout = options?.timeout;
      if (timeout !== undefined) {
        waiter.timer = setTimeout(() => {
          this.removeWaiter(waiter);
          reject(new ReceiveTimeoutError(timeout));
        }, timeout);
      }
      (this.waiters ??= []).push(waiter);
    });
  }

  /**
   * Iterates over inbound messages until the connection closes. A normal close (1000, 1001, 1005)
   * ends the loop; any other close rejects with `WebSocketDisconnect`.
   */
  [Symbol.asyncIterator](): AsyncIterator<InboundMessage> {
    return {
      next: () =>
        this.receive().then(
          (value) => ({ value, done: false }),
          (error: unknown) => {
            if (error instanceof WebSocketDisconnect && NORMAL_CLOSE_CODES.has(error.code)) {
              return { value: undefined, done: true };
            }
            throw error;
          },
        ),
    };
  }

  // ---- sending ----------------------------------------------------------------------------

  /**
   * Sends a text frame. Resolves once handed to the socket; if the socket's buffer is over the
   * `sendHighWaterMark`, only after it drains, so `await`ing producers cannot outrun a slow reader.
   */
  sendText(text: string): Promise<void> {
    return this.sendFrame(text, false);
  }

  /** Sends `JSON.stringify(data)` as a text frame. */
  sendJson(data: unknown): Promise<void> {
    const text = JSON.stringify(data);
    if (text === undefined) return Promise.reject(new TypeError('sendJson() got a value JSON cannot represent'));
    return this.sendFrame(text, false);
  }

  /** Sends a binary frame. */
  sendBytes(data: Uint8Array | ArrayBuffer): Promise<void> {
    return this.sendFrame(data, true);
  }

  private sendFrame(data: string | Uint8Array | ArrayBuffer, isBinary: boolean): Promise<void> {
    const socket = this.socket;
    if (socket === null) {
      return Promise.reject(
        this.connectionState === 'connecting'
          ? new WebSocketStateError('cannot send before the connection is accepted. Did you forget to call accept()?')
          : this.disconnectError(),
      );
    }
    const status = this.transport.send(socket, data, isBinary);
    if (status === 1) return RESOLVED;
    if (this.socket === null) return Promise.reject(this.disconnectError());
    const buffered = this.transport.bufferedAmount(socket);
    if (status === 2) return Promise.reject(new WebSocketBackpressureError(buffered));
    if (buffered <= this.transport.options.sendHighWaterMark) return RESOLVED;
    return new Promise((resolve, reject) => (this.drainWaiters ??= []).push({ resolve, reject }));
  }

  /** Bytes waiting in the socket's send buffer (0 once closed). */
  get bufferedAmount(): number {
    return this.socket ? this.transport.bufferedAmount(this.socket) : 0;
  }

  // ---- request properties -------------------------------------------------------------------

  /** The request path, without the query string. */
  get path(): string {
    return this.request.path;
  }

  /** Path parameters of the route, e.g. `{ room: 'lobby' }` for `/chat/:room`; a trailing `*` is `params['*']`. */
  get params(): Readonly<Record<string, string>> {
    return this.request.params;
  }

  /** The query string, parsed. */
  get queryParams(): URLSearchParams {
    return (this.queryValue ??= new URLSearchParams(this.request.rawQuery));
  }

  /** Request headers with lower-case names; repeated headers are joined with ", ". */
  get headers(): ReadonlyMap<string, string> {
    return (this.headerMap ??= buildHeaderMap(this.request.headerPairs));
  }

  /** The subprotocols the client offered in `Sec-WebSocket-Protocol`, in its order of preference. */
  get requestedSubprotocols(): readonly string[] {
    const header = this.headers.get('sec-websocket-protocol');
    return header ? header.split(',').map((p) => p.trim()).filter(Boolean) : [];
  }

  /** The subprotocol chosen with `accept(subprotocol)`, or `''`. */
  get subprotocol(): string {
    return this.acceptedProtocol;
  }

  /** The peer's IP address as text. */
  get clientHost(): string {
    return this.request.clientHost;
  }

  /**
   * Always `null`: uWebSockets.js v20.30 does not expose the peer's TCP port
   * (it only offers the remote address).
   */
  get clientPort(): number | null {
    return null;
  }

  /** The address the server listens on, as given to `listen()`. */
  get serverHost(): string {
    return this.transport.serverHost;
  }

  /** The port the server listens on. */
  get serverPort(): number {
    return this.transport.serverPort;
  }

  /** @internal The app's options (limits, logger), for code that serves this connection. */
  get settings(): ResolvedOptions {
    return this.transport.options;
  }

  /** @internal Whether the upgrade completed at some point (the connection may be closed by now). */
  get wasOpened(): boolean {
    return this.everOpened;
  }

  /** Your per-connection state; typed by the `TUserData` parameter. */
  get userData(): TUserData {
    return (this.userDataValue ??= {} as TUserData);
  }

  set userData(value: TUserData) {
    this.userDataValue = value;
  }

  // ---- called by the transport ------------------------------------------------------------

  /** @internal */
  onTransportOpen(socket: SocketRef): void {
    this.socket = socket;
    this.connectionState = 'open';
    this.everOpened = true;
  }

  /**
   * @internal Hands later messages to `sink` instead of the queue. Messages wait in the queue
   * until {@link releaseSink}; `receive*()` calls still take precedence over the sink.
   */
  attachSink(sink: MessageSink): void {
    this.sink = sink;
    this.sinkHeld = true;
    // Per connection, not per message: waiting for an async handler allocates no closure.
    this.sinkRelease = () => this.releaseSink();
    this.sinkFailure = (error) => {
      this.sinkFailed(error);
      this.releaseSink();
    };
  }

  /** @internal Lets the sink take messages: the queued ones first, in order. */
  releaseSink(): void {
    this.sinkHeld = false;
    const queue = this.queue;
    while (queue !== null && queue.length > 0 && !this.sinkHeld && this.connectionState === 'open') {
      this.deliver(queue.shift() as InboundMessage);
    }
  }

  private deliver(message: InboundMessage): void {
    let pending: Promise<unknown> | undefined;
    try {
      pending = (this.sink as MessageSink).onMessage(this as WebSocketConnection, message);
    } catch (error) {
      // Sinks answer every failure themselves; this is a bug, and it must not reach uWS's callback.
      this.sinkFailed(error);
      return;
    }
    if (pending !== undefined) {
      this.sinkHeld = true;
      void pending.then(this.sinkRelease, this.sinkFailure);
    }
  }

  private sinkFailed(error: unknown): void {
    this.transport.options.logger.error({ err: error, path: this.path }, 'message dispatch failed; closing with 1011');
    if (this.connectionState === 'open') void this.close(CloseCode.INTERNAL_ERROR, 'internal error');
  }

  /** @internal A message arrived; text already decoded, binary already copied out of uWS memory. */
  onTransportMessage(message: InboundMessage): void {
    const waiters = this.waiters;
    if (waiters !== null && waiters.length > 0) {
      settle(waiters.shift() as Waiter, message, this.transport.options);
      return;
    }
    // Not held means the queue is empty: deliver at once, inside the transport's callback.
    if (this.sink !== null && !this.sinkHeld) {
      this.deliver(message);
      return;
    }
    const queue = (this.queue ??= []);
    if (queue.length >= this.transport.options.maxQueuedMessages) {
      this.transport.options.logger.warn(
        { path: this.path, queued: queue.length, limit: this.transport.options.maxQueuedMessages },
        'inbound message queue overflow: the handler is not receiving fast enough; closing with 1008',
      );
      void this.close(CloseCode.POLICY_VIOLATION, 'message queue overflow');
      return;
    }
    queue.push(message);
  }

  /** @internal */
  onTransportDrain(): void {
    const waiters = this.drainWaiters;
    if (waiters === null || waiters.length === 0 || this.socket === null) return;
    if (this.transport.bufferedAmount(this.socket) > this.transport.options.sendHighWaterMark) return;
    this.drainWaiters = null;
    for (const waiter of waiters) waiter.resolve();
  }

  /** @internal The socket closed (either side) or the client went away before the upgrade. */
  onTransportClose(code: number, reason: string): void {
    this.markClosed({ code, reason });
  }

  private markClosed(info: CloseInfo): void {
    if (this.connectionState === 'closed') return;
    this.connectionState = 'closed';
    this.socket = null;
    this.closeInfo = info;
    const error = this.disconnectError();
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters) {
      for (const waiter of waiters) {
        if (waiter.timer) clearTimeout(waiter.timer);
        waiter.reject(error);
      }
    }
    const drainWaiters = this.drainWaiters;
    this.drainWaiters = null;
    if (drainWaiters) for (const waiter of drainWaiters) waiter.reject(error);
    const closeWaiters = this.closeWaiters;
    this.closeWaiters = null;
    if (closeWaiters) for (const resolve of closeWaiters) resolve(info);
  }

  private disconnectError(): WebSocketDisconnect {
    const info = this.closeInfo ?? { code: CloseCode.ABNORMAL, reason: '' };
    return new WebSocketDisconnect(info.code, info.reason);
  }

  private removeWaiter(waiter: Waiter): void {
    const waiters = this.waiters;
    const index = waiters ? waiters.indexOf(waiter) : -1;
    if (index >= 0) waiters!.splice(index, 1);
  }
}

function settle(waiter: Waiter, message: InboundMessage, limits: JsonLimits): void {
  if (waiter.timer) clearTimeout(waiter.timer);
  if (waiter.kind === RECEIVE_ANY) {
    waiter.resolve(message);
    return;
  }
  try {
    waiter.resolve(convert(waiter.kind, message, limits));
  } catch (error) {
    waiter.reject(error);
  }
}

function convert(kind: ReceiveKind, message: InboundMessage, limits: JsonLimits): unknown {
  switch (kind) {
    case RECEIVE_ANY:
      return message;
    case RECEIVE_TEXT:
      if (typeof message !== 'string') throw new WebSocketMessageTypeError('text', 'binary');
      return message;
    case RECEIVE_BYTES:
      if (typeof message === 'string') throw new WebSocketMessageTypeError('binary', 'text');
      return message;
    case RECEIVE_JSON:
      if (typeof message !== 'string') throw new WebSocketMessageTypeError('text', 'binary');
      return parseJsonSafely(message, limits);
  }
}

function buildHeaderMap(pairs: readonly string[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < pairs.length; i += 2) {
    const previous = map.get(pairs[i]);
    map.set(pairs[i], previous === undefined ? pairs[i + 1] : `${previous}, ${pairs[i + 1]}`);
  }
  return map;
}

function isSendableCloseCode(code: number): boolean {
  return (
    code === 1000 || code === 1001 || code === 1003 || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999)
  );
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = Buffer.from(text).subarray(0, maxBytes).toString();
  // A multi-byte character cut in half decodes as U+FFFD (3 bytes); drop it.
  while (Buffer.byteLength(cut) > maxBytes || cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut;
}
