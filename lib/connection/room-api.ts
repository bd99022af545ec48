import type { InvalidRoomNameError } from '../errors';
import { checkRoomName } from '../rooms/room-name';
import { ConnectionCore } from './connection-core';
import * as rooms from './room-operations';

/**
 * The room operations of a connection (the public part of {@link WebSocketConnection} that deals
 * with rooms). Names and payloads are checked in room-operations.ts; the rooms are the app's.
 * @typeParam C - the public connection type.
 */
export abstract class RoomApi<C extends object> extends ConnectionCore<C> {
  /** @internal This connection as the room operations see it. */
  private get member(): rooms.RoomMember<C> & C {
    return this as unknown as rooms.RoomMember<C> & C;
  }

  /**
   * Joins `room`. Joining a room it is in already does nothing. Resolves once broadcasts from any
   * process reach this connection. Rejects with `InvalidRoomNameError`, `RoomLimitError` (over
   * `maxRoomsPerConnection`), or before `accept()`/once closed.
   * @example
   * await ws.joinRoom(room);
   * await ws.broadcastJson(room, { type: 'system', message: `${name} has joined the room` });
   */
  joinRoom(room: string): Promise<void> {
    return rooms.joinRoom(this.member, room);
  }

  /** Leaves `room`. Leaving a room it is not in does nothing, and so does leaving once closed (the close left every room). */
  leaveRoom(room: string): Promise<void> {
    return rooms.leaveRoom(this.member, room);
  }

  /**
   * Why `room` cannot name a room in this app, or `null` if it can: the check `joinRoom()` and the
   * broadcasts make. Use it to refuse a bad name from the URL before `accept()`.
   * @example
   * const invalid = ws.checkRoomName(ws.params.room);
   * if (invalid) return ws.deny(400, invalid.reason);
   */
  checkRoomName(room: string): InvalidRoomNameError | null {
    return checkRoomName(room, this.route.app.settings.maxRoomNameBytes);
  }

  /** The rooms this connection is in (none before `accept()` or once closed). */
  getRooms(): Promise<string[]> {
    return rooms.roomsOf(this.member);
  }

  /** How many connections of this app are in `room` (in every process, with a broker), this one included. */
  getRoomSize(room: string): Promise<number> {
    return rooms.roomSize(this.member, room);
  }

  /**
   * Sends a text message to everyone in `room` except this connection, which need not be in the
   * room; once closed it is in no room, so a "has left" announcement reaches everyone there.
   * Rejects with `InvalidRoomNameError`, or `MessageTooLargeError` over `maxPayloadLength`.
   */
  broadcast(room: string, text: string): Promise<void> {
    return rooms.publish(this.member, room, text, false, true);
  }

  /** Like {@link broadcast} with `JSON.stringify(data)`, serialized once for all receivers. */
  broadcastJson(room: string, data: unknown): Promise<void> {
    return rooms.publishJson(this.member, room, data, true);
  }

  /** Like {@link broadcast} with a binary message. */
  broadcastBytes(room: string, data: Uint8Array | ArrayBuffer): Promise<void> {
    return rooms.publish(this.member, room, data, true, true);
  }

  /** Sends a text message to everyone in `room`, this connection included if it is in the room. */
  broadcastToAll(room: string, text: string): Promise<void> {
    return rooms.publish(this.member, room, text, false, false);
  }

  /** Like {@link broadcastToAll} with `JSON.stringify(data)`, serialized once for all receivers. */
  broadcastJsonToAll(room: string, data: unknown): Promise<void> {
    return rooms.publishJson(this.member, room, data, false);
  }

  /** Like {@link broadcastToAll} with a binary message. */
  broadcastBytesToAll(room: string, data: Uint8Array | ArrayBuffer): Promise<void> {
    return rooms.publish(this.member, room, data, true, false);
  }
}
