import { CloseCode, WebSocketDisconnect } from '../errors';
import type { Logger } from '../logger';
import type { Route } from '../routing/route';
import { blamesPeer } from './close-code';
import type { WebSocketConnection } from './web-socket-connection';

/**
 * Runs a route's handler for one connection and answers however it ends: a handler that never
 * accepted gets HTTP 403 (500 if it threw); one that returns closes with 1000; an escaping error
 * closes with its protocol code (1003, 1007) or 1011, and is logged. Never rejects.
 */
export async function runConnection(ws: WebSocketConnection, route: Route, logger: Logger): Promise<void> {
  let failure: unknown;
  let failed = false;
  try {
    await route.handle(ws);
  } catch (error) {
    failed = true;
    failure = error;
  }
  await finishConnection(ws, route, logger, failed, failure);
}

/**
 * Answers a connection whose handler has settled (see {@link runConnection}). A middleware chain
 * calls it as soon as the handler settles, so middleware code after `next()` sees the final close.
 */
export async function finishConnection(
  ws: WebSocketConnection,
  route: Route,
  logger: Logger,
  failed: boolean,
  failure: unknown,
): Promise<void> {
  if (ws.state === 'connecting') {
    if (failed) {
      logger.error({ err: failure, path: ws.path, route: route.path }, 'handler threw before accept(); answered HTTP 500');
      ws.deny(500, 'internal server error');
    } else {
      logger.warn(
        { path: ws.path, route: route.path, handler: `${route.gatewayName}.${route.handlerName}` },
        'handler returned without calling accept(); answered HTTP 403',
      );
      ws.deny(403, 'connection not accepted');
    }
    return;
  }
  // Quiet only when this connection's own peer left: a disconnect from another socket (say, an
  // awaited send to someone else) escaping while this one is open is a handler bug.
  if (failed && !(failure instanceof WebSocketDisconnect && ws.state === 'closed')) {
    if (blamesPeer(failure)) {
      logger.warn({ path: ws.path, code: failure.closeCode, reason: failure.message }, 'closing: bad message from client');
      if (ws.state === 'open') await ws.close(failure.closeCode, failure.reason);
    } else {
      logger.error({ err: failure, path: ws.path, route: route.path }, 'handler threw; closing with 1011');
      if (ws.state === 'open') await ws.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
    return;
  }
  if (ws.state === 'open') await ws.close(CloseCode.NORMAL);
}
