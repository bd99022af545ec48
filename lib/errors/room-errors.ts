import { CloseCode } from './close-code';
import { ProAPIError, WebSocketProtocolError, type ErrorFault } from './proapi-error';

/**
 * A room name is empty, too long (`maxRoomNameBytes`), not a string, or holds control characters
 * or broken UTF-16. Room names usually come from clients, so it blames the peer (`invalid_room`,
 * 1008). The `app.*` room methods are the server's own API: a bad name there is a bug in the
 * server, so theirs blames the server (`closeCode` 1011, answered as an internal error).
 * @example
 * try { await ws.joinRoom(room); }
 * catch (err) { if (err instanceof InvalidRoomNameError) await ws.sendJson({ error: err.reason }); }
 */
export class InvalidRoomNameError extends WebSocketProtocolError {
  override name = 'InvalidRoomNameError';
  override readonly wireCode: string;
  override readonly closeCode: number;
  override readonly fault: ErrorFault;
  override readonly reason: string;

  constructor(
    readonly room: unknown,
    problem: string,
    options: { hint?: string; blame?: ErrorFault } = {},
  ) {
    super(`invalid room name ${describeValue(room)}: ${problem}${options.hint ? ` (${options.hint})` : ''}`);
    this.fault = options.blame ?? 'client';
    const fromClient = this.fault === 'client';
    this.wireCode = fromClient ? 'invalid_room' : 'internal';
    this.closeCode = fromClient ? CloseCode.POLICY_VIOLATION : CloseCode.INTERNAL_ERROR;
    this.reason = fromClient ? `invalid room name: ${problem}` : 'internal error';
  }
}

/**
 * `joinRoom()` was refused: the connection is in `maxRoomsPerConnection` rooms already. Room
 * names usually come from clients, so it blames the peer (`room_limit`, 1008).
 * @example
 * try { await ws.joinRoom(room); }
 * catch (err) { if (err instanceof RoomLimitError) await ws.sendJson({ error: err.reason }); }
 */
export class RoomLimitError extends WebSocketProtocolError {
  override name = 'RoomLimitError';
  override readonly wireCode = 'room_limit';
  constructor(
    readonly room: string,
    readonly limit: number,
  ) {
    super(
      `cannot join room ${describeValue(room)}: the connection is in ${limit} rooms already ` +
        '(leave one first, or raise the maxRoomsPerConnection option)',
      `too many rooms: at most ${limit} per connection`,
    );
  }
}

/**
 * A broadcast was refused, before anyone received it, because it is larger than
 * `maxPayloadLength` (`message_too_large`, 1009).
 */
export class MessageTooLargeError extends ProAPIError {
  override name = 'MessageTooLargeError';
  override readonly wireCode = 'message_too_large';
  override readonly closeCode = CloseCode.MESSAGE_TOO_BIG;
  override readonly httpStatus = 413;
  override readonly fault: ErrorFault = 'client';
  override readonly reason: string;

  constructor(
    readonly byteLength: number,
    readonly limit: number,
  ) {
    super(
      `message of ${byteLength} bytes is over the ${limit}-byte maxPayloadLength limit and was not sent ` +
        `(split it, or raise the maxPayloadLength option)`,
    );
    this.reason = this.message;
  }
}

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value.length > 40 ? `${shown} (${value.length} characters)` : shown;
}
