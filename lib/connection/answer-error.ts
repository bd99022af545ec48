import { describeError, WsException, type ErrorAnswer } from '../errors';
import type { Logger } from '../logger';
import type { Probe } from '../instrumentation/probe';
import type { StatsCounters } from '../instrumentation/stats';
import type { ErrorSite } from './connection-context';
import type { ErrorContext, ErrorHook, ErrorStage } from './error-hook';
import type { WebSocketConnection } from './web-socket-connection';

/**
 * The one place an escaped error is answered. Before the upgrade: its HTTP status. After it: an
 * error frame where one can answer (an `@OnMessage` dispatch; a `WsException` anywhere), else a
 * close with its code. A disconnect of the connection itself needs nothing. Logged once: a warning
 * for bad client input, an error with the stack for a server failure.
 */
export function answerError(
  ws: WebSocketConnection,
  error: unknown,
  site: ErrorSite,
  hook: ErrorHook | undefined,
  stats: StatsCounters,
  probe: Probe,
): Promise<unknown> | undefined {
  const { logger } = ws.route.app.settings;
  const answer = describeError(error, ws.closed);
  if (answer.fault === 'none') return undefined;
  stats.error(answer.wireCode);
  if (probe.error !== null) probe.error(ws.route.path, answer.wireCode);
  if (hook !== undefined && runHook(hook, error, { connection: ws, stage: site.stage, where: site.where, type: site.type, answer }, logger)) {
    if (ws.state === 'connecting') ws.deny(403, 'connection refused');
    return undefined;
  }
  if (ws.state === 'connecting') {
    log(logger, ws, error, answer, site, `answered HTTP ${answer.httpStatus}`);
    ws.deny(answer.httpStatus, answer.reason, answer.headers);
    return undefined;
  }
  if (ws.state === 'closed') {
    log(logger, ws, error, answer, site, 'after the connection closed');
    return undefined;
  }
  const frameAnswers = site.reply !== undefined && (site.stage === 'message' || error instanceof WsException);
  const closes = !frameAnswers || site.closeOn?.has(answer.wireCode) === true;
  if (!frameAnswers && error instanceof WsException) {
    // A loop-style handler has ended: the client still gets the error the handler chose, then the close.
    void ws.sendJson({ type: 'error', error: answer.wireCode, message: answer.reason, ...answer.frameFields }).catch(ignore);
  }
  log(logger, ws, error, answer, site, closes ? `closing with ${answer.closeCode}` : `answered error "${answer.wireCode}"`);
  const sending = frameAnswers ? site.reply!(answer) : undefined;
  if (!closes) return sending;
  void ws.close(answer.closeCode, answer.reason);
  return undefined;
}

function runHook(hook: ErrorHook, error: unknown, context: ErrorContext, logger: Logger): boolean {
  try {
    return hook(error, context) === 'handled';
  } catch (hookError) {
    logger.error({ err: hookError, path: context.connection.path }, 'onError hook threw; answering the original error as usual');
    return false;
  }
}

function log(logger: Logger, ws: WebSocketConnection, error: unknown, answer: ErrorAnswer, site: ErrorSite, outcome: string): void {
  const where = site.stage === 'middleware' ? { middleware: site.where } : { handler: site.where };
  const fields = { path: ws.path, route: ws.route.path, stage: site.stage, ...where, type: site.type, error: answer.wireCode };
  const what = describeStage(site.stage);
  if (answer.fault === 'client') {
    logger.warn({ ...fields, code: answer.closeCode, reason: error instanceof Error ? error.message : String(error) }, `${what}: bad input from client; ${outcome}`);
  } else {
    logger.error({ ...fields, err: error }, `${what} threw; ${outcome}`);
  }
}

function describeStage(stage: ErrorStage): string {
  switch (stage) {
    case 'middleware':
      return 'middleware';
    case 'connect':
      return '@OnConnect()';
    case 'handler':
      return 'handler';
    case 'message':
      return 'message handler';
    case 'disconnect':
      return '@OnDisconnect()';
  }
}

function ignore(): void {}
