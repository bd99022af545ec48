import { WebSocketMessageTypeError } from '../errors';
import { parseJsonSafely, type JsonLimits } from '../messages/safe-json';
import { ReceiveKind, type Waiter } from './inbound-queue';
import type { InboundMessage } from './message';

/** A message as the receive of `kind` returns it; throws when it is of the wrong kind or bad JSON. */
export function convert(kind: ReceiveKind, message: InboundMessage, limits: JsonLimits): unknown {
  switch (kind) {
    case ReceiveKind.ANY:
      return message;
    case ReceiveKind.ITERATE:
      return { value: message, done: false };
    case ReceiveKind.TEXT:
      if (typeof message !== 'string') throw new WebSocketMessageTypeError('text', 'binary');
      return message;
    case ReceiveKind.BYTES:
      if (typeof message === 'string') throw new WebSocketMessageTypeError('binary', 'text');
      return message;
    case ReceiveKind.JSON:
      if (typeof message !== 'string') throw new WebSocketMessageTypeError('text', 'binary');
      return parseJsonSafely(message, limits);
  }
}

/** Hands a message to a waiting receive. */
export function settle(waiter: Waiter, message: InboundMessage, limits: JsonLimits): void {
  if (waiter.kind === ReceiveKind.ANY) {
    waiter.resolve(message);
    return;
  }
  try {
    waiter.resolve(convert(waiter.kind, message, limits));
  } catch (error) {
    waiter.reject(error);
  }
}
