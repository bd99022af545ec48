import { WebSocketStateError } from '../errors';
import { checkRoomName } from '../rooms/room-name';
import { checkPayloadSize, toJsonText } from '../rooms/room-payload';
import type { RouteContext } from './connection-context';
import type { SocketHandle } from './peer';
import type { Payload } from './message';
import { rejected } from './rejected';

const RESOLVED: Promise<void> = Promise.resolve();

/** What the room operations need of a connection. */
export interface RoomMember<C> {
  readonly route: RouteContext<C>;
  /** Null before accept() and once closed. */
  readonly openSocket: SocketHandle | null;
  /** Why the socket is not open: not accepted yet, or closed. */
  notOpenError(action: string): Error;
}

/**
 * A connection's room operations: names and payloads are checked here, the rooms themselves are
 * the app's {@link RoomHub} (this process's topics, and the broker for other processes).
 */
export function joinRoom<C>(member: RoomMember<C>, room: string): Promise<void> {
  const invalid = checkRoomName(room, member.route.app.settings.maxRoomNameBytes);
  if (invalid !== null) return rejected(invalid);
  const socket = member.openSocket;
  if (socket === null) return rejected(member.notOpenError('join a room'));
  return member.route.app.rooms.join(socket, room);
}

export function leaveRoom<C>(member: RoomMember<C>, room: string): Promise<void> {
  const invalid = checkRoomName(room, member.route.app.settings.maxRoomNameBytes);
  if (invalid !== null) return rejected(invalid);
  const socket = member.openSocket;
  if (socket !== null) member.route.app.rooms.leave(socket, room);
  return RESOLVED;
}

export function roomsOf<C>(member: RoomMember<C>): Promise<string[]> {
  const socket = member.openSocket;
  return Promise.resolve(socket === null ? [] : member.route.app.rooms.roomsOf(socket));
}

export function roomSize<C>(member: RoomMember<C>, room: string): Promise<number> {
  const invalid = checkRoomName(room, member.route.app.settings.maxRoomNameBytes);
  if (invalid !== null) return rejected(invalid);
  return member.route.app.rooms.size(room);
}

/** `exclude`: leave the publishing connection out (it need not be in the room, nor open). */
export function publishJson<C extends object>(member: RoomMember<C> & C, room: string, data: unknown, exclude: boolean): Promise<void> {
  const text = toJsonText(data);
  return typeof text === 'string' ? publish(member, room, text, false, exclude) : rejected(text);
}

export function publish<C extends object>(
  member: RoomMember<C> & C,
  room: string,
  data: Payload,
  isBinary: boolean,
  exclude: boolean,
): Promise<void> {
  const { app, observers } = member.route;
  const refused = checkRoomName(room, app.settings.maxRoomNameBytes) ?? checkPayloadSize(data, app.settings.maxPayloadLength);
  if (refused !== null) return rejected(refused);
  app.rooms.publish(room, data, isBinary, exclude ? member.openSocket : null);
  for (let i = 0; i < observers.length; i++) observers[i].onSend(member, data, isBinary, room);
  return RESOLVED;
}

/** The error for using the socket before `accept()`. */
export function notAcceptedError(action: string): WebSocketStateError {
  return new WebSocketStateError(`cannot ${action} before the connection is accepted. Did you forget to call accept()?`);
}
