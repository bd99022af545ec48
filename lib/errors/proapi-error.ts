import { CloseCode } from './close-code';

/** Who an error blames: the peer's input, or the server itself. */
export type ErrorFault = 'client' | 'server';

/**
 * Base class of every error ProAPI throws on purpose. Each error carries its own answer, so one
 * function ({@link describeError}) can answer it wherever it escapes: the `error` field of an error
 * frame ({@link wireCode}), a close code ({@link closeCode}) after the upgrade, an HTTP status
 * ({@link httpStatus}) before it, and what the peer is told ({@link reason}).
 * Errors that blame the server tell the peer only "internal error"; the log keeps the message.
 */
export class ProAPIError extends Error {
  override name = 'ProAPIError';
  /** The `error` field of the error frame that answers it. */
  readonly wireCode: string = 'internal';
  /** The close code, when it ends an open connection. */
  readonly closeCode: number = CloseCode.INTERNAL_ERROR;
  /** The HTTP status, when it refuses an upgrade. */
  readonly httpStatus: number = 500;
  readonly fault: ErrorFault = 'server';
  /**
   * What the peer is told (close reason, error frame, HTTP body): short, and without hints meant
   * for the server's operator, which stay in `message`. A close reason is cut to 123 bytes.
   */
  readonly reason: string = 'internal error';

  /** @internal Fields an error frame carries besides `error` and `message` (validation details, your data). */
  frameFields(): object | undefined {
    return undefined;
  }
}

/**
 * Bad input from the peer. Escaping a handler it closes the socket with {@link closeCode} (1008
 * unless a subclass says otherwise) and its own short reason; before the upgrade it answers
 * {@link httpStatus} (400). Extend it for your own protocol errors.
 * @example
 * class UnknownCommandError extends WebSocketProtocolError {
 *   override readonly wireCode = 'unknown_command';
 * }
 */
export abstract class WebSocketProtocolError extends ProAPIError {
  override readonly wireCode: string = 'bad_request';
  override readonly closeCode: number = CloseCode.POLICY_VIOLATION;
  override readonly httpStatus: number = 400;
  override readonly fault: ErrorFault = 'client';
  override readonly reason: string;

  constructor(message: string, reason: string = message) {
    super(message);
    this.reason = reason;
  }
}
