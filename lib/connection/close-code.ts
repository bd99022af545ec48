import { CloseCode, WebSocketProtocolError } from '../errors';

/**
 * Whether an error escaping a handler blames the peer, so the socket closes with the error's own
 * code and `reason`; anything else (a `closeCode` of 1011 included) is a server failure.
 */
export function blamesPeer(error: unknown): error is WebSocketProtocolError {
  return (
    error instanceof WebSocketProtocolError && error.closeCode !== CloseCode.INTERNAL_ERROR && isSendableCloseCode(error.closeCode)
  );
}

/** Whether a server may send `code` in a close frame (RFC 6455 §7.4 and the IANA registry). */
export function isSendableCloseCode(code: number): boolean {
  return (
    code === 1000 || code === 1001 || code === 1003 || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}
