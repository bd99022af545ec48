import { CloseCode } from '../errors/close-code';
import type { Logger } from '../logger';
import type { Socket } from './socket-data';

/**
 * The closes the adapter starts itself, each with its log line. After `end()` returns, uWS has
 * already run the socket's close handler.
 */

/** A receiver fell more than maxBackpressure behind: it gets what it was sent so far, then 1013. */
export function closeTooSlow(ws: Socket, buffered: number, maxBackpressure: number, logger: Logger): void {
  logger.warn(
    { route: ws.route, buffered, maxBackpressure },
    'receiver too slow: more than maxBackpressure waits to be sent to it; closing with 1013 after what it was sent',
  );
  ws.end(CloseCode.TRY_AGAIN_LATER, 'too slow: fell more than maxBackpressure behind');
}

/** A message over maxPayloadLength (uWS lets a little more through, so that this can say why). */
export function closeOversized(ws: Socket, size: number, maxPayloadLength: number, logger: Logger): void {
  logger.warn({ route: ws.route, size, limit: maxPayloadLength }, 'inbound message over maxPayloadLength; closing with 1009');
  ws.end(CloseCode.MESSAGE_TOO_BIG, 'message too big');
}

/** uWS drops a socket that breaks the protocol (bad UTF-8, bad opcode, a message far over maxPayloadLength) with 1006 and a reason. */
export function logProtocolDrop(ws: Socket, code: number, reason: string, logger: Logger): void {
  if (code === CloseCode.ABNORMAL && reason) logger.warn({ route: ws.route, reason }, 'connection dropped for a protocol error');
}
