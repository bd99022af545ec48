import { QueueFullError } from './client-errors.js';

/** A frame waiting for the connection. */
export interface QueuedFrame {
  readonly text: string;
  readonly bytes: number;
  readonly type: string;
  /** The request waiting for its reply, or null for a `send()`. */
  readonly requestId: number | null;
  /** When a queued `send()` is too old to go out (requests have their own timeout). */
  readonly expiresAt: number;
}

/**
 * Frames sent while the client is not connected, in order, bounded in count and bytes. They go
 * out as soon as the connection opens; a request leaves early when its timeout fires.
 */
export class Outbox {
  private frames: QueuedFrame[] = [];
  private bytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.frames.length;
  }

  /** Queues `frame`, or returns why it cannot. */
  add(frame: QueuedFrame): QueueFullError | null {
    if (this.frames.length >= this.maxMessages) {
      return new QueueFullError(`"${frame.type}" not queued: ${this.maxMessages} messages already wait for the connection (maxQueuedMessages)`);
    }
    if (this.bytes + frame.bytes > this.maxBytes) {
      return new QueueFullError(
        `"${frame.type}" not queued: ${this.bytes} bytes wait for the connection, and ${frame.bytes} more would pass maxQueuedBytes (${this.maxBytes})`,
      );
    }
    this.frames.push(frame);
    this.bytes += frame.bytes;
    return null;
  }

  /** Takes a request out (its timeout fired, or the client closed); false if it was not queued. */
  remove(requestId: number): boolean {
    const index = this.frames.findIndex((frame) => frame.requestId === requestId);
    if (index < 0) return false;
    this.bytes -= this.frames[index].bytes;
    this.frames.splice(index, 1);
    return true;
  }

  /** Empties the queue, returning its frames in order. */
  takeAll(): QueuedFrame[] {
    const frames = this.frames;
    this.frames = [];
    this.bytes = 0;
    return frames;
  }
}

/** The UTF-8 size of `text`, without encoding it (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    bytes += unit < 0x800 ? 1 : 2;
    // A surrogate pair is 2 units and 4 bytes: the +2 above covers both.
    if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i++;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
