import { InvalidRoomNameError, type ErrorFault } from '../errors';

// Control characters (C0, DEL, C1) and lone surrogates. uWS stores topics as UTF-8, where a lone
// surrogate would turn into U+FFFD and silently merge distinct names into one room.
const FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

/** Who passed the name: a client (through a connection's methods) or the server (`app.*`). */
export type RoomNameSource = ErrorFault;

/**
 * Why `room` cannot name a room, or `null` if it can. Runs on every join and broadcast, so the
 * usual short name costs a length check and one regex test.
 */
export function checkRoomName(room: unknown, maxBytes: number, source: RoomNameSource = 'client'): InvalidRoomNameError | null {
  if (typeof room !== 'string') return invalid(room, 'must be a string', source);
  if (room.length === 0) return invalid(room, 'must not be empty', source);
  // UTF-8 takes one to three bytes per UTF-16 unit, so only long names need measuring.
  if (room.length > maxBytes || (room.length * 3 > maxBytes && Buffer.byteLength(room) > maxBytes)) {
    return invalid(room, `longer than ${maxBytes} bytes of UTF-8`, source, 'raise the maxRoomNameBytes option');
  }
  if (FORBIDDEN.test(room)) return invalid(room, 'control characters and unpaired surrogates are not allowed', source);
  return null;
}

function invalid(room: unknown, problem: string, source: RoomNameSource, hint?: string): InvalidRoomNameError {
  // A bad name from the server's own code is a bug in the server, not bad input (1011, not 1008).
  return new InvalidRoomNameError(room, problem, { hint, blame: source });
}
