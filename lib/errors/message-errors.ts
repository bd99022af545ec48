import { CloseCode } from './close-code';
import { ProAPIError, WebSocketProtocolError, type ErrorFault } from './proapi-error';
import { capDetails, type ValidationDetail } from './validation-details';

export type { ValidationDetail };


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
  /** The problems, or the first few when there were many (see {@link total}), with long strings cut. */
  readonly details: readonly ValidationDetail[];

  constructor(
    readonly dto: string,
    details: readonly ValidationDetail[],
    /** How many problems were found in all. */
    readonly total: number = details.length,
  ) {
    const listed = capDetails(details);
    const more = total > listed.length ? ` and ${total - listed.length} more` : '';
    super(
      `message does not match ${dto}: ${listed.map((d) => d.property || '(message)').join(', ')}${more} invalid`,
      validationSummary(dto, listed, total),
    );
    this.details = listed;
  }

  /** @internal */
  override frameFields(): object {
    return { details: this.details };
  }
}

/**
 * `invalid <what>: <first problem> (and N more, see details)`: the first problem, for clients that
 * only show text. `total` counts every problem found, `details` the ones listed; when some were
 * left out, the message says `details lists the first N`.
 */
export function validationSummary(what: string, details: readonly ValidationDetail[], total = details.length): string {
  const first = (details.length > 0 && Object.values(details[0].constraints)[0]) || 'see details';
  if (total <= 1) return `invalid ${what}: ${first}`;
  const listed = total > details.length ? `details lists the first ${details.length}` : 'see details';
  return `invalid ${what}: ${first} (and ${total - 1} more, ${listed})`;
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
