import { CloseCode } from './close-code';
import { ProAPIError, WebSocketProtocolError, type ErrorFault } from './proapi-error';

/** One property that failed validation; nested properties have dotted paths (`author.name`, `tags.0`). */
export interface ValidationDetail {
  readonly property: string;
  /** class-validator constraint name → message, e.g. `{ maxLength: 'text must be shorter than ...' }`. */
  readonly constraints: Readonly<Record<string, string>>;
}

/**
 * A message (or a `@Query`/`@Param` value) did not match what the handler declared. In an
 * `@OnMessage` handler it is answered with a `validation` error frame; escaping a loop-style
 * handler it closes with 1007; before the upgrade it answers HTTP 400.
 * @example
 * try { const msg = await ws.receiveJson(ChatMessage); }
 * catch (err) { if (err instanceof WebSocketValidationError) await ws.sendJson({ errors: err.details }); }
 */
export class WebSocketValidationError extends WebSocketProtocolError {
  override name = 'WebSocketValidationError';
  override readonly wireCode = 'validation';
  override readonly closeCode = CloseCode.INVALID_PAYLOAD;
  constructor(
    readonly dto: string,
    readonly details: readonly ValidationDetail[],
  ) {
    super(`message does not match ${dto}: ${details.map((d) => d.property || '(message)').join(', ')} invalid`, validationSummary(dto, details));
  }

  /** @internal */
  override frameFields(): object {
    return { details: this.details };
  }
}

/** `invalid <what>: <first problem> (and N more, see details)`: the first problem, for clients that only show text. */
export function validationSummary(what: string, details: readonly ValidationDetail[]): string {
  const first = (details.length > 0 && Object.values(details[0].constraints)[0]) || 'see details';
  const more = details.length > 1 ? ` (and ${details.length - 1} more, see details)` : '';
  return `invalid ${what}: ${first}${more}`;
}

/** Options of a {@link WsException}: how it answers where no error frame can. */
export interface WsExceptionOptions {
  /** The close code when it escapes a loop-style handler (after its error frame). Default 1008. */
  closeCode?: number;
  /** The HTTP status when it is thrown before the upgrade. Default 400. */
  httpStatus?: number;
}

/**
 * Your own error answer. Thrown from an `@OnMessage` handler (or from `@OnConnect` after
 * `accept()`), it is sent as `{ type: 'error', error: code, id, message, data }` and the
 * connection stays open. Escaping a loop-style handler, which has ended, it is sent the same way
 * and the connection then closes with {@link WsExceptionOptions.closeCode} (1008). Thrown before
 * the upgrade, it answers {@link WsExceptionOptions.httpStatus} (400) with `message` as the body.
 * @example
 * @OnMessage('join', JoinMessage)
 * join(@Message() msg: JoinMessage) {
 *   if (this.isFull(msg.room)) throw new WsException('room_full', 'that room is full', { limit: 50 });
 * }
 */
export class WsException<TData = unknown> extends ProAPIError {
  override name = 'WsException';
  override readonly wireCode: string;
  override readonly closeCode: number;
  override readonly httpStatus: number;
  override readonly fault: ErrorFault = 'client';
  override readonly reason: string;

  constructor(
    /** Machine-readable code, sent as the reply's `error` field. */
    readonly code: string,
    message: string,
    /** Sent as the reply's `data` field, if given. */
    readonly data?: TData,
    options: WsExceptionOptions = {},
  ) {
    super(message);
    this.wireCode = code;
    this.reason = message;
    this.closeCode = options.closeCode ?? CloseCode.POLICY_VIOLATION;
    this.httpStatus = options.httpStatus ?? 400;
  }

  /** @internal */
  override frameFields(): object | undefined {
    return this.data === undefined ? undefined : { data: this.data };
  }
}
