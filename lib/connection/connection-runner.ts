import type { HandlerFinish } from './connection-core';
import type { WebSocketConnection } from './web-socket-connection';

/** A loop-style handler: it owns the connection until the promise it returns settles. */
export type LoopHandler = (ws: WebSocketConnection) => unknown;

/**
 * Runs a loop-style handler for one connection and answers however it ends: an escaping error by
 * the app's error model (an HTTP status before the upgrade, a close code after it); a handler that
 * returned without accepting gets HTTP 403; one that returned after accepting closes with 1000.
 * Then calls `finish` with the outcome. Never throws.
 */
export function runLoopHandler(ws: WebSocketConnection, handler: LoopHandler, where: string, finish: HandlerFinish): void {
  let result: unknown;
  try {
    result = handler(ws);
  } catch (error) {
    endLoopHandler(ws, where, true, error, finish);
    return;
  }
  if (isThenable(result)) {
    result.then(
      (value) => endLoopHandler(ws, where, false, value, finish),
      (error: unknown) => endLoopHandler(ws, where, true, error, finish),
    );
  } else {
    endLoopHandler(ws, where, false, result, finish);
  }
}

function endLoopHandler(ws: WebSocketConnection, where: string, failed: boolean, outcome: unknown, finish: HandlerFinish): void {
  if (failed) void ws.route.app.answerError(ws, outcome, { stage: 'handler', where });
  else if (ws.state === 'connecting') refuseUnaccepted(ws, where);
  if (ws.state === 'open') void ws.close();
  finish(failed, outcome);
}

/** A handler (or `@OnConnect`) returned without accepting or refusing: HTTP 403, and a warning saying why. */
export function refuseUnaccepted(ws: WebSocketConnection, where: string): void {
  ws.route.app.settings.logger.warn(
    { path: ws.path, route: ws.route.path, handler: where },
    `${where} returned without calling accept(); answered HTTP 403. Call await ws.accept() to accept the connection`,
  );
  ws.deny(403, 'connection not accepted');
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
