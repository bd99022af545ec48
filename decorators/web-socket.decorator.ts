import { MetadataKey, type GatewayRecord } from '../lib/metadata/records';
import { setRecord } from '../lib/metadata/metadata-store';

/**
 * Marks a class as a WebSocket gateway served at `path`. Segments may be `:name` parameters;
 * the last one may be `*`.
 * @example
 * @WebSocket('/chat/:room')
 * class ChatGateway {
 *   @OnConnect()
 *   async connect(ws: WebSocketConnection, @Param('room') room: string) { await ws.accept(); }
 * }
 */
export function WebSocket(path: string): ClassDecorator {
  return (target) => setRecord<GatewayRecord>(MetadataKey.GATEWAY, target, { path });
}
