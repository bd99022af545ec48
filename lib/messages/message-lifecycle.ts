import type { ConnectionHandler } from '../routing/route';
import type { Invoker } from '../routing/param-resolvers';
import { closeForEscapedError } from './close-on-error';
import type { MessageDispatcher } from './message-dispatcher';

/**
 * One connection of a message gateway: `@OnConnect` first (it may accept, refuse, or neither),
 * then the framework accepts, dispatches messages until the socket closes, and calls
 * `@OnDisconnect(code, reason)` exactly once for every connection that was open.
 */
export function messageLifecycle(
  dispatcher: MessageDispatcher,
  onConnect: Invoker | undefined,
  onDisconnect: Invoker | undefined,
  connectName: string,
  className: string,
): ConnectionHandler {
  return async function runMessageGateway(ws) {
    // Attached before @OnConnect runs, held until it returns: early messages queue, in order.
    ws.attachSink(dispatcher);
    if (onConnect) {
      try {
        await onConnect(ws);
      } catch (error) {
        if (!ws.wasOpened) throw error; // the runner answers the upgrade with HTTP 500
        closeForEscapedError(ws, error, connectName);
      }
    }
    if (ws.state === 'connecting') await ws.accept();
    if (!ws.wasOpened) return; // refused by @OnConnect, or the client left before the upgrade
    ws.releaseSink();
    const info = await ws.waitForClose();
    if (!onDisconnect) return;
    try {
      await onDisconnect(ws, info);
    } catch (error) {
      ws.settings.logger.error({ err: error, path: ws.path, gateway: className }, '@OnDisconnect() threw');
    }
  };
}
