import type { Logger } from '../logger';

/** Bounds of a {@link PendingWindow}. */
export interface WindowLimits {
  /** Frames queued for the receiver or on their way to it, not yet acknowledged, at most. */
  readonly maxPendingFrames: number;
  /** Estimated bytes of those, at most. */
  readonly maxPendingBytes: number;
}

/**
 * What one thread has posted to another and not yet seen acknowledged, bounded in frames and
 * bytes: a receiver whose event loop is blocked leaves everything posted to it queued in its
 * port, so past either bound room messages for it are dropped (the caller counts them) instead.
 * Logged once per episode: when the window first fills, and when it has drained to half.
 */
export class PendingWindow {
  pendingFrames = 0;
  pendingBytes = 0;
  private droppedInEpisode = 0;

  constructor(
    /** The receiver in log lines, e.g. `worker 3`. */
    private readonly receiver: string,
    private readonly bounds: WindowLimits,
    private readonly log: Logger,
  ) {}

  /** Whether the receiver is in an episode of not keeping up: something did not fit and it has not caught up since. */
  get lagging(): boolean {
    return this.droppedInEpisode > 0;
  }

  /** Whether a droppable frame of `bytes` fits; one that does not is counted and logged once per episode. */
  fits(bytes: number): boolean {
    const { maxPendingFrames, maxPendingBytes } = this.bounds;
    if (this.pendingFrames < maxPendingFrames && this.pendingBytes + bytes <= maxPendingBytes) return true;
    if (this.droppedInEpisode++ === 0) {
      this.log.warn(
        { receiver: this.receiver, pendingFrames: this.pendingFrames, pendingBytes: this.pendingBytes, maxPendingFrames, maxPendingBytes },
        `fast mode: ${this.receiver} is not keeping up (a blocked event loop?): room messages to it are dropped (counted in app.stats().notForwarded) until it catches up`,
      );
    }
    return false;
  }

  add(bytes: number): void {
    this.pendingFrames++;
    this.pendingBytes += bytes;
  }

  /** The receiver handled `frames` frames of `bytes` bytes. */
  acknowledged(frames: number, bytes: number): void {
    this.pendingFrames -= frames;
    this.pendingBytes -= bytes;
    if (this.droppedInEpisode === 0) return;
    if (this.pendingFrames > this.bounds.maxPendingFrames / 2 || this.pendingBytes > this.bounds.maxPendingBytes / 2) return;
    this.log.warn(
      { receiver: this.receiver, dropped: this.droppedInEpisode },
      `fast mode: ${this.receiver} caught up; ${this.droppedInEpisode} room messages to it were dropped meanwhile`,
    );
    this.droppedInEpisode = 0;
  }
}
