import type { Logger } from '../../logger';

/**
 * Bounds what this node has handed to the broker connection and not yet seen acknowledged, in
 * messages and bytes, so a slow or stalled broker costs bounded memory: past either bound a room
 * message is not forwarded (and counted), never queued. Logged once per congestion episode.
 */
export class SendWindow {
  messages = 0;
  bytes = 0;
  private congested = false;
  private droppedInEpisode = 0;
  /** Messages refused for a full window since start. */
  dropped = 0;

  constructor(
    private readonly broker: string,
    readonly maxMessages: number,
    readonly maxBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Takes room for one message of `size` bytes; false (and counted) when the window is full. */
  take(size: number): boolean {
    if (this.messages >= this.maxMessages || this.bytes + size > this.maxBytes) {
      this.dropped++;
      this.droppedInEpisode++;
      if (!this.congested) {
        this.congested = true;
        this.logger.warn(
          { broker: this.broker, pendingMessages: this.messages, pendingBytes: this.bytes, maxPendingMessages: this.maxMessages, maxPendingBytes: this.maxBytes },
          `${this.broker} broker is not keeping up: room messages to other nodes are dropped (counted in app.stats().notForwarded) until it catches up`,
        );
      }
      return false;
    }
    this.messages++;
    this.bytes += size;
    return true;
  }

  /** The broker took `messages` messages of `bytes` bytes in all. */
  release(messages: number, bytes: number): void {
    this.messages -= messages;
    this.bytes -= bytes;
    if (this.congested && this.messages <= this.maxMessages / 2 && this.bytes <= this.maxBytes / 2) {
      this.congested = false;
      this.logger.warn({ broker: this.broker, dropped: this.droppedInEpisode }, `${this.broker} broker caught up; ${this.droppedInEpisode} room messages were dropped meanwhile`);
      this.droppedInEpisode = 0;
    }
  }

  /** Everything in flight was lost with the connection. */
  reset(): void {
    this.release(this.messages, this.bytes);
  }
}
