import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '../logger';
import { PendingWindow, type WindowLimits } from './pending-window';

/** How a fast-mode worker bounds what it waits for from, and keeps for, each other worker. */
export interface MeshLimits extends WindowLimits {
  /**
   * How long a question to other workers (a join's subscription, a room size, the room list,
   * stats, a metrics scrape) waits for each of them, in ms. A worker that has not answered by
   * then (its event loop blocked) is left out, and not waited for again until it is heard from.
   */
  readonly answerTimeoutMs: number;
}

/**
 * 5 s, as long as the Redis and NATS brokers' `subscribeTimeoutMs` lets a join wait; 10,000
 * frames and 16 MiB, their `maxPendingMessages` and `maxPendingBytes`: a healthy worker
 * acknowledges within an event-loop turn, so only a stalled one comes near them.
 */
export const DEFAULT_MESH_LIMITS: MeshLimits = Object.freeze({
  answerTimeoutMs: 5_000,
  maxPendingFrames: 10_000,
  maxPendingBytes: 16 * 1024 * 1024,
});

/** What a frame of a few small values is counted as. */
const SMALL_FRAME_BYTES = 16;
/** What an object (a stats or metrics answer) is counted as: a few hundred bytes. */
const OBJECT_BYTES = 512;

/** Estimated bytes of a frame's value once cloned: strings and bytes by length, lists by their items. */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + valueBytes(item), SMALL_FRAME_BYTES);
  return typeof value === 'object' && value !== null ? OBJECT_BYTES : 0;
}

/** What a room message counts in a window: the receiver acknowledges it with the same count. */
export function roomMessageBytes(room: string, data: unknown): number {
  return SMALL_FRAME_BYTES + room.length + valueBytes(data);
}

export function frameBytes(a: unknown, b: unknown, c: unknown): number {
  return SMALL_FRAME_BYTES + valueBytes(a) + valueBytes(b) + valueBytes(c);
}

/**
 * Another worker, as this one reaches it: a MessagePort, the frames waiting for the next flush,
 * and what it has not acknowledged yet (its {@link PendingWindow}).
 */
export class PeerLink extends PendingWindow {
  /** Its HELLO arrived: every frame it sent before (its rooms) has been handled. */
  introduced = false;
  outbox: unknown[] = [];
  /** Frames and bytes in the outbox, acknowledged once the peer has handled the batch. */
  outboxFrames = 0;
  outboxBytes = 0;
  /** What this worker handled of the peer's batches and has not acknowledged yet. */
  owedFrames = 0;
  owedBytes = 0;
  /** A question to it went unanswered: not waited for until it is heard from again. */
  silent = false;

  constructor(
    readonly id: number,
    readonly port: MessagePort,
    private readonly limits: MeshLimits,
    private readonly logger: Logger,
  ) {
    super(`worker ${id}`, limits, logger);
  }

  /** Counts a frame queued for it. */
  queued(bytes: number): void {
    this.outboxFrames++;
    this.outboxBytes += bytes;
    this.add(bytes);
  }

  /** It did not answer `question` in time: logged once until it is heard from again. */
  unanswered(question: string): void {
    if (this.silent) return;
    this.silent = true;
    this.logger.warn(
      { worker: this.id, question, answerTimeoutMs: this.limits.answerTimeoutMs },
      `fast mode: worker ${this.id} did not answer within ${this.limits.answerTimeoutMs} ms (a blocked event loop?). Until it answers again, ` +
        'joins resolve without it (its broadcasts reach new members on a best-effort basis), and room sizes, room lists, stats (marked partial) and metrics leave it out',
    );
  }

  /** A batch came from it: it is answering again. */
  heard(): void {
    if (!this.silent) return;
    this.silent = false;
    this.logger.warn({ worker: this.id }, `fast mode: worker ${this.id} answers again`);
  }
}
