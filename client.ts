/**
 * `proapi/client`: a typed WebSocket client for ProAPI gateways, in Node (over `ws`) and in
 * browsers (the same code as plain ES modules, see README "The client").
 * @example
 * import { createClient } from 'proapi/client';
 * const client = createClient('ws://127.0.0.1:8000/chat/lobby');
 * const reply = await client.request('ping', {});
 */
import NodeWebSocket from 'ws';
import type { AnyApi, ClientApi } from './lib/client/client-api';
import type { ClientOptionsArgument } from './lib/client/client-options';
import { createClient as createBrowserClient } from './lib/client/index';
import type { ProAPIClient } from './lib/client/proapi-client';
import type { WebSocketConstructor } from './lib/client/web-socket-like';

export * from './lib/client/index';

/**
 * Connects to a ProAPI gateway (see the browser build's `createClient`); in Node the socket is
 * `ws`'s unless `options.WebSocket` names another.
 * @example
 * const client = createClient<ChatGatewayApi>('ws://127.0.0.1:8000/chat/lobby?username=ann');
 */
export function createClient<Api extends ClientApi = AnyApi>(
  url: string | (() => string),
  ...[options]: ClientOptionsArgument<Api>
): ProAPIClient<Api> {
  const withSocket = { WebSocket: NodeWebSocket satisfies WebSocketConstructor, ...options };
  return (createBrowserClient as (url: string | (() => string), options: object) => ProAPIClient<Api>)(url, withSocket);
}
