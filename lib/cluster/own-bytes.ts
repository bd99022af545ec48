import type { Payload } from '../connection/message';

/**
 * A payload fit to post to another thread. Structured clone copies a typed array's whole
 * ArrayBuffer, and Node's small Buffers are views into a shared 8 KiB pool: such a view is
 * copied into a buffer of its own size first.
 */
export function ownBytes(data: Payload): Payload {
  if (typeof data === 'string' || data instanceof ArrayBuffer) return data;
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data);
}
