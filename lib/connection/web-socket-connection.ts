import { STATUS_CODES } from 'node:http';
import type { ClassTransformOptions } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import { CloseCode, isSendableCloseCode, WebSocketStateError } from '../errors';
import { receiveValidatorFor, type DtoClass, type DtoValidator } from '../messages/dto-validator';
import type { RouteContext } from './connection-context';
import type { CloseInfo, ConnectionState } from './close-info';
import { ReceiveKind } from './inbound-queue';
import { sendFrame } from './outbound';
import type { Handshake } from './peer';
import type { InboundMessage } from './message';
import { MessageIterator } from './message-iterator';
import { truncateUtf8 } from './close-reason';
import { rejected } from './rejected';
import type { RequestInfo } from './request-info';
import { checkResponseHeaders } from './response-headers';
import { RoomApi } from './room-api';
import type { UserData } from './user-data';

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

export type { CloseInfo, ConnectionState, InboundMessage };

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * One WebSocket connection, from the upgrade request to the close. ProAPI builds one per upgrade
 * request; the handler runs before the upgrade: call `accept()` to upgrade, or `close()`/`deny()`
 * to refuse.
 * @typeParam TUserData - the shape of {@link userData} (default: your augmented `UserData`).
 * @example
 * app.websocket('/ws', async (ws) => {
 *   await ws.accept();
 *   for await (const message of ws) await ws.sendText(`Echo: ${message}`);
 * });
 */
export class WebSocketConnection<TUserData extends object = UserData> extends RoomApi<WebSocketConnection> {
  /** @internal */ private acceptedProtocol = '';
  /** @internal */ private userDataValue: TUserData | undefined = undefined;

  private constructor(route: RouteContext<WebSocketConnection>, request: RequestInfo, handshake: Handshake) {
    super(route, request, handshake);
  }

  /** @internal Called by the app for each upgrade request of `route`. */
  static create(route: RouteContext<WebSocketConnection>, request: RequestInfo, handshake: Handshake): WebSocketConnection {
    return new WebSocketConnection(route, request, handshake);
  }

  /** @internal This connection as its route's stages and sink see it, whatever its `TUserData`. */
  private get self(): WebSocketConnection {
    return this as unknown as WebSocketConnection;
  }

  /**
   * Upgrades the HTTP request to a WebSocket. Resolves once the socket is open.
   * @param subprotocol - one of the protocols the client offered (default: {@link defaultSubprotocol}, else none).
   */
  accept(subprotocol?: string): Promise<void> {
    if (this.connectionState === 'open') return rejected(new WebSocketStateError('accept() was already called on this connection'));
    if (this.connectionState === 'closed') return rejected(this.disconnectError());
    if (subprotocol !== undefined && !this.requestedSubprotocols.includes(subprotocol)) return rejected(notOffered(subprotocol, this));
    this.acceptedProtocol = subprotocol ?? this.extras?.preferredProtocol ?? '';
    const handshake = this.handshake as Handshake;
    this.handshake = null;
    handshake.accept(this.acceptedProtocol);
    // The transport opened the socket synchronously inside accept(), unless the client had already gone.
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
    if (this.connectionState === 'connecting') this.deny(403, reason || 'connection refused');
    else if (this.socket !== null) this.route.app.transport.end(this.socket, code, truncateUtf8(reason));
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
    const handshake = this.handshake;
    if (handshake === null) return;
    this.handshake = null;
    this.markClosed({ code: CloseCode.ABNORMAL, reason: `upgrade refused with HTTP ${status}` });
    handshake.refuse(status, body, headers);
  }

  /** Whether the connection is closed (or was refused, or the client went away before upgrade). */
  get closed(): boolean {
    return this.connectionState === 'closed';
  }

  /** `connecting` until `accept()`, then `open`, then `closed`. */
  get state(): ConnectionState {
    return this.connectionState;
  }

  /** The code the connection closed with, once it has. */
  get closeCode(): number | undefined {
    return this.closeInfo?.code;
  }

  /** The reason the connection closed with, once it has. */
  get closeReason(): string | undefined {
    return this.closeInfo?.reason;
  }

  /** The next message, which must be a text frame (else `WebSocketMessageTypeError`, close 1003). */
  receiveText(options?: ReceiveOptions): Promise<string> {
    return this.take(ReceiveKind.TEXT, options?.timeout) as Promise<string>;
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
    if (typeof dtoOrOptions !== 'function') return this.take(ReceiveKind.JSON, dtoOrOptions?.timeout) as Promise<T>;
    let validator: DtoValidator<T & object>;
    try {
      validator = receiveValidatorFor(dtoOrOptions, options);
    } catch (error) {
      return rejected(error); // before taking a message, so none is lost
    }
    return this.take(ReceiveKind.JSON, options?.timeout).then((plain) => validator.parse(plain));
  }

  /** The next message, which must be a binary frame (else `WebSocketMessageTypeError`, close 1003). */
  receiveBytes(options?: ReceiveOptions): Promise<Buffer> {
    return this.take(ReceiveKind.BYTES, options?.timeout) as Promise<Buffer>;
  }

  /** The next message of either kind: `string` for text, `Buffer` for binary. */
  receive(options?: ReceiveOptions): Promise<InboundMessage> {
    return this.take(ReceiveKind.ANY, options?.timeout) as Promise<InboundMessage>;
  }

  /**
   * Iterates over inbound messages until the connection closes. A normal close (1000, 1001, 1005)
   * ends the loop; any other close rejects with `WebSocketDisconnect`.
   */
  [Symbol.asyncIterator](): AsyncIterator<InboundMessage> {
    return new MessageIterator(this);
  }

  /** @internal The next message as an iterator result (`for await`), without a `.then()` per message. */
  nextMessage(): Promise<IteratorResult<InboundMessage>> {
    return this.take(ReceiveKind.ITERATE, undefined) as Promise<IteratorResult<InboundMessage>>;
  }

  /**
   * Sends a text frame. Resolves once handed to the socket; if the socket's buffer is over the
   * `sendHighWaterMark`, only after it drains, so `await`ing producers cannot outrun a slow reader.
   */
  sendText(text: string): Promise<void> {
    return sendFrame(this.self, text, false);
  }

  /** Sends `JSON.stringify(data)` as a text frame. */
  sendJson(data: unknown): Promise<void> {
    const text = JSON.stringify(data);
    if (text === undefined) return rejected(new TypeError('sendJson() got a value JSON cannot represent'));
    return sendFrame(this.self, text, false);
  }

  /** Sends a binary frame. */
  sendBytes(data: Uint8Array | ArrayBuffer): Promise<void> {
    return sendFrame(this.self, data, true);
  }

  /** Bytes waiting in the socket's send buffer (0 before `accept()` and once closed). */
  get bufferedAmount(): number {
    return this.socket === null ? 0 : this.route.app.transport.bufferedAmount(this.socket);
  }

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
    return this.request.query;
  }

  /** Request headers with lower-case names; repeated headers are joined with ", ". */
  get headers(): ReadonlyMap<string, string> {
    return this.request.headers;
  }

  /** The subprotocols the client offered in `Sec-WebSocket-Protocol`, in its order of preference. */
  get requestedSubprotocols(): readonly string[] {
    return this.request.subprotocols;
  }

  /** The subprotocol chosen with `accept(subprotocol)`, or `''`. */
  get subprotocol(): string {
    return this.acceptedProtocol;
  }

  /**
   * What `accept()` without an argument answers: one of {@link requestedSubprotocols}, set before
   * `accept()` (e.g. by a middleware that read a token from the offered subprotocols).
   * @example
   * if (ws.requestedSubprotocols.includes('bearer')) ws.defaultSubprotocol = 'bearer';
   */
  get defaultSubprotocol(): string | undefined {
    return this.extras?.preferredProtocol;
  }

  set defaultSubprotocol(subprotocol: string | undefined) {
    if (subprotocol !== undefined && !this.requestedSubprotocols.includes(subprotocol)) throw notOffered(subprotocol, this);
    this.more.preferredProtocol = subprotocol;
  }

  /** The peer's IP address as text. */
  get clientHost(): string {
    return this.request.clientHost;
  }

  /** Always `null`: uWebSockets.js v20.30 does not expose the peer's TCP port (only its address). */
  get clientPort(): number | null {
    return null;
  }

  /**
   * The address the server listens on, as given to `listen()` (`0.0.0.0` means every interface):
   * not the local address this client reached, which uWebSockets.js v20.30 does not tell.
   */
  get serverHost(): string {
    return this.route.app.server.serverHost;
  }

  /** The port the server listens on. */
  get serverPort(): number {
    return this.route.app.server.serverPort;
  }

  /**
   * Your per-connection state, typed by `TUserData`. It starts as `{}`: declare fields that are
   * not set yet as optional (`{ user?: User }`), or assign a whole object.
   */
  get userData(): TUserData {
    return (this.userDataValue ??= {} as TUserData);
  }

  set userData(value: TUserData) {
    this.userDataValue = value;
  }
}

function notOffered(subprotocol: string, ws: WebSocketConnection<object>): WebSocketStateError {
  const offered = ws.requestedSubprotocols.join(', ') || 'none';
  return new WebSocketStateError(`subprotocol "${subprotocol}" was not offered by the client (offered: ${offered})`);
}
