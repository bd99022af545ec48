import type { DtoClass } from '../lib/messages/dto-validator';
import { setRecord } from '../lib/metadata/metadata-store';
import { MetadataKey, type EmitsRecord } from '../lib/metadata/records';

/**
 * Declares the messages a gateway sends without being asked (broadcasts, notices), by type,
 * with the class of each payload. ProAPI does not check what is sent: the declaration is for
 * `app.describe()`, and so for API documents and typed clients. Base classes' declarations are
 * inherited; a subclass may redeclare a type. The type `'error'` is reserved.
 * @example
 * @WebSocket('/chat/:room')
 * @Emits({ system: SystemNotice, message: ChatBroadcast })
 * class ChatGateway { ... }
 */
export function Emits(pushes: Readonly<Record<string, DtoClass>>): ClassDecorator {
  return (target) => setRecord<EmitsRecord>(MetadataKey.EMITS, target, { pushes: { ...pushes } });
}
