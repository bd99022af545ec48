import { CloseCode } from './close-code';
import { ProAPIError, WebSocketProtocolError, type ErrorFault } from './proapi-error';

/**
 * The peer (or the server) closed the connection. Pending and later receives reject with it,
 * and so do sends on a closed connection. Escaping a handler of that same connection it needs no
 * answer; escaping while the handler's own connection is still open (say, an awaited send to
 * someone else) it is a bug in the handler, answered as an internal error.
 * @example
 * try { for (;;) await ws.receiveText(); }
 * catch (err) { if (err instanceof WebSocketDisconnect) console.log(err.code, err.reason); }
 */
export class WebSocketDisconnect extends ProAPIError {
  override name = 'WebSocketDisconnect';
  override readonly wireCode = 'disconnected';
  /** The close reason. */
  override readonly reason: string;

  constructor(
    /** The close code. */
    readonly code: number,
    reason: string,
  ) {
    super(`WebSocket closed with code ${code}${reason ? ` (${reason})` : ''}`);
    this.reason = reason;
  }
}

/** A text frame arrived where bytes were expected, or the other way round. Escaping: close 1003. */
export class WebSocketMessageTypeError extends WebSocketProtocolError {
  override name = 'WebSocketMessageTypeError';
  override readonly wireCode = 'unsupported_data';
  override readonly closeCode = CloseCode.UNSUPPORTED_DATA;
  constructor(
    readonly expected: 'text' | 'binary',
    readonly received: 'text' | 'binary',
  ) {
    super(`expected a ${expected} message but received a ${received} message`);
  }
}

/** A message was not valid JSON (or too long, too deep, or with a key that reaches prototypes). Escaping: close 1007. */
export class WebSocketJsonError extends WebSocketProtocolError {
  override name = 'WebSocketJsonError';
  override readonly wireCode = 'invalid_json';
  override readonly closeCode = CloseCode.INVALID_PAYLOAD;
  constructor(readonly detail: string) {
    super(`message is not valid JSON: ${detail}`);
  }
}

/**
 * A receive with `{ timeout }` saw no message in time. The connection stays open; escaping a
 * handler it closes with 1008: the peer did not keep to the handler's protocol.
 */
export class ReceiveTimeoutError extends WebSocketProtocolError {
  override name = 'ReceiveTimeoutError';
  override readonly wireCode = 'timeout';
  constructor(readonly timeoutMs: number) {
    super(`no message arrived within ${timeoutMs} ms`, 'no message in time');
  }
}

/**
 * A send was refused because the socket's buffer is over `maxBackpressure`; the message was not
 * sent. Escaping a handler it closes with 1008: the receiver is too slow.
 */
export class WebSocketBackpressureError extends WebSocketProtocolError {
  override name = 'WebSocketBackpressureError';
  override readonly wireCode = 'backpressure';
  constructor(readonly bufferedAmount: number) {
    super(
      `message dropped: ${bufferedAmount} bytes are already buffered for this slow receiver ` +
        `(raise the maxBackpressure option, or await each send so the producer waits for drain)`,
      'receiver too slow',
    );
  }
}

/** The connection was used in a state that does not allow it (e.g. sending before accept()). A server bug. */
export class WebSocketStateError extends ProAPIError {
  override name = 'WebSocketStateError';
}

/** A gateway, route or decorator is declared wrongly. Thrown at boot, never per message. */
export class RouteDefinitionError extends ProAPIError {
  override name = 'RouteDefinitionError';
}

/** A middleware misused the chain, e.g. called `next()` twice. A server bug. */
export class MiddlewareError extends ProAPIError {
  override name = 'MiddlewareError';
}

/**
 * Refuses an upgrade with a chosen HTTP status: throw it from a middleware or `@OnConnect` before
 * `accept()`. After the upgrade it closes the connection: 1008 for a 4xx status, 1011 for a 5xx.
 * @example
 * const quota: MiddlewareFunction = async (ws, next) => {
 *   if (await overQuota(ws.clientHost)) throw new HttpError(429, 'too many connections', { 'Retry-After': '60' });
 *   return next();
 * };
 */
export class HttpError extends ProAPIError {
  override name = 'HttpError';
  override readonly httpStatus: number;
  override readonly closeCode: number;
  override readonly wireCode: string;
  override readonly fault: ErrorFault;
  override readonly reason: string;

  constructor(
    status: number,
    message?: string,
    /** Extra response headers, e.g. `{ 'Retry-After': '60' }`. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError takes an HTTP error status (400-599), got ${status}`);
    }
    super(message ?? `HTTP ${status}`);
    this.httpStatus = status;
    this.fault = status < 500 ? 'client' : 'server';
    this.closeCode = status < 500 ? CloseCode.POLICY_VIOLATION : CloseCode.INTERNAL_ERROR;
    this.wireCode = `http_${status}`;
    this.reason = this.message;
  }
}
