import type { ConnectionLimits } from './limits';
import { checkRoomName } from './rooms/room-name';
import { checkPayloadSize, toJsonText, type RoomPayload } from './rooms/room-payload';

/** Where the app's room API goes: the listening app's rooms, or the workers of a fast-mode app. */
export interface AppRooms {
  publish(room: string, data: RoomPayload, isBinary: boolean, exclude: null): void;
  size(room: string): Promise<number>;
  rooms(): Promise<string[]>;
}

/**
 * The app's room API: push to rooms from outside any handler (timers, HTTP routes, jobs), and
 * ask about them. A broadcast is handed to uWS (and the broker) before the call returns; before
 * `listen()` nobody can be in a room, so it reaches no one (the room name is still checked).
 * These are the server's own calls, so a bad room name here is a server bug: its
 * `InvalidRoomNameError` blames the server (closeCode 1011, an internal error if it escapes a handler).
 */
export abstract class AppRoomApi {
  /** @internal */
  protected abstract get roomHub(): AppRooms | null;
  /** @internal */
  protected abstract get roomLimits(): Pick<ConnectionLimits, 'maxRoomNameBytes' | 'maxPayloadLength'>;

  /**
   * Sends a text message to every connection in `room`.
   * Throws `InvalidRoomNameError` (closeCode 1011: a server bug), or `MessageTooLargeError` over `maxPayloadLength`.
   * @example
   * setInterval(() => app.broadcast('clock', new Date().toISOString()), 1000);
   */
  broadcast(room: string, text: string): void {
    this.publishToRoom(room, text, false);
  }

  /**
   * Sends `JSON.stringify(data)` to every connection in `room`, serialized once.
   * @example
   * app.get('/announce', () => { app.broadcastJson('lobby', { type: 'system', message: 'maintenance at 6' }); return 'sent'; });
   */
  broadcastJson(room: string, data: unknown): void {
    const text = toJsonText(data);
    if (typeof text !== 'string') throw text;
    this.publishToRoom(room, text, false);
  }

  /** Sends a binary message to every connection in `room`. */
  broadcastBytes(room: string, data: Uint8Array | ArrayBuffer): void {
    this.publishToRoom(room, data, true);
  }

  /**
   * How many connections are in `room` right now, in every process the broker reaches. A promise,
   * since a broker may ask other processes. Rejects with `InvalidRoomNameError` (a server bug).
   */
  async getRoomSize(room: string): Promise<number> {
    const invalid = checkRoomName(room, this.roomLimits.maxRoomNameBytes, 'server');
    if (invalid !== null) throw invalid;
    return this.roomHub?.size(room) ?? 0;
  }

  /** Every room with at least one connection in it (in every process the broker reaches), in no particular order. */
  async getRooms(): Promise<string[]> {
    return this.roomHub?.rooms() ?? [];
  }

  /** @internal */
  private publishToRoom(room: string, data: RoomPayload, isBinary: boolean): void {
    const refused =
      checkRoomName(room, this.roomLimits.maxRoomNameBytes, 'server') ?? checkPayloadSize(data, this.roomLimits.maxPayloadLength);
    if (refused !== null) throw refused;
    this.roomHub?.publish(room, data, isBinary, null);
  }
}
