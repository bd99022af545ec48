import type { Payload } from '../../connection/message';

/*
 * The one frame a room message crosses machines in, written once per publish:
 *
 *   byte 0      format version (1)
 *   byte 1      flags: bit 0 set = binary payload, clear = UTF-8 text
 *   bytes 2-17  origin node id (the publishing process's 16-byte UUID)
 *   bytes 18-19 room name length in bytes (uint16, big endian)
 *   then        room name (UTF-8), then the payload exactly as the app gave it
 *
 * The payload is copied once and never transcoded: binary stays binary, text stays its UTF-8
 * bytes (the receiving node hands those bytes to its sockets as a text frame, undecoded).
 */
const VERSION = 1;
const BINARY = 1;
export const ENVELOPE_HEADER_BYTES = 20;
const MAX_ROOM_BYTES = 0xffff;

/** A node's id as the 16 bytes envelopes carry. */
export function nodeIdBytes(nodeId: string): Buffer {
  const hex = nodeId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`node id must be a UUID, got ${JSON.stringify(nodeId)}`);
  return Buffer.from(hex, 'hex');
}

/** The envelope of one room message, or null when the room name is too long to frame (over 65,535 bytes). */
export function encodeEnvelope(origin: Buffer, room: string, data: Payload, isBinary: boolean): Buffer | null {
  const roomBytes = Buffer.byteLength(room);
  if (roomBytes > MAX_ROOM_BYTES) return null;
  const payloadBytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  const frame = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + roomBytes + payloadBytes);
  frame[0] = VERSION;
  frame[1] = isBinary ? BINARY : 0;
  origin.copy(frame, 2, 0, 16);
  frame.writeUInt16BE(roomBytes, 18);
  const offset = ENVELOPE_HEADER_BYTES + frame.write(room, ENVELOPE_HEADER_BYTES, 'utf8');
  if (typeof data === 'string') frame.write(data, offset, 'utf8');
  else if (data instanceof Uint8Array) frame.set(data, offset);
  else frame.set(new Uint8Array(data), offset);
  return frame;
}

/** A decoded envelope; `payload` is a view into the received frame (no copy). */
export interface Envelope {
  readonly room: string;
  readonly payload: Buffer;
  readonly isBinary: boolean;
}

/** Whether the frame was published by the node whose id bytes are `self`. */
export function isFrom(frame: Uint8Array, self: Buffer): boolean {
  return frame.length >= ENVELOPE_HEADER_BYTES && self.equals(frame.subarray(2, 18));
}

/** The envelope in `frame`, or null for a frame that is not one (wrong version, truncated). */
export function decodeEnvelope(frame: Uint8Array): Envelope | null {
  if (frame.length < ENVELOPE_HEADER_BYTES || frame[0] !== VERSION) return null;
  const buffer = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const roomEnd = ENVELOPE_HEADER_BYTES + buffer.readUInt16BE(18);
  if (roomEnd > buffer.length) return null;
  return {
    room: buffer.toString('utf8', ENVELOPE_HEADER_BYTES, roomEnd),
    payload: buffer.subarray(roomEnd),
    isBinary: (buffer[1] & BINARY) !== 0,
  };
}
