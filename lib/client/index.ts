/**
 * The ProAPI client for browsers: plain ES modules, importable from a `<script type="module">`
 * without a build step. In Node, import `proapi/client`, which brings `ws` along.
 */
import type { AnyApi, ClientApi } from './client-api.js';
import { resolveClientOptions, type ClientOptions, type ClientOptionsArgument } from './client-options.js';
import { ProAPIClient } from './proapi-client.js';

/**
 * Connects to a ProAPI gateway and keeps the connection: requests with replies, sends, pushes,
 * reconnection. With the API type `proapi client` generates, every type name and field is checked
 * at compile time.
 * @example
 * import { createClient } from 'proapi/client';
 * import type { ChatGatewayApi } from './chat-api';
 * const client = createClient<ChatGatewayApi>('ws://127.0.0.1:8000/chat/lobby?username=ann');
 * client.on('message', (line) => console.log(`${line.username}: ${line.content}`));
 * client.send('message', { content: 'hello' });
 */
export function createClient<Api extends ClientApi = AnyApi>(
  url: string | (() => string),
  ...[options]: ClientOptionsArgument<Api>
): ProAPIClient<Api> {
  return new ProAPIClient<Api>(url, resolveClientOptions((options ?? {}) as ClientOptions<Api>));
}

export { ProAPIClient, type RequestOptions } from './proapi-client.js';
export type { AnyApi, ClientApi, MessageSpec, MessageType, PayloadOf, PushMessage, PushType, ReplyOf } from './client-api.js';
export type { BaseClientOptions, ClientOptions, ClientOptionsArgument, CloseEvent } from './client-options.js';
export { RECONNECT_CODES } from './client-options.js';
export type { ClientEventListener, ClientEventName, ClientEvents } from './client-events.js';
export type { ClientStatus } from './reconnecting-socket.js';
export { DEFAULT_RECONNECT, reconnectDelay, type ReconnectOptions } from './backoff.js';
export type { WebSocketConstructor, WebSocketLike } from './web-socket-like.js';
export {
  ClientError,
  ServerError,
  RequestTimeoutError,
  ConnectionLostError,
  ClientClosedError,
  QueueFullError,
  ClientProtocolError,
  type ErrorFrame,
  type KnownServerErrorCode,
  type ValidationIssue,
} from './client-errors.js';
