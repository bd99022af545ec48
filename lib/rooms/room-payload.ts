import { MessageTooLargeError } from '../errors';

export type RoomPayload = string | Uint8Array | ArrayBuffer;

/** Refuses a broadcast over `limit` bytes before anyone receives it; `null` when it fits. */
export function checkPayloadSize(data: RoomPayload, limit: number): MessageTooLargeError | null {
  if (typeof data !== 'string') return data.byteLength > limit ? new MessageTooLargeError(data.byteLength, limit) : null;
  // UTF-8 takes one to three bytes per UTF-16 unit, so only long texts need measuring.
  if (data.length * 3 <= limit) return null;
  const bytes = Buffer.byteLength(data);
  return bytes > limit ? new MessageTooLargeError(bytes, limit) : null;
}

/**
 * The JSON text of a broadcast, serialized once however many connections receive it; a
 * `TypeError` when JSON cannot represent `data` (undefined, a function, a cycle, a BigInt).
 */
export function toJsonText(data: unknown): string | TypeError {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    return new TypeError(`cannot broadcast this value as JSON: ${(error as Error).message}`);
  }
  return text === undefined ? new TypeError(`cannot broadcast ${typeof data} as JSON`) : text;
}
