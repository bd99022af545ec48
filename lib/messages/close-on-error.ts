import type { WebSocketConnection } from '../connection/web-socket-connection';
import { blamesPeer } from '../connection/close-code';
import { CloseCode, WebSocketDisconnect } from '../errors';

/**
 * Closes an open connection the way an error escaping a loop-style handler would: bad client
 * data (a `WebSocketProtocolError`, e.g. an invalid room name) with its own code and short
 * reason, anything else with 1011; a disconnect needs nothing. Logs either way, with the full message.
 */
export function closeForEscapedError(ws: WebSocketConnection, error: unknown, where: string): void {
  if (error instanceof WebSocketDisconnect) return;
  const { logger } = ws.settings;
  if (blamesPeer(error)) {
    const fields = { path: ws.path, handler: where, code: error.closeCode, reason: error.message };
    logger.warn(fields, 'closing: bad message from client');
    if (ws.state === 'open') void ws.close(error.closeCode, error.reason);
  } else {
    logger.error({ err: error, path: ws.path, handler: where }, 'handler threw; closing with 1011');
    if (ws.state === 'open') void ws.close(CloseCode.INTERNAL_ERROR, 'internal error');
  }
}
