import { CloseCode, ProAPIError, WebSocketProtocolError } from '../errors';

/** One property that failed validation; nested properties have dotted paths (`author.name`, `tags.0`). */
export interface ValidationDetail {
  readonly property: string;
  /** class-validator constraint name → message, e.g. `{ maxLength: 'text must be shorter than ...' }`. */
  readonly constraints: Readonly<Record<string, string>>;
}

/**
 * A message did not match its DTO class. `receiveJson(Dto)` rejects with it; if it escapes a
 * loop-style handler the socket closes with 1007.
 * @example
 * try { const msg = await ws.receiveJson(ChatMessage); }
 * catch (err) { if (err instanceof WebSocketValidationError) await ws.sendJson({ errors: err.details }); }
 */
export class WebSocketValidationError extends WebSocketProtocolError {
  override name = 'WebSocketValidationError';
  readonly closeCode = CloseCode.INVALID_PAYLOAD;
  constructor(
    readonly dto: string,
    /** The problems, or the first few of them when there were many (see {@link total}). */
    readonly details: readonly ValidationDetail[],
    /** How many problems were found in all. */
    readonly total: number = details.length,
  ) {
    const more = total > details.length ? ` and ${total - details.length} more` : '';
    super(`message does not match ${dto}: ${details.map((d) => d.property || '(message)').join(', ')}${more} invalid`);
  }
}

/**
 * Throw from an `@OnMessage` handler (or from `@OnConnect` after `accept()`) to answer the sender
 * with your own error; the connection stays open. The reply is `{ type: 'error', error: code, id, message, data }`.
 * @example
 * @OnMessage('join', JoinMessage)
 * join(@Message() msg: JoinMessage) {
 *   if (this.isFull(msg.room)) throw new WsException('room_full', 'that room is full', { limit: 50 });
 * }
 */
export class WsException<TData = unknown> extends ProAPIError {
  override name = 'WsException';
  constructor(
    /** Machine-readable code, sent as the reply's `error` field. */
    readonly code: string,
    message: string,
    /** Sent as the reply's `data` field, if given. */
    readonly data?: TData,
  ) {
    super(message);
  }
}
