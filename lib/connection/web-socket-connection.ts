import { STATUS_CODES } from 'node:http';
import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import {
  CloseCode,
  type InvalidRoomNameError,
  ReceiveTimeoutError,
  RoomLimitError,
  WebSocketBackpressureError,
  WebSocketDisconnect,
  WebSocketMessageTypeError,
  WebSocketStateError,
} from '../errors';
import { receiveValidatorFor, type DtoClass, type DtoValidator } from '../messages/dto-validator';
import { parseJsonSafely, type JsonLimits } from '../messages/safe-json';
import type { ResolvedOptions } from '../options';
import { checkRoomName } from '../rooms/room-name';
import { checkPayloadSize, toJsonText, type RoomPayload } from '../rooms/room-payload';
import { isSendableCloseCode } from './close-code';
import { checkResponseHeaders } from './response-headers';
import { quietly, rejected } from './rejected';
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
/** Any message, as an iterator result: `for await` gets it without a `.then()` per message. */
const RECEIVE_ITERATE = 4;
type ReceiveKind = 0 | 1 | 2 | 3 | 4;

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
const ITERATION_DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** @internal Sees every frame the connection sends, and every room message it publishes (e.g. to count bytes out). */
export interface SendObserver {
  sent(data: string | Uint8Array | ArrayBuffer, isBinary: boolean): void;
  /** Once per publish, however many receive it: uWS fans it out where nobody can count it. */
  published(room: string, data: string | Uint8Array | ArrayBuffer, isBinary: boolean): void;
}

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
  // Set by a route's middleware chain, and only when a middleware asks for it: null costs one check.
  /** @internal The route's per-message middleware hooks; they end in {@link deliverMessage}. */
  inboundFilter: ((message: InboundMessage) => void) | null = null;
  /** @internal */ sendObserver: SendObserver | null = null;
  /** @internal What `accept()` without an argument answers (e.g. `bearer` after subprotocol auth). */
  defaultSubprotocol: string | undefined = undefined;
  /** @internal How many rooms the open socket is in: kept exact by join and leave, 0 once closed. */
  roomCount = 0;

  /** Built by ProAPI for each upgrade request; you never construct one yourself. */
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
      return rejected(new WebSocketStateError('accept() was already called on this connection'));
    }
    if (this.connectionState === 'closed') return rejected(this.disconnectError());
    if (subprotocol !== undefined && !this.requestedSubprotocols.includes(subprotocol)) {
      return rejected(
        new WebSocketStateError(
          `subprotocol "${subprotocol}" was not offered by the client ` +
            `(offered: ${this.requestedSubprotocols.join(', ') || 'none'})`,
        ),
      );
    }
    this.acceptedProtocol = subprotocol ?? this.defaultSubprotocol ?? '';
    this.transport.upgrade(this, this.acceptedProtocol);
    // uWS opened the socket synchronously inside upgrade(), unless the client had already gone.
    return (this.connectionState as ConnectionState) === 'open' ? RESOLVED : rejected(this.disconnectError());
  }

  /**
   * Closes the connection. Before `accept()` it refuses the upgrade with HTTP 403 instead.
   * @param code - 1000 (normal), 1001, 1003, 1007–1014, or an application code 3000–4999.
   * @param reason - at most 123 bytes of UTF-8; longer reasons are cut.
   */
  close(code: number = CloseCode.NORMAL, reason = ''): Promise<void> {
    if (!isSendableCloseCode(code)) {
      return rejected(new RangeError(`close code ${code} cannot be sent; use 1000, 1001, 1003, 1007-1014 or 3000-4999`));
    }
    if (this.connectionState === 'connecting') {
      this.deny(403, reason || 'connection refused');
    } else if (this.connectionState === 'open' && this.socket) {
      this.transport.end(this.socket, code, truncateUtf8(reason, MAX_REASON_BYTES));
    }
    return RESOLVED;
  }

  /**
   * Refuses the upgrade with an HTTP status (e.g. 401), a plain-text body and optional extra
   * response headers (e.g. `{ 'WWW-Authenticate': 'Bearer' }`). Only before `accept()`.
   */
  deny(status: number, body: string = STATUS_CODES[status] ?? '', headers?: Readonly<Record<string, string>>): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`deny() takes an HTTP error status (400-599), got ${status}`);
    }
    if (headers !== undefined) checkResponseHeaders(headers);
    if (this.connectionState === 'open') {
      throw new WebSocketStateError('deny() is only possible before accept(); use close(code, reason) instead');
    }
    if (this.connectionState === 'closed') return;
    this.markClosed({ code: CloseCode.ABNORMAL, reason: `upgrade refused with HTTP ${status}` });
    this.transport.deny(this, status, body, headers);
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
   * reach prototypes (`__proto__`, and `constructor` with an object value) are refused, and so is
   * JSON longer or deeper than the `maxJsonLength`/`maxJsonDepth` options.
   *
   * Given a DTO class, the message becomes a validated instance of it, exactly as for
   * `@OnMessage`, else the promise rejects with `WebSocketValidationError` (close 1007 if it escapes).
   * A class without class-validator decorators rejects with a `TypeError` at once.
   * @example
   * const msg = await ws.receiveJson(ChatMessage); // ChatMessage instance, validated
   * const any = await ws.receiveJson<{ n: number }>(); // parsed, not validated
   */
  receiveJson<T = unknown>(options?: ReceiveOptions): Promise<T>;
  receiveJson<T extends object>(dto: DtoClass<T>, options?: ReceiveJsonOptions): Promise<T>;
  receiveJson<T>(dtoOrOptions?: DtoClass<T & object> | ReceiveOptions, options?: ReceiveJsonOptions): Promise<T> {
    if (typeof dtoOrOptions !== 'function') return this.take(RECEIVE_JSON, dtoOrOptions) as Promise<T>;
    let validator: DtoValidator<T & object>;
    try {
      validator = receiveValidatorFor(dtoOrOptions, options);
    } catch (error) {
      return rejected(error); // before taking a message, so none is lost
    }
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
        return rejected(error);
      }
    }
    if (this.connectionState !== 'open') {
      if (kind === RECEIVE_ITERATE && this.closedNormally()) return Promise.resolve(ITERATION_DONE);
      return rejected(
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
      // `[waiter]` sizes the array for one: an idle connection waits with exactly one waiter.
      if (this.waiters === null) this.waiters = [waiter];
      else this.waiters.push(waiter);
    });
  }

  /**
   * Iterates over inbound messages until the connection closes. A normal close (1000, 1001, 1005)
   * ends the loop; any other close rejects with `WebSocketDisconnect`.
   */
  [Symbol.asyncIterator](): AsyncIterator<InboundMessage> {
    return { next: () => this.take(RECEIVE_ITERATE, undefined) as Promise<IteratorResult<InboundMessage>> };
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
    if (text === undefined) return rejected(new TypeError('sendJson() got a value JSON cannot represent'));
    return this.sendFrame(text, false);
  }

  /** Sends a binary frame. */
  sendBytes(data: Uint8Array | ArrayBuffer): Promise<void> {
    return this.sendFrame(data, true);
  }

  private sendFrame(data: string | Uint8Array | ArrayBuffer, isBinary: boolean): Promise<void> {
    const socket = this.socket;
    if (socket === null) {
      return rejected(
        this.connectionState === 'connecting'
          ? new WebSocketStateError('cannot send before the connection is accepted. Did you forget to call accept()?')
          : this.disconnectError(),
      );
    }
    const status = this.transport.send(socket, data, isBinary);
    if (this.sendObserver !== null && status !== 2) this.sendObserver.sent(data, isBinary);
    if (status === 1) return RESOLVED;
    if (this.socket === null) return rejected(this.disconnectError());
    const buffered = this.transport.bufferedAmount(socket);
    if (status === 2) return rejected(new WebSocketBackpressureError(buffered));
    if (buffered <= this.transport.options.sendHighWaterMark) return RESOLVED;
    return quietly(new Promise((resolve, reject) => (this.drainWaiters ??= []).push({ resolve, reject })));
  }

  /** Bytes waiting in the socket's send buffer (0 once closed). */
  get bufferedAmount(): number {
    return this.socket ? this.transport.bufferedAmount(this.socket) : 0;
  }

  // ---- rooms ------------------------------------------------------------------------------
  // A room is a uWS topic: uWS holds the members and fans messages out. Room names are app-wide
  // (the same name on two routes is one room). Each method does its work before returning and
  // hands back a settled promise, so `await` costs nothing more than the call.

  /**
   * Joins `room`; joining twice is a no-op. The connection leaves every room when it closes.
   * Rejects with `InvalidRoomNameError` for a bad name, `RoomLimitError` when the connection is
   * in `maxRoomsPerConnection` rooms already, `WebSocketStateError` before `accept()`,
   * `WebSocketDisconnect` once closed.
   * @example
   * await ws.joinRoom(room);
   * await ws.broadcastJson(room, { type: 'system', message: `${name} has joined the room` });
   */
  joinRoom(room: string): Promise<void> {
    const { options } = this.transport;
    const invalid = checkRoomName(room, options.maxRoomNameBytes);
    if (invalid !== null) return rejected(invalid);
    const socket = this.socket;
    if (socket === null) return rejected(this.notOpenError('join a room'));
    if (this.transport.isSubscribed(socket, room)) return RESOLVED;
    if (this.roomCount >= options.maxRoomsPerConnection) return rejected(new RoomLimitError(room, options.maxRoomsPerConnection));
    this.transport.subscribe(socket, room);
    this.roomCount++;
    return RESOLVED;
  }

  /**
   * Leaves `room`. Leaving a room it is not in does nothing, and so does leaving once closed
   * (the close already left every room).
   */
  leaveRoom(room: string): Promise<void> {
    const invalid = checkRoomName(room, this.transport.options.maxRoomNameBytes);
    if (invalid !== null) return rejected(invalid);
    if (this.socket !== null && this.transport.unsubscribe(this.socket, room)) this.roomCount--;
    return RESOLVED;
  }

  /**
   * Why `room` cannot name a room in this app, or `null` if it can: the check `joinRoom()` and the
   * broadcasts make. Use it to refuse a bad name from the URL before `accept()`.
   * @example
   * const invalid = ws.checkRoomName(ws.params.room);
   * if (invalid) return ws.deny(400, invalid.reason);
   */
  checkRoomName(room: string): InvalidRoomNameError | null {
    return checkRoomName(room, this.transport.options.maxRoomNameBytes);
  }

  /** The rooms this connection is in (none before `accept()` or once closed). */
  getRooms(): Promise<string[]> {
    return Promise.resolve(this.socket === null ? [] : this.transport.getTopics(this.socket));
  }

  /** How many connections of this app are in `room`, this one included if it is in it. */
  getRoomSize(room: string): Promise<number> {
    const invalid = checkRoomName(room, this.transport.options.maxRoomNameBytes);
    if (invalid !== null) return rejected(invalid);
    return Promise.resolve(this.transport.numSubscribers(room));
  }

  /**
   * Sends a text message to everyone in `room` except this connection. It need not be in the
   * room itself; once closed it is in no room, so everyone there receives it (the spec's chat
   * announces "has left" after leaving). Slow receivers follow `maxBackpressure`.
   * Rejects with `InvalidRoomNameError`, or `MessageTooLargeError` over `maxPayloadLength`.
   * @example
   * await ws.broadcast('lobby', `${name} is typing`);
   */
  broadcast(room: string, text: string): Promise<void> {
    return this.publishToRoom(room, text, false, this.socket);
  }

  /** Like {@link broadcast} with `JSON.stringify(data)`, serialized once for all receivers. */
  broadcastJson(room: string, data: unknown): Promise<void> {
    return this.publishJsonToRoom(room, data, this.socket);
  }

  /** Like {@link broadcast} with a binary message. */
  broadcastBytes(room: string, data: Uint8Array | ArrayBuffer): Promise<void> {
    return this.publishToRoom(room, data, true, this.socket);
  }

  /** Sends a text message to everyone in `room`, this connection included if it is in the room. */
  broadcastToAll(room: string, text: string): Promise<void> {
    return this.publishToRoom(room, text, false, null);
  }

  /** Like {@link broadcastToAll} with `JSON.stringify(data)`, serialized once for all receivers. */
  broadcastJsonToAll(room: string, data: unknown): Promise<void> {
    return this.publishJsonToRoom(room, data, null);
  }

  /** Like {@link broadcastToAll} with a binary message. */
  broadcastBytesToAll(room: string, data: Uint8Array | ArrayBuffer): Promise<void> {
    return this.publishToRoom(room, data, true, null);
  }

  private publishJsonToRoom(room: string, data: unknown, exclude: SocketRef | null): Promise<void> {
    const text = toJsonText(data);
    return typeof text === 'string' ? this.publishToRoom(room, text, false, exclude) : rejected(text);
  }

  private publishToRoom(room: string, data: RoomPayload, isBinary: boolean, exclude: SocketRef | null): Promise<void> {
    const { options } = this.transport;
    const refused = checkRoomName(room, options.maxRoomNameBytes) ?? checkPayloadSize(data, options.maxPayloadLength);
    if (refused !== null) return rejected(refused);
    // uWS's ws.publish sends nothing from a socket in no room; such a sender is not in `room`
    // either, so publishing to everyone reaches exactly the same sockets.
    this.transport.publish(room, data, isBinary, this.roomCount > 0 ? exclude : null);
    if (this.sendObserver !== null) this.sendObserver.published(room, data, isBinary);
    return RESOLVED;
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
    return (this.headerMap ??= buildHeaderMap(this.request.headerText));
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

  /**
   * Your per-connection state, typed by the `TUserData` parameter. It starts as `{}`: declare
   * fields that are not set yet as optional (`{ user?: User }`), or assign a whole object.
   */
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
    if (this.inboundFilter !== null) this.inboundFilter(message);
    else this.deliverMessage(message);
  }

  /** @internal Hands a message to the handler: a waiting receive, else the queue. */
  deliverMessage(message: InboundMessage): void {
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
    this.roomCount = 0; // uWS takes a closing socket out of every room
    this.closeInfo = info;
    const waiters = this.waiters;
    this.waiters = null;
    const drainWaiters = this.drainWaiters;
    this.drainWaiters = null;
    // An Error captures a stack: build it only for a receive or a send that gets it (a `for await`
    // loop that ends with a normal close does not).
    let error: WebSocketDisconnect | null = null;
    if (waiters) {
      for (const waiter of waiters) {
        if (waiter.timer) clearTimeout(waiter.timer);
        if (waiter.kind === RECEIVE_ITERATE && this.closedNormally()) waiter.resolve(ITERATION_DONE);
        else waiter.reject((error ??= this.disconnectError()));
      }
    }
    if (drainWaiters) for (const waiter of drainWaiters) waiter.reject((error ??= this.disconnectError()));
    const closeWaiters = this.closeWaiters;
    this.closeWaiters = null;
    if (closeWaiters) for (const resolve of closeWaiters) resolve(info);
  }

  /** Closed with 1000, 1001 or 1005: the end of a `for await` loop rather than an error. */
  private closedNormally(): boolean {
    return this.closeInfo !== null && NORMAL_CLOSE_CODES.has(this.closeInfo.code);
  }

  private notOpenError(action: string): Error {
    return this.connectionState === 'connecting'
      ? new WebSocketStateError(`cannot ${action} before the connection is accepted. Did you forget to call accept()?`)
      : this.disconnectError();
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
    case RECEIVE_ITERATE:
      return { value: message, done: false };
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

function buildHeaderMap(headerText: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  let at = 0;
  const next = (): string => {
    const colon = headerText.indexOf(':', at);
    const end = colon + 1 + Number(headerText.slice(at, colon));
    const text = headerText.slice(colon + 1, end);
    at = end;
    return text;
  };
  while (at < headerText.length) {
    const name = next();
    const value = next();
    const previous = map.get(name);
    map.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return map;
}


function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = Buffer.from(text).subarray(0, maxBytes).toString();
  // A multi-byte character cut in half decodes as U+FFFD (3 bytes); drop it.
  while (Buffer.byteLength(cut) > maxBytes || cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut;
}
