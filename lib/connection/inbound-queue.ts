import { ReceiveTimeoutError } from '../errors';
import type { InboundMessage } from './message';

/** What a receive waits for; `ITERATE` is any message as an iterator result (`for await`). */
export const ReceiveKind = { ANY: 0, TEXT: 1, JSON: 2, BYTES: 3, ITERATE: 4 } as const;
export type ReceiveKind = (typeof ReceiveKind)[keyof typeof ReceiveKind];

export interface Waiter {
  readonly kind: ReceiveKind;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
}

/** The limits of one connection's inbound queue. */
export interface QueueLimits {
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
}

/**
 * One connection's inbound messages that no consumer has taken yet, and the receives waiting for
 * one (there are waiters only while no message is ready). The first {@link passed} messages have
 * been through the route's middleware `onMessage()` stages and are ready; behind them wait those
 * that arrived while an async stage was running. One bound, in count and in bytes, covers both.
 * Allocated on first need: most connections never queue.
 */
export class InboundQueue {
  // Allocated on the first queued message: a `for await` loop that keeps up never needs them.
  private messages: InboundMessage[] | null = null;
  private sizes: number[] | null = null;
  /** Messages at the front that are ready for a consumer. */
  passed = 0;
  private bytes = 0;
  /** The oldest waiting receive; an idle loop has exactly one, so it needs no array. */
  private waiter: Waiter | null = null;
  /** Receives waiting behind {@link waiter}, oldest first. */
  private laterWaiters: Waiter[] | null = null;

  /** Whether one more message of `size` bytes would go over the limits. */
  isFull(size: number, limits: QueueLimits): boolean {
    return this.length >= limits.maxQueuedMessages || this.bytes + size > limits.maxQueuedBytes;
  }

  get length(): number {
    return this.messages === null ? 0 : this.messages.length;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Adds a ready message after the ready ones (ahead of any that still wait for a stage). */
  addReady(message: InboundMessage, size: number): void {
    const messages = (this.messages ??= []);
    const sizes = (this.sizes ??= []);
    if (this.passed === messages.length) {
      messages.push(message);
      sizes.push(size);
    } else {
      messages.splice(this.passed, 0, message);
      sizes.splice(this.passed, 0, size);
    }
    this.passed++;
    this.bytes += size;
  }

  /** Adds a message that must still go through the stages. */
  addWaiting(message: InboundMessage, size: number): void {
    (this.messages ??= []).push(message);
    (this.sizes ??= []).push(size);
    this.bytes += size;
  }

  /** The oldest ready message; only when {@link passed} > 0. */
  takeReady(): InboundMessage {
    this.passed--;
    this.bytes -= (this.sizes as number[]).shift() as number;
    return (this.messages as InboundMessage[]).shift() as InboundMessage;
  }

  /** The oldest message still waiting for the stages, with its size, if any. */
  takeWaiting(): [InboundMessage, number] | undefined {
    const messages = this.messages;
    if (messages === null || this.passed === messages.length) return undefined;
    const size = (this.sizes as number[]).splice(this.passed, 1)[0];
    this.bytes -= size;
    return [messages.splice(this.passed, 1)[0], size];
  }

  hasWaiter(): boolean {
    return this.waiter !== null;
  }

  /** Registers a receive; rejects it with `ReceiveTimeoutError` after `timeout` ms, if given. */
  wait(kind: ReceiveKind, timeout: number | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { kind, resolve, reject, timer: undefined };
      if (timeout !== undefined) {
        waiter.timer = setTimeout(() => {
          this.removeWaiter(waiter);
          reject(new ReceiveTimeoutError(timeout));
        }, timeout);
      }
      if (this.waiter === null) this.waiter = waiter;
      else (this.laterWaiters ??= []).push(waiter);
    });
  }

  /** The oldest waiting receive, its timer stopped. */
  takeWaiter(): Waiter {
    const waiter = this.waiter as Waiter;
    this.waiter = this.laterWaiters?.shift() ?? null;
    if (waiter.timer) clearTimeout(waiter.timer);
    return waiter;
  }

  /** Every waiting receive, timers stopped, for the close; the queue keeps no waiter. */
  takeAllWaiters(): Waiter[] {
    const waiters = this.waiter === null ? [] : [this.waiter, ...(this.laterWaiters ?? [])];
    this.waiter = null;
    this.laterWaiters = null;
    for (const waiter of waiters) if (waiter.timer) clearTimeout(waiter.timer);
    return waiters;
  }

  private removeWaiter(waiter: Waiter): void {
    if (this.waiter === waiter) {
      this.waiter = this.laterWaiters?.shift() ?? null;
      return;
    }
    const index = this.laterWaiters ? this.laterWaiters.indexOf(waiter) : -1;
    if (index >= 0) this.laterWaiters!.splice(index, 1);
  }
}
