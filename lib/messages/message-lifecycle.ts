import type { InboundMessage, MessageSink, WebSocketConnection } from '../connection/web-socket-connection';
import type { ConnectionHandler } from '../routing/route';
import type { Invoker } from '../routing/param-resolvers';
import { closeForEscapedError } from './close-on-error';
import type { MessageDispatcher } from './message-dispatcher';
import { WsException } from './message-errors';

/**
 * One connection of a message gateway: `@OnConnect` first (it may accept, refuse, or neither),
 * then the framework accepts, dispatches messages until the socket closes, waits for the handler
 * still running, if any, and calls `@OnDisconnect(code, reason)` exactly once for every
 * connection that was open. `app.close()` waits for all of it.
 */
export function messageLifecycle(
  dispatcher: MessageDispatcher,
  onConnect: Invoker | undefined,
  onDisconnect: Invoker | undefined,
  connectName: string,
  className: string,
): ConnectionHandler {
  return async function runMessageGateway(ws) {
    const sink = new TrackedSink(dispatcher);
    // Attached before @OnConnect runs, held until it returns: early messages queue, in order.
    ws.attachSink(sink);
    if (onConnect) {
      try {
        await onConnect(ws);
      } catch (error) {
        if (!ws.wasOpened) throw error; // the runner answers the upgrade with HTTP 500
        // A WsException is an answer the gateway chose, as in @OnMessage handlers: the connection stays.
        if (error instanceof WsException) await dispatcher.answerException(ws, error, undefined);
        else closeForEscapedError(ws, error, connectName);
      }
    }
    if (ws.state === 'connecting') await ws.accept();
    if (!ws.wasOpened) return; // refused by @OnConnect, or the client left before the upgrade
    ws.releaseSink();
    const info = await ws.waitForClose();
    // No message is delivered once closed, so the last dispatch is the only one that can still run.
    // It answered or logged its own failure; a rejection here would only repeat it.
    if (sink.lastPending !== undefined) await sink.lastPending.catch(ignore);
    if (!onDisconnect) return;
    try {
      await onDisconnect(ws, info);
    } catch (error) {
      ws.settings.logger.error({ err: error, path: ws.path, gateway: className }, '@OnDisconnect() threw');
    }
  };
}

/** The gateway's dispatcher for one connection, remembering the last dispatch that returned a promise. */
class TrackedSink implements MessageSink {
  lastPending: Promise<unknown> | undefined = undefined;

  constructor(private readonly dispatcher: MessageDispatcher) {}

  onMessage(ws: WebSocketConnection, message: InboundMessage): Promise<unknown> | undefined {
    const pending = this.dispatcher.onMessage(ws, message);
    if (pending !== undefined) this.lastPending = pending;
    return pending;
  }
}

function ignore(): void {}
