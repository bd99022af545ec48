/** Standard WebSocket close codes ProAPI uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
} as const;

/** Base class of every error ProAPI throws on purpose. */
export class ProAPIError extends Error {
  override name = 'ProAPIError';
}

/**
 * The peer (or the server) closed the connection. Pending and later receives reject with it,
 * and so do sends on a closed connection.
 * @example
 * try { for (;;) await ws.receiveText(); }
 * catch (err) { if (err instanceof WebSocketDisconnect) console.log(err.code, err.reason); }
 */
export class WebSocketDisconnect extends ProAPIError {
  override name = 'WebSocketDisconnect';
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`WebSocket closed with code ${code}${reason ? ` (${reason})` : ''}`);
  }
}

/** An error that, when it escapes a handler, closes the socket with {@link closeCode}. */
export abstract class WebSocketProtocolError extends ProAPIError {
  abstract readonly closeCode: number;
  /**
   * What the peer is told (close reason, error frame): short, and without hints meant for the
   * server's operator, which stay in `message`. A close reason is cut to 123 bytes.
   */
  readonly reason: string;

  constructor(message: string, reason: string = message) {
    super(message);
    this.reason = reason;
  }
}

/** A text frame arrived where bytes were expected, or the other way round. Escaping: close 1003. */
export class WebSocketMessageTypeError extends WebSocketProtocolError {
  override name = 'WebSocketMessageTypeError';
  readonly closeCode = CloseCode.UNSUPPORTED_DATA;
  constructor(
    readonly expected: 'text' | 'binary',
    readonly received: 'text' | 'binary',
  ) {
    super(`expected a ${expected} message but received a ${received} message`);
  }
}

/** A message was not valid JSON. Escaping: close 1007. */
export class WebSocketJsonError extends WebSocketProtocolError {
  override name = 'WebSocketJsonError';
  readonly closeCode = CloseCode.INVALID_PAYLOAD;
  constructor(readonly detail: string) {
    super(`message is not valid JSON: ${detail}`);
  }
}

/** A receive with `{ timeout }` saw no message in time. The connection stays open. */
export class ReceiveTimeoutError extends ProAPIError {
  override name = 'ReceiveTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no message arrived within ${timeoutMs} ms`);
  }
}

/** A send was refused because the socket's buffer is over `maxBackpressure`; the message was not sent. */
export class WebSocketBackpressureError extends ProAPIError {
  override name = 'WebSocketBackpressureError';
  constructor(readonly bufferedAmount: number) {
    super(
      `message dropped: ${bufferedAmount} bytes are already buffered for this slow receiver ` +
        `(raise the maxBackpressure option, or await each send so the producer waits for drain)`,
    );
  }
}

/** The connection was used in a state that does not allow it (e.g. sending before accept()). */
export class WebSocketStateError extends ProAPIError {
  override name = 'WebSocketStateError';
}

/** A gateway, route or decorator is declared wrongly. Thrown at boot, never per message. */
export class RouteDefinitionError extends ProAPIError {
  override name = 'RouteDefinitionError';
}

/** A middleware misused the chain, e.g. called `next()` twice. */
export class MiddlewareError extends ProAPIError {
  override name = 'MiddlewareError';
}

/**
 * A room name is empty, too long (`maxRoomNameBytes`), not a string, or holds control characters
 * or broken UTF-16. Room names usually come from clients, so one escaping a handler closes with
 * 1008. The `app.*` room methods are the server's own API: a bad name there is a bug in the
 * server, so theirs carries `closeCode` 1011 and escapes a handler as an internal error.
 * @example
 * try { await ws.joinRoom(room); }
 * catch (err) { if (err instanceof InvalidRoomNameError) await ws.sendJson({ error: err.reason }); }
 */
export class InvalidRoomNameError extends WebSocketProtocolError {
  override name = 'InvalidRoomNameError';
  readonly closeCode: number;
  constructor(
    readonly room: unknown,
    problem: string,
    options: { hint?: string; closeCode?: number } = {},
  ) {
    super(
      `invalid room name ${describeValue(room)}: ${problem}${options.hint ? ` (${options.hint})` : ''}`,
      `invalid room name: ${problem}`,
    );
    this.closeCode = options.closeCode ?? CloseCode.POLICY_VIOLATION;
  }
}

/**
 * `joinRoom()` was refused: the connection is in `maxRoomsPerConnection` rooms already. Room
 * names usually come from clients, so one escaping a handler closes with 1008.
 * @example
 * try { await ws.joinRoom(room); }
 * catch (err) { if (err instanceof RoomLimitError) throw new WsException('room_limit', err.reason); }
 */
export class RoomLimitError extends WebSocketProtocolError {
  override name = 'RoomLimitError';
  readonly closeCode = CloseCode.POLICY_VIOLATION;
  constructor(
    readonly room: string,
    readonly limit: number,
  ) {
    super(
      `cannot join room ${describeValue(room)}: the connection is in ${limit} rooms already ` +
        '(leave one first, or raise the maxRoomsPerConnection option)',
      `too many rooms: at most ${limit} per connection`,
    );
  }
}

/** A broadcast was refused, before anyone received it, because it is larger than `maxPayloadLength`. */
export class MessageTooLargeError extends ProAPIError {
  override name = 'MessageTooLargeError';
  constructor(
    readonly byteLength: number,
    readonly limit: number,
  ) {
    super(
      `message of ${byteLength} bytes is over the ${limit}-byte maxPayloadLength limit and was not sent ` +
        `(split it, or raise the maxPayloadLength option)`,
    );
  }
}

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value.length > 40 ? `${shown} (${value.length} characters)` : shown;
}
