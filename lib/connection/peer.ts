/*
 * The seam between the transport (lib/adapter/, the only code that knows uWebSockets.js) and
 * everything above it. The transport calls a Peer; a connection calls the Transport with the
 * opaque handle of its socket. Neither side names the other's classes.
 */

import type { InboundMessage, Payload } from './message';

/** An open socket as the transport knows it; opaque above the adapter. */
export type SocketHandle = { readonly __brand: 'SocketHandle' };

/** What the transport tells one connection, from the upgrade to the close. */
export interface Peer {
  /** The upgrade completed: called synchronously inside {@link Handshake.accept}. */
  onOpen(socket: SocketHandle): void;
  /** A message arrived: text decoded, binary copied out of transport memory; `bytes` as on the wire. */
  onMessage(message: InboundMessage, bytes: number): void;
  /** The socket's send buffer drained. */
  onDrain(): void;
  /** Messages that arrived still wait for the handler (`app.close()` lets it take them before closing). */
  readonly hasQueuedMessages: boolean;
  /**
   * The socket closed (either side), or the upgrade ended without one: refused, timed out, or the
   * client went away (1006). Called once; the handle is invalid from now on.
   */
  onClose(code: number, reason: string): void;
}

/** The upgrade request a connection holds until it accepts or refuses it; answered once. */
export interface Handshake {
  /** Completes the upgrade; the peer's `onOpen` runs before this returns, unless the client has gone. */
  accept(subprotocol: string): void;
  /** Answers the upgrade request with an HTTP error status instead. */
  refuse(status: number, body: string, headers?: Readonly<Record<string, string>>): void;
}

/** How a send went: out at once, buffered (wait for drain above the high-water mark), or dropped. */
export const SendStatus = { SENT: 0, BUFFERED: 1, DROPPED: 2 } as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

/** What a connection asks of its socket. The uWS adapter is the one implementation. */
export interface Transport {
  send(socket: SocketHandle, data: Payload, isBinary: boolean): SendStatus;
  bufferedAmount(socket: SocketHandle): number;
  /** Starts the closing handshake; the peer's `onClose` runs before this returns. */
  end(socket: SocketHandle, code: number, reason: string): void;
}

/** Told when a room of this process gains its first socket or loses its last (closes included). */
export interface RoomListener {
  roomOpened(room: string): void;
  roomEmptied(room: string): void;
  /** Every change of a room's size in this process, when the listener wants them. */
  readonly roomSizeChanged: ((room: string, size: number) => void) | null;
}

/** The rooms of this process: the transport's native pub/sub (uWS topics). */
export interface LocalTopics {
  /** Set once, before any socket opens. */
  setRoomListener(listener: RoomListener): void;
  /** Adds the socket to the room; false if it was in it already. */
  subscribe(socket: SocketHandle, room: string): boolean;
  /** Removes the socket from the room; false if it was not in it. */
  unsubscribe(socket: SocketHandle, room: string): boolean;
  /** Whether the socket is in the room. */
  has(socket: SocketHandle, room: string): boolean;
  /** How many rooms the socket is in. */
  roomCount(socket: SocketHandle): number;
  /** The rooms the socket is in. */
  topicsOf(socket: SocketHandle): string[];
  /** To every socket of this process in `room`, except `exclude`. */
  publish(room: string, data: Payload, isBinary: boolean, exclude: SocketHandle | null): void;
  /** Sockets of this process in `room`. */
  size(room: string): number;
  /** Rooms with at least one socket of this process. */
  rooms(): string[];
}
