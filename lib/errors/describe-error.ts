import { CloseCode, isSendableCloseCode } from './close-code';
import { HttpError, WebSocketDisconnect } from './connection-errors';
import { ProAPIError, type ErrorFault } from './proapi-error';

/** How an escaped error is answered, wherever it escaped. */
export interface ErrorAnswer {
  /** `none`: the peer has gone, nothing is answered (a disconnect reaching the handler of that connection). */
  readonly fault: ErrorFault | 'none';
  /** The `error` field of an error frame. */
  readonly wireCode: string;
  /** A sendable close code, for an open connection. */
  readonly closeCode: number;
  /** An HTTP error status, before the upgrade. */
  readonly httpStatus: number;
  /** What the peer is told: close reason, error frame `message`, HTTP body. */
  readonly reason: string;
  /** Extra fields of an error frame (validation `details`, a `WsException`'s `data`). */
  readonly frameFields: object | undefined;
  /** Extra HTTP response headers (an `HttpError`'s). */
  readonly headers: Readonly<Record<string, string>> | undefined;
}

const INTERNAL: ErrorAnswer = Object.freeze({
  fault: 'server',
  wireCode: 'internal',
  closeCode: CloseCode.INTERNAL_ERROR,
  httpStatus: 500,
  reason: 'internal error',
  frameFields: undefined,
  headers: undefined,
});

const NO_ANSWER: ErrorAnswer = Object.freeze({ ...INTERNAL, fault: 'none', wireCode: 'disconnected', reason: '' });

/**
 * The one mapping from an escaped error to its answer. A `ProAPIError` brings its own codes; any
 * other error is a server failure ("internal error", 1011, HTTP 500), and so is an error whose
 * close code cannot be sent. A `WebSocketDisconnect` needs no answer when the connection it
 * escaped from is closed (`peerGone`); escaping while that connection is open, it came from
 * another socket and is a bug in the handler.
 */
export function describeError(error: unknown, peerGone: boolean): ErrorAnswer {
  if (error instanceof WebSocketDisconnect) return peerGone ? NO_ANSWER : INTERNAL;
  if (!(error instanceof ProAPIError)) return INTERNAL;
  const { closeCode, httpStatus } = error;
  if (!isSendableCloseCode(closeCode) || (closeCode === CloseCode.INTERNAL_ERROR && error.fault === 'client')) return INTERNAL;
  return {
    fault: error.fault,
    wireCode: error.wireCode,
    closeCode,
    httpStatus: Number.isInteger(httpStatus) && httpStatus >= 400 && httpStatus <= 599 ? httpStatus : 500,
    reason: error.reason,
    frameFields: error.frameFields(),
    headers: error instanceof HttpError ? error.headers : undefined,
  };
}
