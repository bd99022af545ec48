import { MetadataKey, type GatewayOptions, type GatewayRecord } from '../lib/metadata/records';
import { setRecord } from '../lib/metadata/metadata-store';

/**
 * Marks a class as a WebSocket gateway served at `path`. Segments may be `:name` parameters;
 * the last one may be `*`. `options` configure `@OnMessage` dispatch (discriminator field,
 * validation, which failures close the connection).
 * @example
 * @WebSocket('/chat/:room')
 * class ChatGateway {
 *   @OnConnect()
 *   async connect(ws: WebSocketConnection, @Param('room') room: string) { await ws.accept(); }
 * }
 */
export function WebSocket(path: string, options?: GatewayOptions): ClassDecorator {
  return (target) => setRecord<GatewayRecord>(MetadataKey.GATEWAY, target, { path, options });
}
