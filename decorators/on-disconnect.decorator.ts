import { appendRecord } from '../lib/metadata/metadata-store';
import { MetadataKey, type HandlerRecord } from '../lib/metadata/records';

/**
 * Runs once after a connection of an `@OnMessage` gateway closes, however it closed (either
 * side, abruptly, or `app.close()`, which waits for it), and after a handler still running at the
 * close has finished. Undecorated parameters get the close code, then the reason;
 * `@Conn()`, `@User()`, `@Param()`, `@Query()` and `@Header()` work too. Sending is no longer possible.
 * @example
 * @OnDisconnect()
 * left(code: number, reason: string, @User() user: User) { this.online.delete(user.id); }
 */
export function OnDisconnect(): MethodDecorator {
  return (target, propertyKey) =>
    appendRecord<HandlerRecord>(MetadataKey.HANDLERS, target, { kind: 'disconnect', propertyKey });
}
