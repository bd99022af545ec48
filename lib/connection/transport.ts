import type { ResolvedOptions } from '../options';
import type { WebSocketConnection } from './web-socket-connection';

/** An open socket as the transport knows it; opaque above the adapter. */
export type SocketRef = { readonly __brand: 'SocketRef' };

/** Everything a connection copied from the upgrade request before the request object died. */
export interface CopiedRequest {
  readonly path: string;
  readonly rawQuery: string;
  /** Header names (lower-case) and values, alternating, each as `<length>:<text>`: `4:host9:127.0.0.1`. */
  readonly headerText: string;
  readonly params: Readonly<Record<string, string>>;
  readonly clientHost: string;
}

/** What a connection asks of the server underneath it. The uWS adapter is the one implementation. */
export interface ConnectionTransport {
  readonly options: ResolvedOptions;
  readonly serverHost: string;
  readonly serverPort: number;
  /** Completes the HTTP upgrade; the connection's `onTransportOpen` runs before this returns. */
  upgrade(conn: WebSocketConnection<object>, subprotocol: string): void;
  /** Answers the pending upgrade request with an HTTP status instead of upgrading. */
  deny(conn: WebSocketConnection<object>, status: number, body: string, headers?: Readonly<Record<string, string>>): void;
  /** Returns uWS's send status: 1 sent, 0 sent but buffered, 2 dropped (over maxBackpressure). */
  send(socket: SocketRef, data: string | Uint8Array | ArrayBuffer, isBinary: boolean): number;
  bufferedAmount(socket: SocketRef): number;
  /** Starts the closing handshake; the connection's `onTransportClose` runs before this returns. */
  end(socket: SocketRef, code: number, reason: string): void;

  // Rooms. A room is a uWS topic; a socket leaves all of its rooms when it closes.

  /** Adds the socket to the room; joining twice is a no-op. */
  subscribe(socket: SocketRef, room: string): void;
  /** Removes the socket from the room; false (and nothing done) if it was not in the room. */
  unsubscribe(socket: SocketRef, room: string): boolean;
  /** Whether the socket is in the room. */
  isSubscribed(socket: SocketRef, room: string): boolean;
  /** The rooms the socket is in. */
  getTopics(socket: SocketRef): string[];
  /** How many sockets are in the room (0 for a room nobody is in). */
  numSubscribers(room: string): number;
  /** Every room with at least one socket in it. */
  getRooms(): string[];
  /**
   * The one path every room message takes: to every socket in `room` except `exclude`, which is
   * given only when that socket is in at least one room. Anything that carries rooms beyond this process
   * (a broker) hooks in here.
   */
  publish(room: string, data: string | Uint8Array | ArrayBuffer, isBinary: boolean, exclude: SocketRef | null): void;
}
