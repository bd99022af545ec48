import { InvalidRoomNameError } from '../errors';

// Control characters (C0, DEL, C1) and lone surrogates. uWS stores topics as UTF-8, where a lone
// surrogate would turn into U+FFFD and silently merge distinct names into one room.
const FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

/**
 * Why `room` cannot name a room, or `null` if it can. Runs on every join and broadcast, so the
 * usual short name costs a length check and one regex test.
 */
export function checkRoomName(room: unknown, maxBytes: number): InvalidRoomNameError | null {
  if (typeof room !== 'string') return new InvalidRoomNameError(room, 'room names are strings');
  if (room.length === 0) return new InvalidRoomNameError(room, 'room names must not be empty');
  // UTF-8 takes one to three bytes per UTF-16 unit, so only long names need measuring.
  if (room.length > maxBytes || (room.length * 3 > maxBytes && Buffer.byteLength(room) > maxBytes)) {
    return new InvalidRoomNameError(room, `longer than ${maxBytes} bytes of UTF-8 (raise the maxRoomNameBytes option)`);
  }
  if (FORBIDDEN.test(room)) {
    return new InvalidRoomNameError(room, 'control characters and unpaired surrogates are not allowed');
  }
  return null;
}
