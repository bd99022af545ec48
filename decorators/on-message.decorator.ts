import type { DtoClass } from '../lib/messages/dto-validator';
import { appendRecord } from '../lib/metadata/metadata-store';
import { MetadataKey, type MessageRecord } from '../lib/metadata/records';

/**
 * Handles inbound JSON messages whose `type` field (see the gateway's `discriminator` option)
 * is `type`. The rest of the message becomes an instance of `dto`, validated with
 * class-validator before the method runs; pass `null` to receive the payload as parsed, unvalidated.
 * A returned value (or resolved promise) other than `undefined` is sent back as
 * `{ type, id, data }`, echoing the request's `id` as given. The type `'error'` is reserved for
 * error replies.
 *
 * Parameters: `@Message()`, `@Conn()`, `@Param()`, `@Query()`, `@Header()`, `@User()`; undecorated
 * ones get the connection, then the message, in that order.
 * @example
 * @OnMessage('chat', ChatMessage)
 * chat(@Message() msg: ChatMessage, @Conn() ws: WebSocketConnection) {
 *   return { received: msg.text.length };
 * }
 */
export function OnMessage(type: string, dto: DtoClass | null): MethodDecorator {
  return (target, propertyKey) =>
    appendRecord<MessageRecord>(MetadataKey.MESSAGES, target, { propertyKey, type, dto });
}
