import type { DtoClass } from '../lib/messages/dto-validator';
import { appendRecord } from '../lib/metadata/metadata-store';
import { MetadataKey, type MessageRecord } from '../lib/metadata/records';

/** Options of `@OnMessage(type, dto, options)`. */
export interface OnMessageOptions<TReply> {
  /**
   * The class of the reply's `data` (what the method returns). It is not validated at run time: it
   * documents the reply for `app.describe()`, and the method's return type is checked against it
   * at compile time.
   */
  reply?: new (...args: never[]) => TReply;
}

/**
 * A method decorator that accepts only methods returning `TReply` or a promise of it. With no
 * declared reply (`TReply` = `unknown`) any method fits.
 */
export type MessageHandlerDecorator<TReply> = <THandler extends (...args: never[]) => TReply | PromiseLike<TReply>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<THandler>,
) => void;

/**
 * Handles inbound JSON messages whose `type` field (see the gateway's `discriminator` option)
 * is `type`. The rest of the message becomes an instance of `dto`, validated with
 * class-validator before the method runs; pass `null` to receive the payload as parsed, unvalidated.
 * A returned value (or resolved promise) other than `undefined` is sent back as
 * `{ type, id, data }`, echoing the request's `id` as given. Declare its class with
 * `{ reply: ReplyClass }`: the method must then return that shape (checked at compile time). The
 * type `'error'` is reserved for error replies.
 *
 * Parameters: `@Message()`, `@Conn()`, `@Param()`, `@Query()`, `@Header()`, `@User()`; undecorated
 * ones get the connection, then the message, in that order. The message parameter's declared
 * class must be the DTO (or a base class of it), else `listen()` fails with `RouteDefinitionError`.
 * @example
 * @OnMessage('chat', ChatMessage, { reply: ChatReceipt })
 * chat(@Message() msg: ChatMessage, @Conn() ws: WebSocketConnection): ChatReceipt {
 *   return { received: msg.text.length };
 * }
 */
export function OnMessage<TDto extends object, TReply = unknown>(
  type: string,
  dto: DtoClass<TDto> | null,
  options: OnMessageOptions<TReply> = {},
): MessageHandlerDecorator<TReply> {
  const { reply } = options;
  return (target, propertyKey) =>
    appendRecord<MessageRecord>(MetadataKey.MESSAGES, target, { propertyKey, type, dto, ...(reply && { reply: reply as DtoClass }) });
}
