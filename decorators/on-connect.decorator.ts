import { MetadataKey, type HandlerRecord } from '../lib/metadata/records';
import { appendRecord } from '../lib/metadata/metadata-store';

/**
 * Marks the method that owns each connection. It runs before the upgrade (call `ws.accept()`),
 * receives the connection first, then any decorated parameters; when it returns, the socket closes.
 * @example
 * @OnConnect()
 * async connect(ws: WebSocketConnection) { await ws.accept(); for await (const m of ws) await ws.sendText(m.toString()); }
 */
export function OnConnect(): MethodDecorator {
  return (target, propertyKey) =>
    appendRecord<HandlerRecord>(MetadataKey.HANDLERS, target, { kind: 'connect', propertyKey });
}
