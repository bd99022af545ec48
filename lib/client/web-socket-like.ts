/**
 * Handler properties are declared as methods so that the socket classes of browsers, `ws` and
 * Node's own `WebSocket`, whose event types are richer than these, fit without a cast.
 */
interface SocketHandlers {
  onopen(event: unknown): void;
  onmessage(event: { readonly data: unknown }): void;
  onclose(event: { readonly code: number; readonly reason: string }): void;
  onerror(event: unknown): void;
}

/** The part of the WebSocket API the client uses: what browsers, `ws` and Node 22's `WebSocket` all have. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: SocketHandlers['onopen'] | null;
  onmessage: SocketHandlers['onmessage'] | null;
  onclose: SocketHandlers['onclose'] | null;
  onerror: SocketHandlers['onerror'] | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A `WebSocket` class: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** `WebSocket.OPEN`, the same in every implementation. */
export const SOCKET_OPEN = 1;
